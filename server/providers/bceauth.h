#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QPair>

/// Baidu AI Cloud's request signature (bce-auth-v1), as its IAM service requires for the
/// AK/SK → bearer-token exchange: signingKey = HMAC-SHA256-HEX(SK, authStringPrefix),
/// signature = HMAC-SHA256-HEX(signingKey, canonicalRequest), signing only the Host header.
/// Uses Qt's HMAC; reentrant.
namespace BceAuth {

/// The canonical request: method, path (percent-encoded, '/' kept), query (pairs encoded and
/// sorted), and `host:<encoded host[:port]>`, joined with newlines.
QByteArray canonicalRequest(const QByteArray &method, const QByteArray &path,
                            const QList<QPair<QByteArray, QByteArray>> &query,
                            const QByteArray &host);

/// The `Authorization` value `bce-auth-v1/{ak}/{timestamp}/{expiration}/host/{signature}`
/// for a request signed at \a at (UTC, second precision), valid \a expirationSeconds.
QByteArray authorization(const QByteArray &accessKeyId, const QByteArray &secretAccessKey,
                         const QByteArray &canonicalRequest, const QDateTime &at,
                         int expirationSeconds = 1800);

} // namespace BceAuth
