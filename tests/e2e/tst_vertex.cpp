// Vertex AI channels (type 42): service-account keys get an OAuth token from the token
// endpoint (signed JWT grant, cached), API keys go as x-goog-api-key; Claude models are served
// by the Anthropic publisher (rawPredict / streamRawPredict) for OpenAI and Anthropic clients.

#include "adaptorfixture.h"
#include "clientcalls.h"
#include "gateway/gatewaycore.h"
#include "storage/database.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlRecord>
#include <QtTest>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <memory>
#include <vector>

namespace {

const QString kGroup = QStringLiteral("vertex-group");
const QString kKey = QStringLiteral("vertexkey0123456789vertexkey0123456789vertexkey012");
const QString kModel = QStringLiteral("claude-sonnet-4-5@20250929");
const QByteArray kApiKey = "AIzaSy-mock-vertex-api-key";

struct KeyPair
{
    QByteArray privatePem;
    QByteArray publicPem;
};

QByteArray readBio(BIO *bio)
{
    char *data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    return QByteArray(data, qsizetype(size));
}

KeyPair generateKeyPair()
{
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_RSA_gen(2048), &EVP_PKEY_free);
    std::unique_ptr<BIO, decltype(&BIO_free)> priv(BIO_new(BIO_s_mem()), &BIO_free);
    std::unique_ptr<BIO, decltype(&BIO_free)> pub(BIO_new(BIO_s_mem()), &BIO_free);
    PEM_write_bio_PrivateKey(priv.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr);
    PEM_write_bio_PUBKEY(pub.get(), key.get());
    return {readBio(priv.get()), readBio(pub.get())};
}

QString serviceAccount(const QByteArray &privatePem, const QString &tokenUri)
{
    return QString::fromUtf8(
        QJsonDocument(QJsonObject{{"type", "service_account"},
                                  {"project_id", "proj-mock"},
                                  {"private_key_id", "0123456789abcdef"},
                                  {"private_key", QString::fromUtf8(privatePem)},
                                  {"client_email", "relay@proj-mock.iam.gserviceaccount.com"},
                                  {"client_id", "1234567890"},
                                  {"token_uri", tokenUri}})
            .toJson(QJsonDocument::Compact));
}

} // namespace

class TstVertex : public QObject
{
    Q_OBJECT

private:
    AdaptorFixture m_fixture{kKey};
    MockUpstream &m_mock = m_fixture.mock();
    KeyPair m_keys;
    QString m_privateKeyLine; ///< A line of the private key, which must never be logged.

    /// The mock's address without the /v1 of its OpenAI base URL.
    QString mockRoot() const { return m_mock.baseUrl().chopped(3); }
    static QJsonObject chat(const QString &model, bool stream)
    {
        return ClientCalls::chatHello(model, stream);
    }
    static QJsonObject message(const QString &model, bool stream)
    {
        return ClientCalls::messageHello(model, stream);
    }
    void addChannel(qint64 id, const QString &key, const QString &model);
    void checkFailureLogged(const QByteArray &requestId, const QString &needle);

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase() { m_fixture.stop(); }
    void serviceAccountOpenAIClient();
    void serviceAccountOpenAIClientStreaming();
    void anthropicClientStreamPassthrough();
    void tokenIsCached();
    void apiKeyWithProject();
    void apiKeyExpressMode();
    void geminiPublisherForOpenAIClients();
    void geminiClientPassthrough();
    void concurrentFirstRequestsShareOneTokenFetch();
    void unusableServiceAccount();
    void tokenGrantRefused();
};

void TstVertex::addChannel(qint64 id, const QString &key, const QString &model)
{
    QString error;
    QSqlDatabase db = m_fixture.core()->mainDatabase()->connection();
    RelaySeed::ChannelRow channel;
    channel.id = id;
    channel.type = 42;
    channel.name = QStringLiteral("vertex-%1").arg(id);
    channel.key = key;
    channel.baseUrl = mockRoot();
    channel.models = {model};
    QVERIFY2(RelaySeed::insertChannel(db, channel, &error) &&
                 RelaySeed::insertModelConfig(db, model, QStringLiteral("anthropic"), &error),
             qPrintable(error));
}

void TstVertex::initTestCase()
{
    m_keys = generateKeyPair();
    QVERIFY(m_keys.privatePem.startsWith("-----BEGIN PRIVATE KEY-----"));
    m_privateKeyLine = QString::fromLatin1(m_keys.privatePem.split('\n').value(3));
    m_mock.setVertexCredentials(m_keys.publicPem, kApiKey);
    QString error;
    QVERIFY2(m_fixture.start(&error), qPrintable(error));
    QSqlDatabase db = m_fixture.core()->mainDatabase()->connection();
    QVERIFY2(RelaySeed::insertGroup(db, kGroup, &error) &&
                 RelaySeed::insertToken(db, {1, kKey, QStringLiteral("t"), kGroup, {}, 1}, &error),
             qPrintable(error));
    const QString tokenUri = mockRoot() + QStringLiteral("/token");
    addChannel(1, QStringLiteral("us-east5|") + serviceAccount(m_keys.privatePem, tokenUri),
               kModel);
    addChannel(2, QStringLiteral("europe-west1|proj-key|") + QString::fromLatin1(kApiKey),
               QStringLiteral("claude-haiku-4-5@20251001"));
    addChannel(3, QStringLiteral("global|") + QString::fromLatin1(kApiKey),
               QStringLiteral("claude-opus-4-1@20250805"));
    addChannel(4, QStringLiteral("us-east5|{\"client_email\":\"x@y\",\"project_id\":\"p\"}"),
               QStringLiteral("claude-broken"));
    addChannel(6, QStringLiteral("us-central1|") + serviceAccount(m_keys.privatePem, tokenUri),
               QStringLiteral("gemini-2.5-pro"));
    // Same key pair, another account: its own token, not yet fetched.
    addChannel(7,
               QStringLiteral("us-east5|") +
                   serviceAccount(m_keys.privatePem, tokenUri)
                       .replace(QStringLiteral("relay@"), QStringLiteral("burst@")),
               QStringLiteral("claude-burst"));
    const KeyPair other = generateKeyPair();
    addChannel(5, QStringLiteral("us-east5|") + serviceAccount(other.privatePem, tokenUri),
               QStringLiteral("claude-wrong-key"));
    m_fixture.core()->reloadSnapshot();
}

void TstVertex::serviceAccountOpenAIClient()
{
    const auto response = m_fixture.post("/v1/chat/completions", chat(kModel, false), false);
    QCOMPARE(response.status, 200);
    const QJsonObject json = response.json();
    QCOMPARE(json.value("model").toString(), kModel);
    QCOMPARE(ClientCalls::chatText(json), MockUpstream::replyText());
    const MockUpstream::Request sent = m_mock.lastRequest();
    QCOMPARE(sent.path, "/v1/projects/proj-mock/locations/us-east5/publishers/anthropic/models/" +
                            QUrl::toPercentEncoding(kModel) + ":rawPredict");
    QVERIFY(sent.header("authorization").startsWith("Bearer ya29.mock-"));
    QVERIFY(sent.header("x-goog-api-key").isEmpty());
    const QJsonObject body = sent.json();
    QCOMPARE(body.value("anthropic_version").toString(), QStringLiteral("vertex-2023-10-16"));
    QVERIFY(!body.contains("model"));
    QCOMPARE(body.value("system").toString(), QStringLiteral("Be brief."));
    const QSqlRecord row = m_fixture.logRow(response.header("x-request-id"));
    QCOMPARE(row.value("code").toInt(), 200);
    QCOMPARE(row.value("channel_id").toInt(), 1);
    QCOMPARE(row.value("usage_source").toString(), QStringLiteral("upstream"));
    QCOMPARE(row.value("output_tokens").toInt(), MockUpstream::kAnthropicOutputTokens);
    QCOMPARE(row.value("cached_tokens").toInt(), MockUpstream::kAnthropicCacheReadTokens);
}

void TstVertex::serviceAccountOpenAIClientStreaming()
{
    const auto response = m_fixture.post("/v1/chat/completions", chat(kModel, true), false);
    QCOMPARE(response.status, 200);
    QString text;
    bool done = false;
    for (const QByteArray &event : response.events()) {
        const QByteArray data = event.trimmed().mid(6);
        if (data == "[DONE]") {
            done = true;
            continue;
        }
        const QJsonArray choices =
            QJsonDocument::fromJson(data).object().value("choices").toArray();
        if (!choices.isEmpty())
            text +=
                choices.first().toObject().value("delta").toObject().value("content").toString();
    }
    QVERIFY(done);
    QCOMPARE(text, MockUpstream::replyText());
    const MockUpstream::Request sent = m_mock.lastRequest();
    QVERIFY(sent.path.endsWith(":streamRawPredict?alt=sse"));
    QVERIFY(sent.json().value("stream").toBool());
    const QSqlRecord row = m_fixture.logRow(response.header("x-request-id"));
    QCOMPARE(row.value("output_tokens").toInt(), MockUpstream::kAnthropicOutputTokens);
}

void TstVertex::anthropicClientStreamPassthrough()
{
    const auto response = m_fixture.post("/v1/messages", message(kModel, true), true);
    QCOMPARE(response.status, 200);
    const MockUpstream::Request sent = m_mock.lastRequest();
    QVERIFY(sent.path.endsWith(":streamRawPredict?alt=sse"));
    QVERIFY(!sent.json().contains("model"));
    QCOMPARE(sent.json().value("anthropic_version").toString(),
             QStringLiteral("vertex-2023-10-16"));
    // The Anthropic client gets the publisher's event stream byte for byte.
    QCOMPARE(response.body, m_mock.responseBody(sent.id));
    QVERIFY(response.body.startsWith("event: message_start\n"));
    const QSqlRecord row = m_fixture.logRow(response.header("x-request-id"));
    QCOMPARE(row.value("mode").toInt(), 12);
    QCOMPARE(row.value("output_tokens").toInt(), MockUpstream::kAnthropicOutputTokens);
}

void TstVertex::tokenIsCached()
{
    const int before = m_mock.vertexTokenRequests();
    QVERIFY(before >= 1);
    for (int i = 0; i < 3; ++i)
        QCOMPARE(m_fixture.post("/v1/chat/completions", chat(kModel, false), false).status, 200);
    QCOMPARE(m_mock.vertexTokenRequests(), before);
}

void TstVertex::apiKeyWithProject()
{
    const int grants = m_mock.vertexTokenRequests();
    const QString model = QStringLiteral("claude-haiku-4-5@20251001");
    const auto response = m_fixture.post("/v1/messages", message(model, false), true);
    QCOMPARE(response.status, 200);
    QCOMPARE(response.body, m_mock.responseBody(m_mock.lastRequest().id));
    const MockUpstream::Request sent = m_mock.lastRequest();
    QCOMPARE(sent.path,
             "/v1/projects/proj-key/locations/europe-west1/publishers/anthropic/models/" +
                 QUrl::toPercentEncoding(model) + ":rawPredict");
    QCOMPARE(sent.header("x-goog-api-key"), kApiKey);
    QVERIFY(sent.header("authorization").isEmpty());
    QCOMPARE(m_mock.vertexTokenRequests(), grants);
}

void TstVertex::apiKeyExpressMode()
{
    const QString model = QStringLiteral("claude-opus-4-1@20250805");
    QCOMPARE(m_fixture.post("/v1/chat/completions", chat(model, false), false).status, 200);
    QCOMPARE(m_mock.lastRequest().path,
             "/v1/publishers/anthropic/models/" + QUrl::toPercentEncoding(model) + ":rawPredict");
}

void TstVertex::geminiPublisherForOpenAIClients()
{
    const QString model = QStringLiteral("gemini-2.5-pro");
    const auto plain = m_fixture.post("/v1/chat/completions", chat(model, false), false);
    QCOMPARE(plain.status, 200);
    MockUpstream::Request sent = m_mock.lastRequest();
    QCOMPARE(sent.path, QByteArray("/v1/projects/proj-mock/locations/us-central1/publishers/google/"
                                   "models/gemini-2.5-pro:generateContent"));
    QVERIFY(sent.header("authorization").startsWith("Bearer ya29.mock-"));
    QVERIFY(sent.json().contains("contents")); // Gemini's request shape, not OpenAI's.
    QVERIFY(!sent.json().contains("messages"));
    const QJsonObject message = ClientCalls::chatMessage(plain.json());
    QVERIFY(!message.value("content").toString().isEmpty());

    const auto streamed = m_fixture.post("/v1/chat/completions", chat(model, true), false);
    QCOMPARE(streamed.status, 200);
    QVERIFY(m_mock.lastRequest().path.endsWith(":streamGenerateContent?alt=sse"));
    QVERIFY(streamed.body.contains("data: [DONE]"));
    const QSqlRecord row = m_fixture.logRow(streamed.header("x-request-id"));
    QCOMPARE(row.value("channel_id").toInt(), 6);
    QCOMPARE(row.value("usage_source").toString(), QStringLiteral("upstream"));
    QCOMPARE(row.value("cached_tokens").toInt(), MockUpstream::kGeminiCachedTokens);
}

void TstVertex::geminiClientPassthrough()
{
    const QJsonObject body{
        {"contents",
         QJsonArray{QJsonObject{{"role", "user"},
                                {"parts", QJsonArray{QJsonObject{{"text", "Hello"}}}}}}}};
    const auto response = RawHttpClient::postJson(
        m_fixture.port(), "/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse", body,
        {qMakePair(QByteArray("x-goog-api-key"), "sk-" + kKey.toLatin1())});
    QCOMPARE(response.status, 200);
    const MockUpstream::Request sent = m_mock.lastRequest();
    QVERIFY(sent.path.endsWith("/publishers/google/models/gemini-2.5-pro:streamGenerateContent"
                               "?alt=sse"));
    QCOMPARE(sent.json(), body); // The client's own body.
    QCOMPARE(response.body, m_mock.responseBody(sent.id));
}

void TstVertex::concurrentFirstRequestsShareOneTokenFetch()
{
    // While the token endpoint is slow, a burst of first requests waits for one fetch per
    // worker thread instead of fetching a token each.
    m_mock.setVertexTokenDelayMs(300);
    const int before = m_mock.vertexTokenRequests();
    constexpr int kBurst = 8;
    std::vector<std::unique_ptr<RawHttpClient>> clients;
    const QByteArray request = RawHttpClient::buildRequest(
        "POST", "/v1/chat/completions",
        QJsonDocument(chat(QStringLiteral("claude-burst"), false)).toJson(QJsonDocument::Compact),
        {qMakePair(QByteArray("Authorization"), "Bearer sk-" + kKey.toLatin1()),
         qMakePair(QByteArray("Content-Type"), QByteArray("application/json"))});
    for (int i = 0; i < kBurst; ++i) {
        clients.push_back(std::make_unique<RawHttpClient>());
        QVERIFY(clients.back()->connectToPort(m_fixture.port()));
        clients.back()->send(request);
    }
    for (const auto &client : clients) {
        RawHttpClient::Response response;
        QVERIFY(client->readResponse(&response));
        QCOMPARE(response.status, 200);
    }
    m_mock.setVertexTokenDelayMs(0);
    const int fetched = m_mock.vertexTokenRequests() - before;
    QVERIFY2(fetched >= 1 && fetched <= 2, qPrintable(QString::number(fetched))); // 2 workers.
}

void TstVertex::checkFailureLogged(const QByteArray &requestId, const QString &needle)
{
    const QSqlRecord row = m_fixture.logRow(requestId);
    QCOMPARE(row.value("code").toInt(), 502);
    const QString content = row.value("content").toString();
    QVERIFY2(content.contains(needle), qPrintable(content));
    QVERIFY(!content.contains(m_privateKeyLine));
}

void TstVertex::unusableServiceAccount()
{
    const int requests = m_mock.requestCount();
    const auto response =
        m_fixture.post("/v1/messages", message(QStringLiteral("claude-broken"), false), true);
    QCOMPARE(response.status, 502);
    const QJsonObject json = response.json();
    QCOMPARE(json.value("type").toString(), QStringLiteral("error"));
    QVERIFY(json.value("error").toObject().value("message").toString().contains("private_key"));
    QCOMPARE(m_mock.requestCount(), requests); // Nothing was sent anywhere.
    checkFailureLogged(response.header("x-request-id"), QStringLiteral("private_key"));
}

void TstVertex::tokenGrantRefused()
{
    const auto response = m_fixture.post("/v1/chat/completions",
                                         chat(QStringLiteral("claude-wrong-key"), false), false);
    QCOMPARE(response.status, 502);
    const QString message = response.json().value("error").toObject().value("message").toString();
    QVERIFY2(message.contains(QLatin1String("Invalid JWT Signature")), qPrintable(message));
    QVERIFY(!response.body.contains(m_privateKeyLine.toLatin1()));
    checkFailureLogged(response.header("x-request-id"), QStringLiteral("Invalid JWT Signature"));
    // Nothing reached the publisher.
    QVERIFY(m_mock.lastRequest().path == "/token");
}

QTEST_GUILESS_MAIN(TstVertex)
#include "tst_vertex.moc"
