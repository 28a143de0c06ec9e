// Google service-account credentials: key parsing, the signed JWT grant (structure and an
// RS256 signature that verifies with the public key), token answers, and the token cache's
// refresh margin.

#include "providers/accesstokencache.h"
#include "providers/googleserviceaccount.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QUrlQuery>
#include <QtTest>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <memory>

namespace {

using KeyPtr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;

QByteArray privatePem(EVP_PKEY *key)
{
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
    PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
    char *data = nullptr;
    const long size = BIO_get_mem_data(bio.get(), &data);
    return QByteArray(data, qsizetype(size));
}

bool verifies(EVP_PKEY *key, const QByteArray &input, const QByteArray &signature)
{
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(),
                                                                    &EVP_MD_CTX_free);
    return EVP_DigestVerifyInit(context.get(), nullptr, EVP_sha256(), nullptr, key) == 1 &&
           EVP_DigestVerify(
               context.get(), reinterpret_cast<const unsigned char *>(signature.constData()),
               size_t(signature.size()), reinterpret_cast<const unsigned char *>(input.constData()),
               size_t(input.size())) == 1;
}

QByteArray accountJson(const QByteArray &pem, const char *tokenUri = nullptr)
{
    QJsonObject account{{"type", "service_account"},
                        {"project_id", "proj-1"},
                        {"private_key_id", "kid-1"},
                        {"private_key", QString::fromUtf8(pem)},
                        {"client_email", "svc@proj-1.iam.gserviceaccount.com"}};
    if (tokenUri)
        account.insert("token_uri", QString::fromLatin1(tokenUri));
    return QJsonDocument(account).toJson(QJsonDocument::Compact);
}

QJsonObject segment(const QByteArray &part)
{
    return QJsonDocument::fromJson(QByteArray::fromBase64(part, QByteArray::Base64UrlEncoding))
        .object();
}

} // namespace

class TstGoogleAuth : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void signedAssertion();
    void tokenRequestBody();
    void rejectsIncompleteAccounts();
    void rejectsUnusableKey();
    void parsesTokenAnswers();
    void cacheRefreshMargin();
};

void TstGoogleAuth::signedAssertion()
{
    KeyPtr key(EVP_RSA_gen(2048), &EVP_PKEY_free);
    QString error;
    const auto account = GoogleServiceAccount::fromJson(accountJson(privatePem(key.get())), &error);
    QVERIFY2(account, qPrintable(error));
    QCOMPARE(account->projectId(), QStringLiteral("proj-1"));
    QCOMPARE(account->tokenUri(), QByteArray("https://oauth2.googleapis.com/token"));
    const QByteArray jwt = account->signedAssertion(1700000000, &error);
    const QList<QByteArray> parts = jwt.split('.');
    QCOMPARE(parts.size(), 3);
    QVERIFY(!jwt.contains('=') && !jwt.contains('+') && !jwt.contains('/')); // base64url, bare
    QCOMPARE(segment(parts[0]), (QJsonObject{{"alg", "RS256"}, {"typ", "JWT"}, {"kid", "kid-1"}}));
    const QJsonObject claims = segment(parts[1]);
    QCOMPARE(claims.value("iss").toString(), QStringLiteral("svc@proj-1.iam.gserviceaccount.com"));
    QCOMPARE(claims.value("aud").toString(), QStringLiteral("https://oauth2.googleapis.com/token"));
    QCOMPARE(claims.value("scope").toString(),
             QStringLiteral("https://www.googleapis.com/auth/cloud-platform"));
    QCOMPARE(claims.value("iat").toInteger(), 1700000000);
    QCOMPARE(claims.value("exp").toInteger(), 1700003600);
    const QByteArray signature = QByteArray::fromBase64(parts[2], QByteArray::Base64UrlEncoding);
    QCOMPARE(signature.size(), 256); // RSA-2048
    QVERIFY(verifies(key.get(), parts[0] + '.' + parts[1], signature));
    QVERIFY(!verifies(key.get(), parts[0] + '.' + parts[1] + 'x', signature));
}

void TstGoogleAuth::tokenRequestBody()
{
    KeyPtr key(EVP_RSA_gen(2048), &EVP_PKEY_free);
    QString error;
    const auto account = GoogleServiceAccount::fromJson(
        accountJson(privatePem(key.get()), "http://127.0.0.1:9/token"), &error);
    QVERIFY(account);
    QCOMPARE(account->tokenUri(), QByteArray("http://127.0.0.1:9/token"));
    const QUrlQuery form(QString::fromUtf8(account->tokenRequestBody(1700000000, &error)));
    QCOMPARE(form.queryItemValue("grant_type", QUrl::FullyDecoded),
             QStringLiteral("urn:ietf:params:oauth:grant-type:jwt-bearer"));
    QCOMPARE(
        segment(form.queryItemValue("assertion").toUtf8().split('.').at(1)).value("aud").toString(),
        QStringLiteral("http://127.0.0.1:9/token"));
}

void TstGoogleAuth::rejectsIncompleteAccounts()
{
    QString error;
    QVERIFY(!GoogleServiceAccount::fromJson("{\"project_id\":\"p\"}", &error));
    QCOMPARE(error, QStringLiteral("the service-account JSON lacks client_email and private_key"));
    QVERIFY(!GoogleServiceAccount::fromJson("not json", &error));
}

void TstGoogleAuth::rejectsUnusableKey()
{
    QString error;
    const auto account =
        GoogleServiceAccount::fromJson(accountJson("-----BEGIN PRIVATE KEY-----\nAAAA\n"), &error);
    QVERIFY(account);
    QVERIFY(account->signedAssertion(1700000000, &error).isEmpty());
    QCOMPARE(error, QStringLiteral("private_key is not a PEM private key"));
}

void TstGoogleAuth::parsesTokenAnswers()
{
    qint64 expiresIn = 0;
    QString error;
    QCOMPARE(GoogleServiceAccount::parseTokenResponse(
                 200, R"({"access_token":"ya29.a","expires_in":3599,"token_type":"Bearer"})",
                 &expiresIn, &error),
             QByteArray("ya29.a"));
    QCOMPARE(expiresIn, 3599);
    QVERIFY(GoogleServiceAccount::parseTokenResponse(
                400, R"({"error":"invalid_grant","error_description":"Invalid JWT Signature."})",
                &expiresIn, &error)
                .isEmpty());
    QCOMPARE(error, QStringLiteral("token endpoint answered HTTP 400: Invalid JWT Signature."));
    QVERIFY(GoogleServiceAccount::parseTokenResponse(500, "oops", &expiresIn, &error).isEmpty());
    QCOMPARE(error,
             QStringLiteral("token endpoint answered HTTP 500: no access_token in the answer"));
}

void TstGoogleAuth::cacheRefreshMargin()
{
    AccessTokenCache cache;
    const qint64 now = 1000000000;
    QVERIFY(cache.find("k", now).isEmpty());
    cache.store("k", "tok", now + AccessTokenCache::kRefreshMarginMs + 1000);
    QCOMPARE(cache.find("k", now), QByteArray("tok"));
    QVERIFY(cache.find("other", now).isEmpty());
    // Inside the margin the token counts as gone, so a fresh one is fetched in time.
    QVERIFY(cache.find("k", now + 1000).isEmpty());
}

QTEST_GUILESS_MAIN(TstGoogleAuth)
#include "tst_googleauth.moc"
