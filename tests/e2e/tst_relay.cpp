// The relay end to end: a real gateway (TestGateway: worker threads, guard, libcurl, log
// writer) in front of the mock OpenAI upstream, driven over raw sockets so the wire is visible.
//
// Runs on SQLite; with AIPROXY_TEST_RELAY_BACKEND=postgres (ctest: tst_relay_postgres) on the
// PostgreSQL server of AIPROXY_TEST_PG_DSN, skipped when that is not set.
#include "logrows.h"
#include "mockupstream.h"
#include "rawhttpclient.h"
#include "relayseed.h"
#include "testgateway.h"

#include "gateway/gatewaycore.h"
#include "storage/database.h"
#include "storage/logwriter.h"

#include <QDeadlineTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTest>

#include <vector>

namespace {

const QString kGroup = QStringLiteral("relay-group");
const QString kAllKey = QStringLiteral("RelayTestKeyAllModels000000000000000000000000001");
const QString kLimitedKey = QStringLiteral("RelayTestKeyLimited00000000000000000000000000002");
const QString kDisabledKey = QStringLiteral("RelayTestKeyDisabled0000000000000000000000000003");
const QString kChannelKey = QStringLiteral("sk-channel-secret-for-the-mock");
constexpr qint64 kAllTokenId = 11;
constexpr qint64 kChannelId = 101;
constexpr qint64 kMaxBody = 256 * 1024;

/// The models of the main channel that have a model config (the ones the relay serves).
const QStringList kServedModels = {
    QStringLiteral("drop-mid-stream"),
    QStringLiteral("error-401"),
    QStringLiteral("error-429"),
    QStringLiteral("error-500"),
    QStringLiteral("error-text-503"),
    QStringLiteral("gpt-3.5-turbo-instruct"),
    QStringLiteral("gpt-4o"),
    QStringLiteral("gpt-4o-mini"),
    QStringLiteral("hang"),
    QStringLiteral("mapped-model"),
    QStringLiteral("slow-first-byte"),
    QStringLiteral("text-embedding-3-small"),
};

RawHttpClient::Headers auth(const QString &key = kAllKey)
{
    return {{"Authorization", "Bearer sk-" + key.toUtf8()}, {"Content-Type", "application/json"}};
}

QByteArray chatBody(const QString &model, bool stream, bool includeUsage = false,
                    const QJsonObject &extra = {})
{
    QJsonObject body{
        {QStringLiteral("model"), model},
        {QStringLiteral("messages"),
         QJsonArray{QJsonObject{{QStringLiteral("role"), QStringLiteral("user")},
                                {QStringLiteral("content"), QStringLiteral("Say hello")}}}},
        {QStringLiteral("temperature"), 0.25},
        {QStringLiteral("user"), QStringLiteral("end-user-7")}};
    if (stream)
        body.insert(QStringLiteral("stream"), true);
    if (includeUsage)
        body.insert(QStringLiteral("stream_options"),
                    QJsonObject{{QStringLiteral("include_usage"), true}});
    for (auto it = extra.begin(); it != extra.end(); ++it)
        body.insert(it.key(), it.value());
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

QJsonObject eventJson(const QByteArray &event)
{
    return QJsonDocument::fromJson(event.mid(6).trimmed()).object();
}

bool isUsageOnlyChunk(const QByteArray &event)
{
    const QJsonObject chunk = eventJson(event);
    return chunk.value(QStringLiteral("usage")).isObject() &&
           chunk.value(QStringLiteral("choices")).toArray().isEmpty();
}

/// The upstream's events without its usage-only chunk.
QByteArray withoutUsageChunk(const QByteArray &sse)
{
    QByteArray out;
    RawHttpClient::Response parsed;
    parsed.body = sse;
    for (const QByteArray &event : parsed.events()) {
        if (!isUsageOnlyChunk(event))
            out += event;
    }
    return out;
}

} // namespace

class TestRelay : public QObject
{
    Q_OBJECT

private:
    GatewayCore *core() const { return m_gateway.core(); }

    /// The id of the newest request the mock has seen (0: none).
    int lastUpstreamId() const { return m_mock.lastRequest().id; }

    QSqlRecord logRow(const QByteArray &requestId) { return LogRows::waitFor(core(), requestId); }

    int logCount(const QByteArray &requestId)
    {
        core()->logWriter()->flushNow();
        QSqlQuery query(core()->logDatabase()->connection());
        query.prepare(QStringLiteral("SELECT COUNT(*) FROM logs WHERE request_id = ?"));
        query.addBindValue(QString::fromLatin1(requestId));
        return query.exec() && query.next() ? query.value(0).toInt() : -1;
    }

    RawHttpClient::Response post(const QByteArray &path, const QByteArray &body,
                                 const RawHttpClient::Headers &headers = auth())
    {
        RawHttpClient client;
        if (!client.connectToPort(m_gateway.port()))
            return {};
        return client.request("POST", path, body, headers);
    }

    /// Checks the columns every relayed request's log row must have.
    void verifyLogRow(const QSqlRecord &row, const QString &model, int code, bool stream,
                      const QString &endpoint)
    {
        QVERIFY2(!row.isEmpty(), "no log row was written");
        QCOMPARE(row.value("group_id").toString(), kGroup);
        QCOMPARE(row.value("token_id").toLongLong(), kAllTokenId);
        QCOMPARE(row.value("token_name").toString(), QStringLiteral("all-models"));
        QCOMPARE(row.value("channel_id").toLongLong(), kChannelId);
        QCOMPARE(row.value("model").toString(), model);
        QCOMPARE(row.value("code").toInt(), code);
        QCOMPARE(row.value("stream").toInt() != 0, stream);
        QCOMPARE(row.value("endpoint").toString(), endpoint);
        QVERIFY(row.value("ttfb_ms").toLongLong() >= 0);
        QVERIFY(row.value("latency_ms").toLongLong() >= row.value("ttfb_ms").toLongLong());
        QVERIFY(row.value("request_at").toLongLong() > 0);
    }

    void verifyUpstreamUsage(const QSqlRecord &row)
    {
        QCOMPARE(row.value("usage_source").toString(), QStringLiteral("upstream"));
        QCOMPARE(row.value("input_tokens").toLongLong(), qint64(MockUpstream::kPromptTokens));
        QCOMPARE(row.value("output_tokens").toLongLong(), qint64(MockUpstream::kCompletionTokens));
        QCOMPARE(row.value("total_tokens").toLongLong(),
                 qint64(MockUpstream::kPromptTokens + MockUpstream::kCompletionTokens));
        QCOMPARE(row.value("cached_tokens").toLongLong(), qint64(MockUpstream::kCachedTokens));
        QCOMPARE(row.value("reasoning_tokens").toLongLong(),
                 qint64(MockUpstream::kReasoningTokens));
    }

    /// Sends a streamed chat request on \a client and waits for its first SSE event.
    bool startStreamAndWaitForFirstEvent(RawHttpClient &client, const QByteArray &body)
    {
        if (!client.connectToPort(m_gateway.port()))
            return false;
        client.send(RawHttpClient::buildRequest("POST", "/v1/chat/completions", body, auth()));
        return client.waitFor([&client] { return !client.peekResponse().events().isEmpty(); });
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString dsn;
        if (qEnvironmentVariable("AIPROXY_TEST_RELAY_BACKEND") == QLatin1String("postgres")) {
            dsn = TestGateway::postgresDsnFromEnvironment();
            if (dsn.isEmpty())
                QSKIP("AIPROXY_TEST_PG_DSN is not set");
        }
        QVERIFY(m_mock.start());
        TestGateway::Options options;
        options.postgresDsn = dsn;
        options.configure = [](GatewayConfig &config) { config.maxRequestBodyBytes = kMaxBody; };
        QString error;
        QVERIFY2(m_gateway.start(options, &error), qPrintable(error));

        QSqlDatabase db = core()->mainDatabase()->connection();
        QVERIFY2(RelaySeed::insertGroup(db, kGroup, &error), qPrintable(error));
        QVERIFY2(
            RelaySeed::insertToken(
                db, {kAllTokenId, kAllKey, QStringLiteral("all-models"), kGroup, {}, 1}, &error),
            qPrintable(error));
        QVERIFY2(RelaySeed::insertToken(db,
                                        {12,
                                         kLimitedKey,
                                         QStringLiteral("limited"),
                                         kGroup,
                                         {QStringLiteral("gpt-4o-mini")},
                                         1},
                                        &error),
                 qPrintable(error));
        QVERIFY2(RelaySeed::insertToken(
                     db, {13, kDisabledKey, QStringLiteral("disabled"), kGroup, {}, 2}, &error),
                 qPrintable(error));
        RelaySeed::ChannelRow channel;
        channel.id = kChannelId;
        channel.name = QStringLiteral("mock");
        channel.key = kChannelKey;
        channel.baseUrl = m_mock.baseUrl();
        channel.models = kServedModels + QStringList{QStringLiteral("no-config-model")};
        channel.modelMapping = {
            {QStringLiteral("mapped-model"), QStringLiteral("upstream-real-model")}};
        QVERIFY2(RelaySeed::insertChannel(db, channel, &error), qPrintable(error));
        RelaySeed::ChannelRow disabled = channel;
        disabled.id = 102;
        disabled.name = QStringLiteral("disabled");
        disabled.models = {QStringLiteral("disabled-only-model")};
        disabled.status = 2;
        QVERIFY2(RelaySeed::insertChannel(db, disabled, &error), qPrintable(error));
        RelaySeed::ChannelRow otherSet = channel;
        otherSet.id = 103;
        otherSet.name = QStringLiteral("vip");
        otherSet.models = {QStringLiteral("vip-model")};
        otherSet.sets = {QStringLiteral("vip")};
        QVERIFY2(RelaySeed::insertChannel(db, otherSet, &error), qPrintable(error));
        for (const QString &model :
             kServedModels +
                 QStringList{QStringLiteral("disabled-only-model"), QStringLiteral("vip-model")})
            QVERIFY2(RelaySeed::insertModelConfig(db, model, QStringLiteral("openai"), &error),
                     qPrintable(error));
        core()->reloadSnapshot();
    }

    void cleanupTestCase()
    {
        m_gateway.stop();
        m_mock.stop();
    }

    void cleanup()
    {
        m_mock.setStreamEventLimit(-1);
        m_mock.setEventDelayMs(0);
    }

    void modelsListsOnlyUsableModels()
    {
        RawHttpClient client;
        QVERIFY(client.connectToPort(m_gateway.port()));
        auto response = client.request("GET", "/v1/models", {}, auth());
        QCOMPARE(response.status, 200);
        QCOMPARE(response.json().value("object").toString(), QStringLiteral("list"));
        QStringList ids;
        for (const QJsonValue &model : response.json().value("data").toArray()) {
            ids << model.toObject().value("id").toString();
            QCOMPARE(model.toObject().value("object").toString(), QStringLiteral("model"));
            QCOMPARE(model.toObject().value("owned_by").toString(), QStringLiteral("openai"));
        }
        // Not listed: no model config, a disabled channel, a channel outside the group's sets.
        QCOMPARE(ids, kServedModels);

        // X-Api-Key works as well; a token limited to one model sees only that one.
        response =
            client.request("GET", "/v1/models", {}, {{"X-Api-Key", "sk-" + kLimitedKey.toUtf8()}});
        QCOMPARE(response.status, 200);
        const QJsonArray limited = response.json().value("data").toArray();
        QCOMPARE(limited.size(), 1);
        QCOMPARE(limited.first().toObject().value("id").toString(), QStringLiteral("gpt-4o-mini"));

        response = client.request("GET", "/v1/models/gpt-4o", {}, auth());
        QCOMPARE(response.status, 200);
        QCOMPARE(response.json().value("id").toString(), QStringLiteral("gpt-4o"));
        response = client.request("GET", "/v1/models/no-config-model", {}, auth());
        QCOMPARE(response.status, 404);
        QCOMPARE(response.json().value("error").toObject().value("code").toString(),
                 QStringLiteral("model_not_found"));
    }

    void chatPassthrough()
    {
        const int before = lastUpstreamId();
        const QByteArray body = chatBody(QStringLiteral("gpt-4o-mini"), false);
        const auto response = post("/v1/chat/completions", body);
        QCOMPARE(response.status, 200);
        QCOMPARE(response.header("content-type"), QByteArray("application/json"));
        const QByteArray requestId = response.header("x-request-id");
        QVERIFY(!requestId.isEmpty());

        const MockUpstream::Request upstream = m_mock.lastRequest();
        QCOMPARE(upstream.id, before + 1);
        QCOMPARE(upstream.method, QByteArray("POST"));
        QCOMPARE(upstream.path, QByteArray("/v1/chat/completions"));
        QCOMPARE(upstream.header("authorization"), "Bearer " + kChannelKey.toUtf8());
        QCOMPARE(upstream.body, body); // Nothing to change: the client's bytes go as sent.
        // What the upstream answered is what the client got, byte for byte.
        QCOMPARE(response.body, m_mock.responseBody(upstream.id));

        const QSqlRecord row = logRow(requestId);
        verifyLogRow(row, QStringLiteral("gpt-4o-mini"), 200, false,
                     QStringLiteral("/v1/chat/completions"));
        verifyUpstreamUsage(row);
        QCOMPARE(row.value("mode").toInt(), 1);
        QCOMPARE(row.value("upstream_id").toString(),
                 QStringLiteral("req_mock%1").arg(upstream.id));
        QCOMPARE(row.value("end_user").toString(), QStringLiteral("end-user-7"));
        QVERIFY(row.value("content").toString().isEmpty());
        QCOMPARE(logCount(requestId), 1);
    }

    void badTokenGets401()
    {
        const int before = lastUpstreamId();
        for (const RawHttpClient::Headers &headers :
             {RawHttpClient::Headers{{"Authorization", "Bearer sk-not-a-valid-key"}},
              RawHttpClient::Headers{}, auth(kDisabledKey),
              RawHttpClient::Headers{{"X-Api-Key", "sk-wrong"}}}) {
            const auto response = post("/v1/chat/completions",
                                       chatBody(QStringLiteral("gpt-4o-mini"), false), headers);
            QCOMPARE(response.status, 401);
            QVERIFY(response.header("content-type").startsWith("application/json"));
            const QByteArray requestId = response.header("x-request-id");
            QVERIFY(!requestId.isEmpty());
            const QJsonObject json = response.json();
            QCOMPARE(json.value("aiproxy").toString(), QString::fromLatin1(requestId));
            const QJsonObject error = json.value("error").toObject();
            QVERIFY(!error.value("message").toString().isEmpty());
            QCOMPARE(error.value("type").toString(), QStringLiteral("invalid_request_error"));
            QVERIFY(error.value("code").toString() == QLatin1String("invalid_api_key") ||
                    error.value("code").toString() == QLatin1String("api_key_disabled"));
            QCOMPARE(logCount(requestId), 0); // Unauthenticated requests are not logged.
        }
        QCOMPARE(lastUpstreamId(), before); // Nothing reached the upstream.
    }

    void modelOfDisabledChannelsGets503()
    {
        // The model exists, its only channel is switched off: temporary, not "not found".
        const int before = lastUpstreamId();
        const auto response =
            post("/v1/chat/completions", chatBody(QStringLiteral("disabled-only-model"), false));
        QCOMPARE(response.status, 503);
        QCOMPARE(response.json().value("error").toObject().value("code").toString(),
                 QStringLiteral("no_available_channel"));
        QCOMPARE(lastUpstreamId(), before);
    }

    void unknownModelGets404()
    {
        const int before = lastUpstreamId();
        struct Case
        {
            QString model;
            QString key;
        };
        const QList<Case> cases = {{QStringLiteral("no-such-model"), kAllKey},
                                   {QStringLiteral("no-config-model"), kAllKey}, // No model config.
                                   {QStringLiteral("vip-model"), kAllKey},       // Other set.
                                   {QStringLiteral("gpt-4o"), kLimitedKey}};     // Not the token's.
        for (const Case &c : cases) {
            const auto response =
                post("/v1/chat/completions", chatBody(c.model, false), auth(c.key));
            QCOMPARE(response.status, 404);
            const QJsonObject error = response.json().value("error").toObject();
            QCOMPARE(error.value("code").toString(), QStringLiteral("model_not_found"));
            QVERIFY(error.value("message").toString().contains(c.model));
            QCOMPARE(response.json().value("aiproxy").toString(),
                     QString::fromLatin1(response.header("x-request-id")));
            // Refused after authentication: logged for the caller's group with the reason.
            const QSqlRecord row = logRow(response.header("x-request-id"));
            QVERIFY(!row.isEmpty());
            QCOMPARE(row.value("code").toInt(), 404);
            QCOMPARE(row.value("model").toString(), c.model);
            QCOMPARE(row.value("channel_id").toLongLong(), 0);
            QVERIFY(row.value("content").toString().contains(c.model));
            QVERIFY(!row.value("group_id").toString().isEmpty());
        }
        QCOMPARE(lastUpstreamId(), before);
    }

    void modelMappingRenamesUpstreamModel()
    {
        const QByteArray body =
            chatBody(QStringLiteral("mapped-model"), false, false,
                     {{QStringLiteral("max_tokens"), 17}, {QStringLiteral("seed"), 3}});
        const auto response = post("/v1/chat/completions", body);
        QCOMPARE(response.status, 200);
        QJsonObject sent = m_mock.lastRequest().json();
        QCOMPARE(sent.value("model").toString(), QStringLiteral("upstream-real-model"));
        // Everything else arrives unchanged.
        QJsonObject original = QJsonDocument::fromJson(body).object();
        sent.remove("model");
        original.remove("model");
        QCOMPARE(sent, original);
        const QSqlRecord row = logRow(response.header("x-request-id"));
        QCOMPARE(row.value("model").toString(),
                 QStringLiteral("mapped-model")); // Logged as the client named it.

        // A case variant of a served name resolves to its canonical spelling upstream.
        QCOMPARE(
            post("/v1/chat/completions", chatBody(QStringLiteral("GPT-4o-Mini"), false)).status,
            200);
        QCOMPARE(m_mock.lastRequest().json().value("model").toString(),
                 QStringLiteral("gpt-4o-mini"));
    }

    void streamIsForwardedIncrementally()
    {
        // The mock writes the headers and event 1, then holds event 2 until released. The
        // client holding event 1 while the mock has written only one event proves the gateway
        // forwards each event as it comes instead of buffering the stream.
        m_mock.setStreamEventLimit(1);
        RawHttpClient client;
        QVERIFY(
            startStreamAndWaitForFirstEvent(client, chatBody(QStringLiteral("gpt-4o-mini"), true)));
        const int id = lastUpstreamId();
        QCOMPARE(m_mock.eventsWritten(id), 1);
        const RawHttpClient::Response partial = client.peekResponse();
        QCOMPARE(partial.status, 200);
        QCOMPARE(partial.header("transfer-encoding"), QByteArray("chunked"));
        QVERIFY(partial.header("content-type").startsWith("text/event-stream"));
        QCOMPARE(partial.events().size(), 1);
        QVERIFY(!partial.complete);
        QCOMPARE(partial.events().first(), m_mock.responseBody(id)); // Event 1, byte for byte.

        m_mock.setStreamEventLimit(-1);
        RawHttpClient::Response response;
        QVERIFY(client.readResponse(&response));
        QVERIFY(response.complete);
        QCOMPARE(response.events().last(), QByteArray("data: [DONE]\n\n"));
        QVERIFY(client.isConnected()); // Keep-alive survives a stream.

        const QSqlRecord row = logRow(response.header("x-request-id"));
        verifyLogRow(row, QStringLiteral("gpt-4o-mini"), 200, true,
                     QStringLiteral("/v1/chat/completions"));
        verifyUpstreamUsage(row);
    }

    void streamUsageInjectedAndHidden()
    {
        // The client did not ask for usage: the gateway asks upstream, and drops the usage chunk.
        const QByteArray body = chatBody(QStringLiteral("gpt-4o-mini"), true);
        const auto response = post("/v1/chat/completions", body);
        QCOMPARE(response.status, 200);
        const MockUpstream::Request upstream = m_mock.lastRequest();
        QCOMPARE(upstream.json().value("stream_options").toObject().value("include_usage").toBool(),
                 true);
        QCOMPARE(upstream.json().value("stream").toBool(), true);
        const QByteArray upstreamStream = m_mock.responseBody(upstream.id);
        int upstreamUsageChunks = 0;
        RawHttpClient::Response upstreamParsed;
        upstreamParsed.body = upstreamStream;
        for (const QByteArray &event : upstreamParsed.events())
            upstreamUsageChunks += isUsageOnlyChunk(event) ? 1 : 0;
        QCOMPARE(upstreamUsageChunks, 1);
        for (const QByteArray &event : response.events())
            QVERIFY2(!isUsageOnlyChunk(event), event.constData());
        // Everything else is forwarded byte for byte, [DONE] last.
        QCOMPARE(response.body, withoutUsageChunk(upstreamStream));
        QCOMPARE(response.events().last(), QByteArray("data: [DONE]\n\n"));
        // ...and the usage still reached the log.
        const QSqlRecord row = logRow(response.header("x-request-id"));
        verifyLogRow(row, QStringLiteral("gpt-4o-mini"), 200, true,
                     QStringLiteral("/v1/chat/completions"));
        verifyUpstreamUsage(row);
    }

    void streamUsageForwardedWhenAsked()
    {
        const QByteArray body = chatBody(QStringLiteral("gpt-4o-mini"), true, true);
        const auto response = post("/v1/chat/completions", body);
        QCOMPARE(response.status, 200);
        const MockUpstream::Request upstream = m_mock.lastRequest();
        QCOMPARE(upstream.body, body); // Already asked for usage: no rewrite.
        QCOMPARE(response.body, m_mock.responseBody(upstream.id));
        const QList<QByteArray> events = response.events();
        QVERIFY(events.size() >= 2);
        QVERIFY(isUsageOnlyChunk(events.at(events.size() - 2)));
        QCOMPARE(eventJson(events.at(events.size() - 2))
                     .value("usage")
                     .toObject()
                     .value("total_tokens")
                     .toInt(),
                 MockUpstream::kPromptTokens + MockUpstream::kCompletionTokens);
        verifyUpstreamUsage(logRow(response.header("x-request-id")));
    }

    void streamedToolCallsPassThrough()
    {
        const QJsonObject tools{
            {QStringLiteral("tools"),
             QJsonArray{QJsonObject{{"type", "function"},
                                    {"function", QJsonObject{{"name", "get_weather"}}}}}}};
        const auto response =
            post("/v1/chat/completions", chatBody(QStringLiteral("gpt-4o"), true, false, tools));
        QCOMPARE(response.status, 200);
        QString arguments;
        for (const QByteArray &event : response.events()) {
            const QJsonArray calls = eventJson(event)
                                         .value("choices")
                                         .toArray()
                                         .first()
                                         .toObject()
                                         .value("delta")
                                         .toObject()
                                         .value("tool_calls")
                                         .toArray();
            for (const QJsonValue &call : calls)
                arguments +=
                    call.toObject().value("function").toObject().value("arguments").toString();
        }
        QCOMPARE(arguments, MockUpstream::toolArguments());
    }

    void completionsAndEmbeddings()
    {
        auto response =
            post("/v1/completions", R"({"model":"gpt-3.5-turbo-instruct","prompt":"Say"})");
        QCOMPARE(response.status, 200);
        QCOMPARE(m_mock.lastRequest().path, QByteArray("/v1/completions"));
        QCOMPARE(response.body, m_mock.responseBody(lastUpstreamId()));
        QSqlRecord row = logRow(response.header("x-request-id"));
        verifyLogRow(row, QStringLiteral("gpt-3.5-turbo-instruct"), 200, false,
                     QStringLiteral("/v1/completions"));
        QCOMPARE(row.value("mode").toInt(), 2);

        const QByteArray embeddings =
            R"({"model":"text-embedding-3-small","input":["a","b"],"encoding_format":"base64","dimensions":4})";
        response = post("/v1/embeddings", embeddings);
        QCOMPARE(response.status, 200);
        const MockUpstream::Request upstream = m_mock.lastRequest();
        QCOMPARE(upstream.path, QByteArray("/v1/embeddings"));
        QCOMPARE(upstream.body, embeddings); // encoding_format and dimensions untouched.
        QCOMPARE(response.body, m_mock.responseBody(upstream.id));
        const QByteArray raw = QByteArray::fromBase64(response.json()
                                                          .value("data")
                                                          .toArray()
                                                          .at(1)
                                                          .toObject()
                                                          .value("embedding")
                                                          .toString()
                                                          .toLatin1());
        QCOMPARE(raw.size(), 16);
        row = logRow(response.header("x-request-id"));
        verifyLogRow(row, QStringLiteral("text-embedding-3-small"), 200, false,
                     QStringLiteral("/v1/embeddings"));
        QCOMPARE(row.value("mode").toInt(), 3);
        QCOMPARE(row.value("input_tokens").toLongLong(),
                 qint64(2 * MockUpstream::kEmbeddingTokensPerInput));
    }

    void upstreamErrorBeforeFirstByte_data()
    {
        QTest::addColumn<QString>("model");
        QTest::addColumn<bool>("stream");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("code");
        for (bool stream : {false, true}) {
            const char *suffix = stream ? " stream" : "";
            QTest::addRow("429%s", suffix) << "error-429" << stream << 429 << "rate_limit_exceeded";
            QTest::addRow("500%s", suffix) << "error-500" << stream << 500 << QString();
            QTest::addRow("401 is 502%s", suffix)
                << "error-401" << stream << 502 << "invalid_api_key";
            QTest::addRow("text 503%s", suffix) << "error-text-503" << stream << 503 << QString();
        }
    }
    void upstreamErrorBeforeFirstByte()
    {
        QFETCH(QString, model);
        QFETCH(bool, stream);
        QFETCH(int, status);
        QFETCH(QString, code);
        const auto response = post("/v1/chat/completions", chatBody(model, stream));
        QCOMPARE(response.status, status);
        QVERIFY(response.header("content-type").startsWith("application/json"));
        QVERIFY(response.header("transfer-encoding").isEmpty());
        const QByteArray requestId = response.header("x-request-id");
        const QJsonObject json = response.json();
        QCOMPARE(json.value("aiproxy").toString(), QString::fromLatin1(requestId));
        const QJsonObject error = json.value("error").toObject();
        QVERIFY(!error.value("message").toString().isEmpty());
        if (!code.isEmpty())
            QCOMPARE(error.value("code").toString(), code);
        if (model == QLatin1String("error-text-503"))
            QVERIFY(
                error.value("message").toString().contains(QStringLiteral("plain text failure")));
        const QSqlRecord row = logRow(requestId);
        verifyLogRow(row, model, status, stream, QStringLiteral("/v1/chat/completions"));
        QVERIFY(!row.value("content").toString().isEmpty());
    }

    void midStreamDropEndsWithErrorEvent()
    {
        const auto response =
            post("/v1/chat/completions", chatBody(QStringLiteral("drop-mid-stream"), true));
        QCOMPARE(response.status, 200);
        QVERIFY(response.complete); // The chunked stream is terminated properly.
        const QList<QByteArray> events = response.events();
        QCOMPARE(events.size(), MockUpstream::kDropAfterEvents + 1);
        QCOMPARE(events.mid(0, MockUpstream::kDropAfterEvents).join(),
                 m_mock.responseBody(lastUpstreamId()));
        QVERIFY(events.last().startsWith("data: {"));
        QVERIFY(events.last().endsWith("}\n\n"));
        QVERIFY(eventJson(events.last()).value("error").isObject());
        const QJsonObject error = eventJson(events.last()).value("error").toObject();
        QVERIFY(!error.value("message").toString().isEmpty());
        QCOMPARE(eventJson(events.last()).value("aiproxy").toString(),
                 QString::fromLatin1(response.header("x-request-id")));
        QVERIFY(!response.body.contains("[DONE]"));
        const QSqlRecord row = logRow(response.header("x-request-id"));
        verifyLogRow(row, QStringLiteral("drop-mid-stream"), 502, true,
                     QStringLiteral("/v1/chat/completions"));
        QVERIFY(!row.value("content").toString().isEmpty());
    }

    void clientDisconnectAbortsUpstream()
    {
        constexpr int kDelivered = 3;
        m_mock.setStreamEventLimit(kDelivered);
        RawHttpClient client;
        QVERIFY(
            startStreamAndWaitForFirstEvent(client, chatBody(QStringLiteral("gpt-4o-mini"), true)));
        QVERIFY(client.waitFor(
            [&client] { return client.peekResponse().events().size() >= kDelivered; }));
        const QByteArray requestId = client.peekResponse().header("x-request-id");
        qint64 deliveredChars = 0;
        for (const QByteArray &event : client.peekResponse().events()) {
            const QJsonArray choices = eventJson(event).value("choices").toArray();
            for (const QJsonValue &choice : choices)
                deliveredChars +=
                    choice.toObject().value("delta").toObject().value("content").toString().size();
        }
        QVERIFY(deliveredChars > 0);
        const int id = lastUpstreamId();
        QVERIFY(!m_mock.isPeerClosed(id));
        client.abort();
        // The gateway drops its upstream connection (the mock still holds the next event).
        QTRY_VERIFY_WITH_TIMEOUT(m_mock.isPeerClosed(id), 15000);
        QCOMPARE(m_mock.eventsWritten(id), kDelivered);
        const QSqlRecord row = logRow(requestId);
        verifyLogRow(row, QStringLiteral("gpt-4o-mini"), 499, true,
                     QStringLiteral("/v1/chat/completions"));
        // Billing policy: what was delivered is what is counted (no upstream usage came).
        QCOMPARE(row.value("usage_source").toString(), QStringLiteral("estimated"));
        QCOMPARE(row.value("output_tokens").toLongLong(), (deliveredChars + 3) / 4);
        QVERIFY(row.value("input_tokens").toLongLong() > 0);
    }

    void hangingUpstreamAbortedOnDisconnect()
    {
        RawHttpClient client;
        QVERIFY(client.connectToPort(m_gateway.port()));
        const int before = lastUpstreamId();
        client.send(RawHttpClient::buildRequest("POST", "/v1/chat/completions",
                                                chatBody(QStringLiteral("hang"), false), auth()));
        QTRY_VERIFY_WITH_TIMEOUT(lastUpstreamId() > before, 15000);
        const int id = lastUpstreamId();
        client.abort();
        QTRY_VERIFY_WITH_TIMEOUT(m_mock.isPeerClosed(id), 15000);
    }

    void slowFirstByteIsLoggedAsTtfb()
    {
        m_mock.setFirstByteDelayMs(300);
        const auto response =
            post("/v1/chat/completions", chatBody(QStringLiteral("slow-first-byte"), true));
        QCOMPARE(response.status, 200);
        const QSqlRecord row = logRow(response.header("x-request-id"));
        verifyLogRow(row, QStringLiteral("slow-first-byte"), 200, true,
                     QStringLiteral("/v1/chat/completions"));
        // The first byte cannot have reached the client before the upstream sent one.
        QVERIFY2(row.value("ttfb_ms").toLongLong() >= 300,
                 qPrintable(row.value("ttfb_ms").toString()));
    }

    void concurrentStreamsRunInParallel()
    {
        // Every stream holds after its first event until all of them are open at the upstream at
        // once: a per-host connection cap anywhere in the gateway would stall this at the cap.
        constexpr int kStreams = 200;
        m_mock.clearRecords();
        m_mock.setStreamEventLimit(1);
        std::vector<std::unique_ptr<RawHttpClient>> clients;
        const QByteArray request = RawHttpClient::buildRequest(
            "POST", "/v1/chat/completions", chatBody(QStringLiteral("gpt-4o-mini"), true), auth());
        for (int i = 0; i < kStreams; ++i) {
            clients.push_back(std::make_unique<RawHttpClient>());
            QVERIFY(clients.back()->connectToPort(m_gateway.port()));
            clients.back()->send(request);
        }
        QTRY_COMPARE_WITH_TIMEOUT(m_mock.activeRequests(), kStreams, 60000);
        QCOMPARE(m_mock.maxActiveRequests(), kStreams);
        // Each client already holds its first event while all streams are open.
        const auto allHaveFirstEvent = [&clients] {
            for (const auto &client : clients) {
                if (client->peekResponse().events().isEmpty())
                    return false;
            }
            return true;
        };
        QTRY_VERIFY_WITH_TIMEOUT(allHaveFirstEvent(), 60000);
        m_mock.setStreamEventLimit(-1);
        const auto allComplete = [&clients] {
            for (const auto &client : clients) {
                if (!client->peekResponse().complete)
                    return false;
            }
            return true;
        };
        QTRY_VERIFY_WITH_TIMEOUT(allComplete(), 60000);
        for (const auto &client : clients) {
            const RawHttpClient::Response response = client->peekResponse();
            QCOMPARE(response.status, 200);
            QCOMPARE(response.events().last(), QByteArray("data: [DONE]\n\n"));
        }
        QTRY_COMPARE(m_mock.activeRequests(), 0);
    }

    void oversizedBodyGets413()
    {
        const int before = lastUpstreamId();
        RawHttpClient client;
        QVERIFY(client.connectToPort(m_gateway.port()));
        client.send("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sk-" +
                    kAllKey.toUtf8() + "\r\nContent-Type: application/json\r\nContent-Length: " +
                    QByteArray::number(kMaxBody + 1) + "\r\n\r\n" + QByteArray(4096, 'x'));
        RawHttpClient::Response response;
        QVERIFY(client.readResponse(&response));
        QCOMPARE(response.status, 413);
        QCOMPARE(response.header("connection").toLower(), QByteArray("close"));
        QVERIFY(!response.json().value("error").toObject().value("message").toString().isEmpty());
        QVERIFY(client.waitForDisconnected());

        // Chunked bodies are counted as they arrive.
        RawHttpClient chunked;
        QVERIFY(chunked.connectToPort(m_gateway.port()));
        chunked.send(
            "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" +
            QByteArray::number(kMaxBody + 1, 16) + "\r\n" + QByteArray(1024, 'x'));
        QVERIFY(chunked.readResponse(&response));
        QCOMPARE(response.status, 413);
        QVERIFY(chunked.waitForDisconnected());
        QCOMPARE(lastUpstreamId(), before);

        // Just under the limit is served.
        const QJsonObject big{
            {QStringLiteral("messages"),
             QJsonArray{QJsonObject{
                 {QStringLiteral("role"), QStringLiteral("user")},
                 {QStringLiteral("content"), QString(kMaxBody - 1024, QLatin1Char('a'))}}}}};
        const QByteArray body = chatBody(QStringLiteral("gpt-4o-mini"), false, false, big);
        QVERIFY(body.size() <= kMaxBody);
        QCOMPARE(post("/v1/chat/completions", body).status, 200);
        QCOMPARE(m_mock.lastRequest().body, body);
    }

    void expectContinue()
    {
        RawHttpClient client;
        QVERIFY(client.connectToPort(m_gateway.port()));
        const QByteArray body = chatBody(QStringLiteral("gpt-4o-mini"), false);
        client.send(
            "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sk-" +
            kAllKey.toUtf8() +
            "\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: " +
            QByteArray::number(body.size()) + "\r\n\r\n");
        RawHttpClient::Response interim;
        QVERIFY(client.readResponse(&interim));
        QCOMPARE(interim.status, 100);
        QCOMPARE(interim.version, QByteArray("HTTP/1.1"));
        client.send(body);
        RawHttpClient::Response response;
        QVERIFY(client.readResponse(&response));
        QCOMPARE(response.status, 200);
        QCOMPARE(m_mock.lastRequest().body, body);
    }

    void connectionCloseIsHonoured()
    {
        for (bool stream : {false, true}) {
            RawHttpClient client;
            QVERIFY(client.connectToPort(m_gateway.port()));
            RawHttpClient::Headers headers = auth();
            headers.append(qMakePair(QByteArray("Connection"), QByteArray("close")));
            client.send(RawHttpClient::buildRequest("POST", "/v1/chat/completions",
                                                    chatBody(QStringLiteral("gpt-4o-mini"), stream),
                                                    headers));
            RawHttpClient::Response response;
            QVERIFY(client.readResponse(&response));
            QCOMPARE(response.status, 200);
            QCOMPARE(response.header("connection").toLower(), QByteArray("close"));
            QVERIFY2(client.waitForDisconnected(), "the server kept the connection open");
        }
    }

    void http10()
    {
        // Non-streamed: a Content-Length answer, then the server closes (no keep-alive asked).
        RawHttpClient client;
        QVERIFY(client.connectToPort(m_gateway.port()));
        client.send(RawHttpClient::buildRequest("POST", "/v1/chat/completions",
                                                chatBody(QStringLiteral("gpt-4o-mini"), false),
                                                auth(), "HTTP/1.0"));
        RawHttpClient::Response response;
        QVERIFY(client.readResponse(&response));
        QCOMPARE(response.status, 200);
        QCOMPARE(response.body, m_mock.responseBody(lastUpstreamId()));
        QVERIFY(client.waitForDisconnected());

        // Streamed: HTTP/1.0 has no chunked encoding; the body ends with the connection.
        RawHttpClient streaming;
        QVERIFY(streaming.connectToPort(m_gateway.port()));
        streaming.send(RawHttpClient::buildRequest("POST", "/v1/chat/completions",
                                                   chatBody(QStringLiteral("gpt-4o-mini"), true),
                                                   auth(), "HTTP/1.0"));
        QVERIFY(streaming.waitForDisconnected());
        response = streaming.peekResponse();
        QVERIFY(response.complete);
        QCOMPARE(response.status, 200);
        QVERIFY(response.header("transfer-encoding").isEmpty());
        QVERIFY(response.header("content-length").isEmpty());
        QCOMPARE(response.body, withoutUsageChunk(m_mock.responseBody(lastUpstreamId())));
    }

    void pipelinedRequestsDoNotInterleave()
    {
        // Two quick requests in one write: both answered, in order, on the same connection.
        RawHttpClient client;
        QVERIFY(client.connectToPort(m_gateway.port()));
        const QByteArray models = RawHttpClient::buildRequest("GET", "/v1/models", {}, auth());
        const QByteArray model =
            RawHttpClient::buildRequest("GET", "/v1/models/gpt-4o", {}, auth());
        client.send(models + model);
        RawHttpClient::Response first;
        RawHttpClient::Response second;
        QVERIFY(client.readResponse(&first));
        QVERIFY(client.readResponse(&second));
        QCOMPARE(first.json().value("object").toString(), QStringLiteral("list"));
        QCOMPARE(second.json().value("id").toString(), QStringLiteral("gpt-4o"));

        // A request pipelined behind a stream that is still running: the stream's bytes are
        // never mixed with another response. The second request is answered after the stream,
        // or the connection closes after the stream (the client then retries it).
        m_mock.setStreamEventLimit(1);
        RawHttpClient pipelined;
        QVERIFY(pipelined.connectToPort(m_gateway.port()));
        pipelined.send(RawHttpClient::buildRequest("POST", "/v1/chat/completions",
                                                   chatBody(QStringLiteral("gpt-4o-mini"), true),
                                                   auth()) +
                       models);
        QVERIFY(pipelined.waitFor(
            [&pipelined] { return !pipelined.peekResponse().events().isEmpty(); }));
        m_mock.setStreamEventLimit(-1);
        RawHttpClient::Response stream;
        QVERIFY(pipelined.readResponse(&stream));
        QCOMPARE(stream.status, 200);
        QVERIFY(!stream.body.contains("HTTP/1.1"));
        QCOMPARE(stream.body, withoutUsageChunk(m_mock.responseBody(lastUpstreamId())));
        RawHttpClient::Response after;
        const bool answered = pipelined.waitFor([&] {
            return pipelined.isClosed() ||
                   RawHttpClient::parse(pipelined.buffer(), &after, false) > 0;
        });
        QVERIFY(answered);
        if (pipelined.isClosed() && pipelined.buffer().isEmpty())
            return; // Dropped and closed: allowed.
        QVERIFY(pipelined.readResponse(&after));
        QCOMPARE(after.status, 200);
        QCOMPARE(after.json().value("object").toString(), QStringLiteral("list"));
    }

private:
    MockUpstream m_mock;
    TestGateway m_gateway;
};

QTEST_GUILESS_MAIN(TestRelay)
#include "tst_relay.moc"
