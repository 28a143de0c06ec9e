#include "accesstokencache.h"

QByteArray AccessTokenCache::find(const QByteArray &credentialKey, qint64 nowMs) const
{
    QMutexLocker lock(&m_mutex);
    const auto it = m_entries.constFind(credentialKey);
    if (it == m_entries.constEnd() || it->expiresAtMs - kRefreshMarginMs <= nowMs)
        return {};
    return it->token;
}

void AccessTokenCache::store(const QByteArray &credentialKey, const QByteArray &token,
                             qint64 expiresAtMs)
{
    QMutexLocker lock(&m_mutex);
    m_entries.insert(credentialKey, Entry{token, expiresAtMs});
}
