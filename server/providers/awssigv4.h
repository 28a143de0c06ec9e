#pragma once

#include "upstream/upstreamcall.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QDateTime>

/// AWS Signature Version 4 header signing of an UpstreamRequest (AWS General Reference,
/// "Create a signed AWS API request"). Reentrant; holds only the credentials and the scope.
///
/// sign() adds `X-Amz-Date`, `X-Amz-Security-Token` (with a session token), optionally
/// `X-Amz-Content-Sha256`, and `Authorization`. It signs `host` (taken from the URL as libcurl
/// sends it: the port only when it is not the scheme's default) and every header of the
/// request except the ones proxies and libcurl may change (authorization, user-agent, expect,
/// content-length, connection, transfer-encoding, x-amzn-trace-id).
///
/// The canonical URI is the URL's path as it is sent, URI-encoded once more segment by segment
/// (what AWS requires of every service but S3): a model id `a.b:c` sent as `a.b%3Ac` is signed
/// as `a.b%253Ac`. Query parameters are decoded, URI-encoded and sorted by name, then value.
class AwsSigV4
{
public:
    struct Credentials
    {
        QByteArray accessKeyId;
        QByteArray secretAccessKey;
        QByteArray sessionToken; ///< Temporary credentials only; empty otherwise.
    };

    AwsSigV4(Credentials credentials, QByteArray region, QByteArray service);

    /// Also sign (and send) `X-Amz-Content-Sha256` with the payload's hash. Default: off.
    void setContentSha256Header(bool on) { m_contentSha256Header = on; }

    /// Signs \a request for the instant \a now (any time zone; used as UTC). Earlier
    /// Authorization / X-Amz-* signing headers of the request are replaced.
    void sign(UpstreamRequest *request, const QDateTime &now) const;

    /// The canonical request of an already prepared \a request (its X-Amz-Date included) and,
    /// in \a signedHeaders, the `;`-joined names it covers.
    QByteArray canonicalRequest(const UpstreamRequest &request, QByteArray *signedHeaders) const;

    /// RFC 3986 encoding as SigV4 wants it: everything but A-Z a-z 0-9 - . _ ~ as %XX
    /// (uppercase hex).
    static QByteArray uriEncode(QByteArrayView bytes);
    /// The canonical URI of \a path (as sent, without query): each segment URI-encoded; "/"
    /// when empty.
    static QByteArray canonicalUri(QByteArrayView path);
    /// The canonical query string of \a query (as sent, without '?').
    static QByteArray canonicalQuery(QByteArrayView query);
    /// Lowercase hex SHA-256 of \a bytes.
    static QByteArray sha256Hex(QByteArrayView bytes);

private:
    Credentials m_credentials;
    QByteArray m_region;
    QByteArray m_service;
    bool m_contentSha256Header = false;
};
