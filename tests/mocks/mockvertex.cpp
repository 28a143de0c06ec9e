#include "mockanthropic_p.h"
#include "mockgemini_p.h"
#include "mockvertex_p.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrlQuery>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <memory>

using MockWire::Reply;

namespace {

Reply googleError(int status, const QByteArray &googleStatus, const QString &message)
{
    Reply reply;
    reply.status = status;
    reply.contentType = "application/json; charset=UTF-8";
    reply.body =
        QJsonDocument(
            QJsonObject{{"error", QJsonObject{{"code", status},
                                              {"message", message},
                                              {"status", QString::fromLatin1(googleStatus)}}}})
            .toJson(QJsonDocument::Indented);
    return reply;
}

Reply oauthError(const QString &error, const QString &description)
{
    Reply reply;
    reply.status = 400;
    reply.contentType = "application/json; charset=utf-8";
    reply.body = QJsonDocument(QJsonObject{{"error", error}, {"error_description", description}})
                     .toJson(QJsonDocument::Indented);
    return reply;
}

QByteArray fromBase64Url(const QByteArray &text)
{
    return QByteArray::fromBase64(text, QByteArray::Base64UrlEncoding);
}

bool verifyRs256(const QByteArray &publicKeyPem, const QByteArray &input,
                 const QByteArray &signature)
{
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(
        BIO_new_mem_buf(publicKeyPem.constData(), int(publicKeyPem.size())), &BIO_free);
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
        bio ? PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr) : nullptr, &EVP_PKEY_free);
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(),
                                                                    &EVP_MD_CTX_free);
    return key && context &&
           EVP_DigestVerifyInit(context.get(), nullptr, EVP_sha256(), nullptr, key.get()) == 1 &&
           EVP_DigestVerify(
               context.get(), reinterpret_cast<const unsigned char *>(signature.constData()),
               size_t(signature.size()), reinterpret_cast<const unsigned char *>(input.constData()),
               size_t(input.size())) == 1;
}

Reply tokenGrant(const MockUpstream::Request &request, MockWire::VertexAuth *auth)
{
    ++auth->tokenRequests;
    const QUrlQuery form(QString::fromUtf8(request.body));
    if (form.queryItemValue("grant_type", QUrl::FullyDecoded) !=
        QLatin1String("urn:ietf:params:oauth:grant-type:jwt-bearer"))
        return oauthError("unsupported_grant_type", "Invalid grant_type: ");
    const QList<QByteArray> parts = form.queryItemValue("assertion").toUtf8().split('.');
    if (parts.size() != 3)
        return oauthError("invalid_request", "Invalid JWT: Token must be a short-lived token");
    const QJsonObject header = QJsonDocument::fromJson(fromBase64Url(parts[0])).object();
    const QJsonObject claims = QJsonDocument::fromJson(fromBase64Url(parts[1])).object();
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const qint64 issuedAt = claims.value("iat").toInteger();
    if (header.value("alg").toString() != QLatin1String("RS256") ||
        claims.value("iss").toString().isEmpty() ||
        !claims.value("aud").toString().endsWith(QLatin1String("/token")) ||
        !claims.value("scope").toString().contains(QLatin1String("cloud-platform")) ||
        claims.value("exp").toInteger() - issuedAt != 3600 || qAbs(now - issuedAt) > 300)
        return oauthError("invalid_grant", "Invalid JWT: claims are invalid");
    if (!verifyRs256(auth->publicKeyPem, parts[0] + '.' + parts[1], fromBase64Url(parts[2])))
        return oauthError("invalid_grant", "Invalid JWT Signature.");
    const QByteArray token = "ya29.mock-" + QByteArray::number(auth->issuedTokens.size() + 1);
    auth->issuedTokens.append(token);
    Reply reply;
    reply.contentType = "application/json; charset=utf-8";
    reply.body = "{\n  \"access_token\": \"" + token +
                 "\",\n  \"expires_in\": 3599,\n  \"token_type\": \"Bearer\"\n}";
    return reply;
}

} // namespace

bool MockWire::isVertexPath(const QByteArray &path)
{
    return path == "/token" || (path.startsWith("/v1/") && path.contains("/publishers/"));
}

Reply MockWire::vertexReply(const MockUpstream::Request &request, const QByteArray &path,
                            const QByteArray &scenario, VertexAuth *auth)
{
    if (path == "/token")
        return tokenGrant(request, auth);
    const QByteArray bearer = request.header("authorization");
    const bool authorised =
        (bearer.startsWith("Bearer ") && auth->issuedTokens.contains(bearer.mid(7))) ||
        (!auth->apiKey.isEmpty() && request.header("x-goog-api-key") == auth->apiKey);
    if (!authorised)
        return googleError(401, "UNAUTHENTICATED",
                           "Request had invalid authentication credentials. Expected OAuth 2 "
                           "access token, login cookie or other valid authentication credential.");
    const qsizetype publisherAt = path.indexOf("/publishers/");
    const QList<QByteArray> tail = path.mid(publisherAt + 12).split('/');
    const QByteArray modelAction = tail.size() == 3 ? tail[2] : QByteArray();
    const qsizetype colon = modelAction.lastIndexOf(':');
    if (tail.size() != 3 || tail[1] != "models" || colon <= 0 ||
        (tail[0] != "anthropic" && tail[0] != "google"))
        return googleError(404, "NOT_FOUND", "Publisher model not found: " + path);
    const QByteArray model = modelAction.first(colon);
    const QByteArray action = modelAction.mid(colon + 1);
    if (tail[0] == "google") {
        // Google's publisher speaks the Gemini API; authentication was Vertex's.
        MockUpstream::Request gemini = request;
        const qsizetype query = request.path.indexOf('?');
        gemini.path =
            "/v1beta/models/" + modelAction + (query < 0 ? QByteArray() : request.path.mid(query));
        gemini.headers.append(qMakePair(QByteArray("x-goog-api-key"), QByteArray("vertex")));
        return geminiReply(gemini, "/v1beta/models/" + modelAction,
                           scenario.isEmpty() ? model : scenario, {});
    }
    if (action != "rawPredict" && action != "streamRawPredict")
        return googleError(400, "INVALID_ARGUMENT", "Unsupported action: " + action);
    const QJsonObject body = request.json();
    if (body.value("anthropic_version").toString() != QLatin1String("vertex-2023-10-16"))
        return googleError(400, "INVALID_ARGUMENT", "anthropic_version: vertex-2023-10-16 needed");
    if (body.contains("model"))
        return googleError(400, "INVALID_ARGUMENT", "model: Extra inputs are not permitted");
    // The publisher speaks Anthropic's Messages API; authentication was Google's.
    MockUpstream::Request anthropic = request;
    anthropic.headers.append(qMakePair(QByteArray("x-api-key"), QByteArray("vertex")));
    anthropic.headers.append(qMakePair(QByteArray("anthropic-version"), QByteArray("2023-06-01")));
    return anthropicReply(anthropic, "/v1/messages", scenario.isEmpty() ? model : scenario, {});
}
