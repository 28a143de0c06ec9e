#pragma once

#include <QByteArray>
#include <QHash>
#include <QMutex>

/// Access tokens by credential (a hash of the secret that obtained them), shared by all worker
/// threads (mutex-guarded). A token counts as absent once it has less than the refresh margin
/// left, so requests never start with a token about to expire.
class AccessTokenCache
{
public:
    static constexpr qint64 kRefreshMarginMs = 5 * 60 * 1000;

    /// The token cached for \a credentialKey when it is valid for the margin at \a nowMs; empty
    /// otherwise.
    QByteArray find(const QByteArray &credentialKey, qint64 nowMs) const;
    void store(const QByteArray &credentialKey, const QByteArray &token, qint64 expiresAtMs);

private:
    struct Entry
    {
        QByteArray token;
        qint64 expiresAtMs = 0;
    };
    mutable QMutex m_mutex;
    QHash<QByteArray, Entry> m_entries;
};
