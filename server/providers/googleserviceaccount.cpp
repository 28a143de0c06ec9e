#include "googleserviceaccount.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QUrl>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <memory>

namespace {

constexpr char kDefaultTokenUri[] = "https://oauth2.googleapis.com/token";
constexpr qint64 kAssertionLifetimeSecs = 3600;

QByteArray base64Url(const QByteArray &bytes)
{
    return bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

QByteArray compact(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

/// RS256: RSASSA-PKCS1-v1_5 over SHA-256 with the PEM private key.
QByteArray signRs256(const QByteArray &pem, const QByteArray &input, QString *error)
{
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(pem.constData(), int(pem.size())),
                                                  &BIO_free);
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
        bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr,
        &EVP_PKEY_free);
    if (!key) {
        *error = QStringLiteral("private_key is not a PEM private key");
        return {};
    }
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(),
                                                                    &EVP_MD_CTX_free);
    size_t length = 0;
    if (!context ||
        EVP_DigestSignInit(context.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1 ||
        EVP_DigestSign(context.get(), nullptr, &length,
                       reinterpret_cast<const unsigned char *>(input.constData()),
                       size_t(input.size())) != 1) {
        *error = QStringLiteral("private_key cannot sign with RS256");
        return {};
    }
    QByteArray signature(qsizetype(length), Qt::Uninitialized);
    if (EVP_DigestSign(context.get(), reinterpret_cast<unsigned char *>(signature.data()), &length,
                       reinterpret_cast<const unsigned char *>(input.constData()),
                       size_t(input.size())) != 1) {
        *error = QStringLiteral("RS256 signing failed");
        return {};
    }
    signature.truncate(qsizetype(length));
    return signature;
}

} // namespace

std::optional<GoogleServiceAccount> GoogleServiceAccount::fromJson(const QByteArray &json,
                                                                   QString *error)
{
    const QJsonObject object = QJsonDocument::fromJson(json).object();
    GoogleServiceAccount account;
    account.m_projectId = object.value(QStringLiteral("project_id")).toString();
    account.m_clientEmail = object.value(QStringLiteral("client_email")).toString();
    account.m_privateKeyId = object.value(QStringLiteral("private_key_id")).toString();
    account.m_privateKeyPem = object.value(QStringLiteral("private_key")).toString().toUtf8();
    account.m_tokenUri = object.value(QStringLiteral("token_uri")).toString().toUtf8();
    if (account.m_tokenUri.isEmpty())
        account.m_tokenUri = kDefaultTokenUri;
    QStringList missing;
    if (account.m_clientEmail.isEmpty())
        missing.append(QStringLiteral("client_email"));
    if (account.m_privateKeyPem.isEmpty())
        missing.append(QStringLiteral("private_key"));
    if (!missing.isEmpty()) {
        *error = QStringLiteral("the service-account JSON lacks %1")
                     .arg(missing.join(QStringLiteral(" and ")));
        return std::nullopt;
    }
    return account;
}

QByteArray GoogleServiceAccount::signedAssertion(qint64 issuedAtSecs, QString *error) const
{
    QJsonObject header{{QStringLiteral("alg"), QStringLiteral("RS256")},
                       {QStringLiteral("typ"), QStringLiteral("JWT")}};
    if (!m_privateKeyId.isEmpty())
        header.insert(QStringLiteral("kid"), m_privateKeyId);
    const QJsonObject claims{{QStringLiteral("iss"), m_clientEmail},
                             {QStringLiteral("scope"), QLatin1String(kCloudPlatformScope)},
                             {QStringLiteral("aud"), QString::fromUtf8(m_tokenUri)},
                             {QStringLiteral("iat"), issuedAtSecs},
                             {QStringLiteral("exp"), issuedAtSecs + kAssertionLifetimeSecs}};
    const QByteArray input = base64Url(compact(header)) + '.' + base64Url(compact(claims));
    const QByteArray signature = signRs256(m_privateKeyPem, input, error);
    return signature.isEmpty() ? QByteArray() : input + '.' + base64Url(signature);
}

QByteArray GoogleServiceAccount::tokenRequestBody(qint64 issuedAtSecs, QString *error) const
{
    const QByteArray assertion = signedAssertion(issuedAtSecs, error);
    if (assertion.isEmpty())
        return {};
    return "grant_type=" + QUrl::toPercentEncoding("urn:ietf:params:oauth:grant-type:jwt-bearer") +
           "&assertion=" + assertion; // base64url needs no escaping.
}

QByteArray GoogleServiceAccount::parseTokenResponse(int status, const QByteArray &body,
                                                    qint64 *expiresInSecs, QString *error)
{
    const QJsonObject object = QJsonDocument::fromJson(body).object();
    const QByteArray token = object.value(QStringLiteral("access_token")).toString().toUtf8();
    if (status == 200 && !token.isEmpty()) {
        *expiresInSecs = object.value(QStringLiteral("expires_in")).toInteger(3600);
        return token;
    }
    QString message = object.value(QStringLiteral("error_description")).toString();
    if (message.isEmpty())
        message = object.value(QStringLiteral("error")).toString();
    if (message.isEmpty())
        message = QStringLiteral("no access_token in the answer");
    *error = QStringLiteral("token endpoint answered HTTP %1: %2").arg(status).arg(message);
    return {};
}
