#pragma once

#include "model/channel.h"
#include "repository.h"

#include <optional>

/// Filters of the channel list and search endpoints; empty / 0 fields do not filter.
struct ChannelFilter
{
    QString keyword; ///< Search: substring of name, key, base_url or models.
    qint64 id = 0;
    QString name;    ///< Substring.
    QString key;     ///< Substring.
    QString baseUrl; ///< Substring.
    int type = 0;
    QString order; ///< "<column>-asc|desc", default "id-desc".
};

/// The `channels` table.
class ChannelRepository : public Repository
{
public:
    explicit ChannelRepository(Database &database);

    std::optional<Channel> find(qint64 id);
    Page<Channel> list(const ChannelFilter &filter, const PageRequest &page);
    QList<Channel> all();
    /// Inserts \a channel, setting its id and time stamps.
    bool insert(Channel &channel);
    /// Writes every column of \a channel (by id); false when it does not exist or on error.
    bool update(Channel &channel);
    /// Sets the balance columns only (a balance query must not overwrite other fields changed
    /// while it ran); false when the channel does not exist or on error.
    bool updateBalance(qint64 id, double balance, qint64 updatedAtMs);
    /// Deletes the channels with \a ids; number deleted or -1.
    qint64 remove(const QList<qint64> &ids);
};
