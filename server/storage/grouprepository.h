#pragma once

#include "model/group.h"
#include "repository.h"

#include <optional>

/// Filters of the group list and search endpoints; empty / 0 fields do not filter.
struct GroupFilter
{
    QString keyword; ///< Search: substring of the id.
    int status = 0;
    QString order; ///< "<column>-asc|desc", default "created_at-desc".
};

/// The `tenant_groups` table (aiproxy's groups).
class GroupRepository : public Repository
{
public:
    explicit GroupRepository(Database &database);

    std::optional<Group> find(const QString &id);
    Page<Group> list(const GroupFilter &filter, const PageRequest &page);
    /// Inserts \a group, setting its creation time.
    bool insert(Group &group);
    /// Writes every column of \a group (by id); false when it does not exist or on error.
    bool update(const Group &group);
    /// Deletes the groups with \a ids together with their tokens, in one transaction.
    /// Returns the number of groups deleted, or -1.
    qint64 remove(const QStringList &ids);
    /// Sets the status of the groups with \a ids; number changed or -1.
    qint64 setStatus(const QStringList &ids, int status);
};
