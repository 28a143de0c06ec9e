#pragma once

#include <QByteArray>
#include <QString>

#include <optional>

/// A Google service-account key (the JSON file Google Cloud issues, "application default
/// credentials") and the OAuth 2.0 JWT-bearer grant it signs (RFC 7523): an RS256 JWT
/// assertion, POSTed form-encoded to the key's token_uri for an access token.
/// Signing uses OpenSSL (libcrypto). Immutable; safe to share between threads.
class GoogleServiceAccount
{
public:
    /// The OAuth scope requested (Vertex AI is covered by cloud-platform).
    static constexpr char kCloudPlatformScope[] = "https://www.googleapis.com/auth/cloud-platform";

    /// Parses a service-account JSON; sets \a error naming what is missing when it is not one.
    static std::optional<GoogleServiceAccount> fromJson(const QByteArray &json, QString *error);

    QString projectId() const { return m_projectId; }
    QString clientEmail() const { return m_clientEmail; }
    QByteArray tokenUri() const { return m_tokenUri; }

    /// The signed JWT (header.claims.signature, base64url without padding) issued at
    /// \a issuedAtSecs (Unix time) and valid for one hour; empty with \a error set when the
    /// private key cannot sign.
    QByteArray signedAssertion(qint64 issuedAtSecs, QString *error) const;
    /// `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=<jwt>`.
    QByteArray tokenRequestBody(qint64 issuedAtSecs, QString *error) const;

    /// The access token and its lifetime from a token endpoint's JSON answer; empty token and
    /// \a error set (the endpoint's error_description or error) otherwise.
    static QByteArray parseTokenResponse(int status, const QByteArray &body, qint64 *expiresInSecs,
                                         QString *error);

private:
    QString m_projectId;
    QString m_clientEmail;
    QString m_privateKeyId;
    QByteArray m_privateKeyPem;
    QByteArray m_tokenUri;
};
