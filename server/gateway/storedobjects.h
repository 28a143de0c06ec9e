#pragma once

#include <QHash>
#include <QMutex>
#include <QString>

#include <deque>
#include <optional>

/// Which channel created a stored upstream object (a Responses API response), so later calls
/// on it (GET, DELETE) go to that channel, and only for the group that created it.
///
/// In memory, bounded (oldest forgotten first) and expiring; thread-safe. Objects created
/// through another gateway instance are not known here (a shared table is future work).
class StoredObjects
{
public:
    struct Entry
    {
        QString groupId;
        qint64 channelId = 0;
        qint64 expiresAtMs = 0;
    };

    explicit StoredObjects(qsizetype capacity = 100000);

    void remember(const QString &id, const QString &groupId, qint64 channelId, qint64 ttlMs);
    /// The channel of object \a id for \a groupId; nothing when unknown, expired or another
    /// group's.
    std::optional<Entry> find(const QString &id, const QString &groupId) const;
    void forget(const QString &id);

private:
    qsizetype m_capacity;
    mutable QMutex m_mutex;
    QHash<QString, Entry> m_entries;
    std::deque<QString> m_order; ///< Insertion order, for the capacity bound.
};
