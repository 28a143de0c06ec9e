#include "storedobjects.h"

#include <QDateTime>

StoredObjects::StoredObjects(qsizetype capacity)
    : m_capacity(capacity)
{
}

void StoredObjects::remember(const QString &id, const QString &groupId, qint64 channelId,
                             qint64 ttlMs)
{
    if (id.isEmpty())
        return;
    QMutexLocker lock(&m_mutex);
    if (!m_entries.contains(id))
        m_order.push_back(id);
    m_entries.insert(id, {groupId, channelId, QDateTime::currentMSecsSinceEpoch() + ttlMs});
    while (qsizetype(m_order.size()) > m_capacity) {
        m_entries.remove(m_order.front());
        m_order.pop_front();
    }
}

std::optional<StoredObjects::Entry> StoredObjects::find(const QString &id,
                                                        const QString &groupId) const
{
    QMutexLocker lock(&m_mutex);
    const auto it = m_entries.constFind(id);
    if (it == m_entries.constEnd() || it->groupId != groupId ||
        it->expiresAtMs < QDateTime::currentMSecsSinceEpoch())
        return std::nullopt;
    return *it;
}

void StoredObjects::forget(const QString &id)
{
    QMutexLocker lock(&m_mutex);
    m_entries.remove(id); // Its m_order slot is dropped when it reaches the front.
}
