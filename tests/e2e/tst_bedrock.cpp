// AWS Bedrock channels (type 33) against the mock's Bedrock runtime, which recomputes every
// SigV4 signature itself: OpenAI, Anthropic, Gemini and Responses clients; plain answers and
// binary event streams; SigV4 keys (with and without session token) and Bedrock API keys;
// a wrong secret, a corrupt CRC and an in-stream exception; usage (cache reads and writes
// apart) in the log rows, which never carry a channel secret.

#include "adaptorfixture.h"
#include "chatstream.h"
#include "clientcalls.h"
#include "gateway/gatewaycore.h"
#include "logrows.h"
#include "storage/database.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QtTest>

namespace {

const QString kGroup = QStringLiteral("bedrock-group");
const QString kKey = QStringLiteral("bedrockkey0123456789bedrockkey0123456789bedrock01");
const QString kModel = QStringLiteral("claude-bedrock");
/// A real Bedrock model id: '.' and ':' in the path, ':' sent as %3A and signed as %253A.
const QString kUpstreamModel = QStringLiteral("anthropic.claude-3-5-sonnet-20241022-v2:0");
const QByteArray kUpstreamPath = "/model/anthropic.claude-3-5-sonnet-20241022-v2%3A0";
const QString kWrongSecretModel = QStringLiteral("claude-wrong-secret");
const QString kApiKeyModel = QStringLiteral("claude-api-key");
const QString kSessionModel = QStringLiteral("claude-session");
const QString kBadKeyModel = QStringLiteral("claude-bad-key");
const QByteArray kWrongSecret = "wrongSecret/Key+0000000000000000EXAMPLE0";
const QByteArray kApiKey = "ABSKbW9jay1iZWRyb2NrLWFwaS1rZXk=";
const QByteArray kSessionToken = "IQoJb3JpZ2luX2VjEMockSessionToken0000000000000000==";

QString sigV4Key(const QByteArray &secret, const QByteArray &sessionToken = {})
{
    return QStringLiteral("us-east-1|%1|%2%3")
        .arg(QLatin1String(MockUpstream::kBedrockAccessKeyId), QString::fromLatin1(secret),
             sessionToken.isEmpty() ? QString() : '|' + QString::fromLatin1(sessionToken));
}

/// The `data:` JSON of an SSE event block.
QJsonObject eventData(const QByteArray &event)
{
    for (const QByteArray &line : event.split('\n')) {
        if (line.startsWith("data: "))
            return QJsonDocument::fromJson(line.mid(6)).object();
    }
    return {};
}

QByteArray eventName(const QByteArray &event)
{
    return event.startsWith("event: ") ? event.mid(7, event.indexOf('\n') - 7) : QByteArray();
}

} // namespace

class TstBedrock : public QObject
{
    Q_OBJECT

private:
    AdaptorFixture m_fixture{kKey};
    MockUpstream &m_mock = m_fixture.mock();

    static QJsonObject chat(bool stream, const QString &model = kModel)
    {
        return ClientCalls::chatHello(model, stream);
    }

    static QJsonObject message(bool stream, const QString &model = kModel)
    {
        return ClientCalls::messageHello(model, stream);
    }

    /// The last upstream request: signed by the channel's key, at the model's Bedrock path,
    /// with a Bedrock body; the mock verified the signature (it answered \a status).
    void checkSignedRequest(bool stream, int status = 200)
    {
        const MockUpstream::Request sent = m_mock.lastRequest();
        QCOMPARE(sent.path, kUpstreamPath + (stream ? "/invoke-with-response-stream" : "/invoke"));
        const QByteArray authorization = sent.header("authorization");
        QVERIFY2(authorization.startsWith("AWS4-HMAC-SHA256 Credential=" +
                                          QByteArray(MockUpstream::kBedrockAccessKeyId) + '/'),
                 authorization.constData());
        QVERIFY(authorization.contains("/us-east-1/bedrock/aws4_request, SignedHeaders="));
        QVERIFY(!sent.header("x-amz-date").isEmpty());
        QCOMPARE(sent.header("accept"), stream ? QByteArray("application/vnd.amazon.eventstream")
                                               : QByteArray("application/json"));
        QCOMPARE(sent.header("content-type"), QByteArray("application/json"));
        const QJsonObject body = sent.json();
        QCOMPARE(body.value("anthropic_version").toString(), QStringLiteral("bedrock-2023-05-31"));
        QVERIFY(!body.contains("model"));
        QVERIFY(!body.contains("stream"));
        QCOMPARE(m_mock.responseStatus(sent.id), status);
    }

    void checkLogged(const QByteArray &requestId, int mode, qint64 channelId = 33)
    {
        const QSqlRecord row = m_fixture.logRow(requestId);
        QVERIFY(!row.isEmpty());
        QCOMPARE(row.value("code").toInt(), 200);
        QCOMPARE(row.value("mode").toInt(), mode);
        QCOMPARE(row.value("channel_id").toLongLong(), channelId);
        QCOMPARE(row.value("content").toString(), QString());
        ClientCalls::checkAnthropicUsage(row);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_fixture.start(&error), qPrintable(error));
        m_mock.setBedrockApiKey(kApiKey);
        const QString base = m_fixture.mockBase();
        const auto channel = [&](qint64 id, const QString &key, const QStringList &models) {
            RelaySeed::ChannelRow row;
            row.id = id;
            row.type = 33;
            row.name = QStringLiteral("bedrock-%1").arg(id);
            row.key = key;
            row.baseUrl = base;
            row.models = models;
            for (const QString &model : models) {
                if (!model.startsWith(QLatin1String("error-")) &&
                    !model.contains(QLatin1String("-mid-")) &&
                    model != QLatin1String("corrupt-crc"))
                    row.modelMapping.insert(model, kUpstreamModel);
            }
            return row;
        };
        const QStringList scenarios = {QStringLiteral("corrupt-crc"),
                                       QStringLiteral("exception-mid-stream"),
                                       QStringLiteral("error-429")};
        const QList<RelaySeed::ChannelRow> channels = {
            channel(33, sigV4Key(MockUpstream::kBedrockSecretAccessKey),
                    QStringList{kModel} + scenarios),
            channel(34, sigV4Key(kWrongSecret), {kWrongSecretModel}),
            channel(35, "us-west-2|" + QString::fromLatin1(kApiKey), {kApiKeyModel}),
            channel(36, sigV4Key(MockUpstream::kBedrockSecretAccessKey, kSessionToken),
                    {kSessionModel}),
            channel(37, QStringLiteral("no-region-or-secret"), {kBadKeyModel}),
        };
        QVERIFY2(m_fixture.seed(kGroup, channels, &error, QStringLiteral("anthropic")),
                 qPrintable(error));
    }

    void cleanupTestCase() { m_fixture.stop(); }

    void openAIClientPlain()
    {
        const auto response = m_fixture.post("/v1/chat/completions", chat(false), false);
        QCOMPARE(response.status, 200);
        const QJsonObject json = response.json();
        QCOMPARE(json.value("object").toString(), QStringLiteral("chat.completion"));
        QCOMPARE(json.value("model").toString(), kModel);
        const QJsonObject choice = json.value("choices").toArray().first().toObject();
        QCOMPARE(choice.value("message").toObject().value("content").toString(),
                 MockUpstream::replyText());
        QCOMPARE(choice.value("finish_reason").toString(), QStringLiteral("stop"));
        const QJsonObject usage = json.value("usage").toObject();
        QCOMPARE(usage.value("completion_tokens").toInt(), MockUpstream::kAnthropicOutputTokens);
        QCOMPARE(usage.value("prompt_tokens_details").toObject().value("cached_tokens").toInt(),
                 MockUpstream::kAnthropicCacheReadTokens);
        checkSignedRequest(false);
        const QJsonObject sent = m_mock.lastRequest().json();
        QCOMPARE(sent.value("system").toString(), QStringLiteral("Be brief."));
        QVERIFY(sent.value("max_tokens").toInt() > 0);
        checkLogged(response.header("x-request-id"), 1);
    }

    void openAIClientStreamed()
    {
        const auto response = m_fixture.post("/v1/chat/completions", chat(true), false);
        QCOMPARE(response.status, 200);
        const ChatStream stream = ChatStream::fromSse(response.body);
        QCOMPARE(stream.objects, QStringList{QStringLiteral("chat.completion.chunk")});
        QVERIFY(stream.done);
        QVERIFY(stream.error.isEmpty());
        QCOMPARE(stream.text, MockUpstream::replyText());
        QCOMPARE(stream.usage.value("completion_tokens").toInt(),
                 MockUpstream::kAnthropicOutputTokens);
        QCOMPARE(stream.usage.value("prompt_tokens").toInt(),
                 MockUpstream::kAnthropicInputTokens + MockUpstream::kAnthropicCacheReadTokens +
                     MockUpstream::kAnthropicCacheCreationTokens);
        checkSignedRequest(true);
        checkLogged(response.header("x-request-id"), 1);
    }

    void openAIClientTools()
    {
        const auto plain = m_fixture.post("/v1/chat/completions",
                                          ClientCalls::withWeatherTool(chat(false)), false);
        QCOMPARE(plain.status, 200);
        const QJsonObject choice = plain.json().value("choices").toArray().first().toObject();
        QCOMPARE(choice.value("finish_reason").toString(), QStringLiteral("tool_calls"));
        const QJsonObject call =
            choice.value("message").toObject().value("tool_calls").toArray().first().toObject();
        QCOMPARE(call.value("function").toObject().value("name").toString(),
                 QStringLiteral("get_weather"));
        QCOMPARE(QJsonDocument::fromJson(
                     call.value("function").toObject().value("arguments").toString().toUtf8())
                     .object(),
                 QJsonDocument::fromJson(MockUpstream::toolArguments().toUtf8()).object());

        const auto response =
            m_fixture.post("/v1/chat/completions", ClientCalls::withWeatherTool(chat(true)), false);
        QCOMPARE(response.status, 200);
        const ChatStream stream = ChatStream::fromSse(response.body);
        QCOMPARE(stream.toolName, QStringLiteral("get_weather"));
        QCOMPARE(stream.toolArguments, MockUpstream::toolArguments());
        QCOMPARE(stream.finishReason, QStringLiteral("tool_calls"));
        const QJsonObject sentTool =
            m_mock.lastRequest().json().value("tools").toArray().first().toObject();
        QCOMPARE(sentTool.value("name").toString(), QStringLiteral("get_weather"));
        checkSignedRequest(true);
    }

    void anthropicClientPlain()
    {
        const auto response = m_fixture.post("/v1/messages", message(false), true);
        QCOMPARE(response.status, 200);
        const QJsonObject json = response.json();
        // The upstream's own message: forwarded, not converted.
        QVERIFY(json.value("id").toString().startsWith(QLatin1String("msg_mock")));
        QCOMPARE(json.value("type").toString(), QStringLiteral("message"));
        QCOMPARE(json.value("content").toArray().first().toObject().value("text").toString(),
                 MockUpstream::replyText());
        QCOMPARE(json.value("usage").toObject().value("cache_creation_input_tokens").toInt(),
                 MockUpstream::kAnthropicCacheCreationTokens);
        checkSignedRequest(false);
        QCOMPARE(m_mock.lastRequest().json().value("max_tokens").toInt(), 512);
        checkLogged(response.header("x-request-id"), 12);
    }

    void anthropicClientStreamed()
    {
        const auto response = m_fixture.post("/v1/messages", message(true), true);
        QCOMPARE(response.status, 200);
        QVERIFY(response.header("content-type").startsWith("text/event-stream"));
        QByteArrayList names;
        QString text;
        for (const QByteArray &event : response.events()) {
            const QByteArray name = eventName(event);
            const QJsonObject data = eventData(event);
            QCOMPARE(data.value("type").toString().toUtf8(), name); // Standard Anthropic SSE.
            names << name;
            if (name == "content_block_delta")
                text += data.value("delta").toObject().value("text").toString();
            if (name == "message_stop")
                QVERIFY(data.contains("amazon-bedrock-invocationMetrics"));
        }
        QCOMPARE(names.first(), QByteArray("message_start"));
        QCOMPARE(names.at(1), QByteArray("content_block_start"));
        QVERIFY(names.contains("content_block_stop"));
        QCOMPARE(names.at(names.size() - 2), QByteArray("message_delta"));
        QCOMPARE(names.last(), QByteArray("message_stop"));
        QCOMPARE(text, MockUpstream::replyText());
        QVERIFY(!response.body.contains(":message-type")); // No binary framing leaks through.
        checkSignedRequest(true);
        checkLogged(response.header("x-request-id"), 12);
    }

    void geminiAndResponsesClients()
    {
        const auto gemini = RawHttpClient::postJson(
            m_fixture.port(), "/v1beta/models/" + kModel.toLatin1() + ":generateContent",
            {{"contents",
              QJsonArray{QJsonObject{{"role", "user"},
                                     {"parts", QJsonArray{QJsonObject{{"text", "Hello"}}}}}}}},
            {{"x-goog-api-key", "sk-" + kKey.toLatin1()}});
        QCOMPARE(gemini.status, 200);
        QString text;
        for (const QJsonValue &part : gemini.json()
                                          .value("candidates")
                                          .toArray()
                                          .first()
                                          .toObject()
                                          .value("content")
                                          .toObject()
                                          .value("parts")
                                          .toArray())
            text += part.toObject().value("text").toString();
        QCOMPARE(text, MockUpstream::replyText());
        checkSignedRequest(false);
        checkLogged(gemini.header("x-request-id"), 21);

        const auto responses = m_fixture.post(
            "/v1/responses", {{"model", kModel}, {"input", "Hello"}, {"stream", false}}, false);
        QCOMPARE(responses.status, 200);
        QCOMPARE(responses.json().value("status").toString(), QStringLiteral("completed"));
        QString output;
        for (const QJsonValue &item : responses.json().value("output").toArray()) {
            for (const QJsonValue &part : item.toObject().value("content").toArray())
                output += part.toObject().value("text").toString();
        }
        QCOMPARE(output, MockUpstream::replyText());
        checkSignedRequest(false);
        checkLogged(responses.header("x-request-id"), 16);
    }

    void apiKeyChannel()
    {
        const auto response = m_fixture.post("/v1/messages", message(false, kApiKeyModel), true);
        QCOMPARE(response.status, 200);
        const MockUpstream::Request sent = m_mock.lastRequest();
        QCOMPARE(sent.header("authorization"), "Bearer " + kApiKey);
        QVERIFY(sent.header("x-amz-date").isEmpty());
        QCOMPARE(sent.path, kUpstreamPath + "/invoke");
        QCOMPARE(m_mock.responseStatus(sent.id), 200);
        checkLogged(response.header("x-request-id"), 12, 35);
    }

    void sessionTokenIsSigned()
    {
        const auto response =
            m_fixture.post("/v1/chat/completions", chat(false, kSessionModel), false);
        QCOMPARE(response.status, 200);
        const MockUpstream::Request sent = m_mock.lastRequest();
        QCOMPARE(sent.header("x-amz-security-token"), kSessionToken);
        QVERIFY(sent.header("authorization").contains("x-amz-security-token"));
        QCOMPARE(m_mock.responseStatus(sent.id), 200);
        checkLogged(response.header("x-request-id"), 1, 36);
    }

    void wrongSecretIsRefusedByTheUpstream()
    {
        const QString signatureMismatch =
            QStringLiteral("The request signature we calculated does not match");
        const auto openai =
            m_fixture.post("/v1/chat/completions", chat(false, kWrongSecretModel), false);
        QVERIFY2(openai.status >= 400, openai.body.constData());
        QCOMPARE(m_mock.responseStatus(m_mock.lastRequest().id), 403);
        const QJsonObject openaiError = openai.json().value("error").toObject();
        QVERIFY2(openaiError.value("message").toString().contains(signatureMismatch),
                 openai.body.constData());
        QVERIFY(openai.json().contains("aiproxy"));

        const auto anthropic =
            m_fixture.post("/v1/messages", message(true, kWrongSecretModel), true);
        QVERIFY(anthropic.status >= 400);
        QCOMPARE(anthropic.json().value("type").toString(), QStringLiteral("error"));
        QVERIFY(anthropic.json().value("error").toObject().value("message").toString().contains(
            signatureMismatch));

        const QSqlRecord row = m_fixture.logRow(openai.header("x-request-id"));
        QCOMPARE(row.value("code").toInt(), openai.status);
        QCOMPARE(row.value("channel_id").toInt(), 34);
        QVERIFY(row.value("content").toString().contains(signatureMismatch));
    }

    void malformedKeyFailsBeforeSending()
    {
        const int before = m_mock.requestCount();
        const auto response = m_fixture.post("/v1/messages", message(false, kBadKeyModel), true);
        QCOMPARE(response.status, 502);
        QCOMPARE(response.json().value("type").toString(), QStringLiteral("error"));
        QVERIFY2(response.json().value("error").toObject().value("message").toString().contains(
                     QStringLiteral("the channel's credentials are unusable: the key must be "
                                    "region|accessKeyId|secretAccessKey")),
                 response.body.constData());
        QCOMPARE(m_mock.requestCount(), before); // Nothing reached the upstream.
        const QSqlRecord row = m_fixture.logRow(response.header("x-request-id"));
        QCOMPARE(row.value("code").toInt(), 502);
        QCOMPARE(row.value("channel_id").toInt(), 37);
    }

    void upstreamErrorStatus()
    {
        const auto response =
            m_fixture.post("/v1/messages", message(false, QStringLiteral("error-429")), true);
        QCOMPARE(response.status, 429);
        QCOMPARE(response.json().value("error").toObject().value("type").toString(),
                 QStringLiteral("rate_limit_error"));
        QVERIFY(response.json().value("error").toObject().value("message").toString().contains(
            QStringLiteral("Too many requests")));
    }

    void corruptCrcMidStream()
    {
        const auto anthropic =
            m_fixture.post("/v1/messages", message(true, QStringLiteral("corrupt-crc")), true);
        QCOMPARE(anthropic.status, 200);
        const QList<QByteArray> events = anthropic.events();
        QVERIFY(events.size() > MockUpstream::kBedrockFaultAfterEvents);
        QCOMPARE(eventName(events.at(MockUpstream::kBedrockFaultAfterEvents)), QByteArray("error"));
        QCOMPARE(events.size(), MockUpstream::kBedrockFaultAfterEvents + 1); // Nothing after it.
        const QJsonObject error = eventData(events.last()).value("error").toObject();
        QCOMPARE(error.value("type").toString(), QStringLiteral("api_error"));
        QVERIFY(error.value("message").toString().contains(QStringLiteral("CRC")));
        const QSqlRecord row = m_fixture.logRow(anthropic.header("x-request-id"));
        QVERIFY(!row.isEmpty());
        QVERIFY(row.value("content").toString().contains(QStringLiteral("CRC")));

        QJsonObject body = chat(true, QStringLiteral("corrupt-crc"));
        const auto openai = m_fixture.post("/v1/chat/completions", body, false);
        QCOMPARE(openai.status, 200);
        const ChatStream stream = ChatStream::fromSse(openai.body);
        QVERIFY2(stream.error.value("message").toString().contains(QStringLiteral("CRC")),
                 openai.body.constData());
        QVERIFY(!stream.text.isEmpty()); // What came before the corrupt frame was delivered.
        QVERIFY(MockUpstream::replyText().startsWith(stream.text));
        QVERIFY(stream.text != MockUpstream::replyText());
        QVERIFY(m_fixture.logRow(openai.header("x-request-id"))
                    .value("content")
                    .toString()
                    .contains(QStringLiteral("CRC")));
    }

    void exceptionMidStream()
    {
        const auto anthropic = m_fixture.post(
            "/v1/messages", message(true, QStringLiteral("exception-mid-stream")), true);
        QCOMPARE(anthropic.status, 200);
        const QList<QByteArray> events = anthropic.events();
        QCOMPARE(events.size(), MockUpstream::kBedrockFaultAfterEvents + 1);
        QCOMPARE(eventName(events.last()), QByteArray("error"));
        const QJsonObject error = eventData(events.last()).value("error").toObject();
        QCOMPARE(error.value("type").toString(), QStringLiteral("rate_limit_error"));
        QVERIFY(error.value("message").toString().contains(
            QLatin1String(MockUpstream::kBedrockThrottlingMessage)));
        QVERIFY(error.value("message").toString().contains(QStringLiteral("throttlingException")));

        const auto openai = m_fixture.post(
            "/v1/chat/completions", chat(true, QStringLiteral("exception-mid-stream")), false);
        const ChatStream stream = ChatStream::fromSse(openai.body);
        QVERIFY2(stream.error.value("message").toString().contains(
                     QLatin1String(MockUpstream::kBedrockThrottlingMessage)),
                 openai.body.constData());
        const QSqlRecord row = m_fixture.logRow(openai.header("x-request-id"));
        QVERIFY(row.value("content").toString().contains(QStringLiteral("throttlingException")));
    }

    void secretsNeverReachTheLog()
    {
        LogRows::waitFor(m_fixture.core(), "flush-only", 50); // Flushes pending rows.
        QSqlQuery query(m_fixture.core()->logDatabase()->connection());
        QVERIFY(query.exec(QStringLiteral("SELECT * FROM logs")));
        int rows = 0;
        while (query.next()) {
            ++rows;
            const QSqlRecord record = query.record();
            for (int i = 0; i < record.count(); ++i) {
                const QString value = record.value(i).toString();
                for (const QByteArray &secret : {QByteArray(MockUpstream::kBedrockSecretAccessKey),
                                                 kWrongSecret, kApiKey, kSessionToken}) {
                    QVERIFY2(!value.contains(QString::fromLatin1(secret)),
                             qPrintable(record.fieldName(i) + QStringLiteral(": ") + value));
                }
            }
        }
        QVERIFY(rows >= 15); // Every test above logged.
    }
};

QTEST_GUILESS_MAIN(TstBedrock)
#include "tst_bedrock.moc"
