// Anthropic Messages clients (`POST /v1/messages`) served by an OpenAI-format channel: the request
// is converted to Chat Completions, the answer (streamed or not) and every error come back in
// Anthropic's wire format, usage is accounted from the upstream's terminal usage.

#include "gateway/gatewaycore.h"
#include "logrows.h"
#include "mockupstream.h"
#include "rawhttpclient.h"
#include "relayseed.h"
#include "storage/database.h"
#include "storage/logwriter.h"
#include "testgateway.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QtTest>

namespace {

const QString kGroup = QStringLiteral("anthropic-group");
const QString kKey = QStringLiteral("anthkey0123456789anthkey0123456789anthkey01234567");
const QString kModel = QStringLiteral("gpt-4o-mini");

struct SseEvent
{
    QByteArray name;
    QJsonObject data;
};

QList<SseEvent> parseEvents(const QByteArray &body)
{
    QList<SseEvent> events;
    for (const QByteArray &block : body.split('\n')) {
        if (block.startsWith("event: "))
            events.append({block.mid(7).trimmed(), {}});
        else if (block.startsWith("data: ") && !events.isEmpty())
            events.last().data = QJsonDocument::fromJson(block.mid(6)).object();
    }
    return events;
}

} // namespace

class TstAnthropic : public QObject
{
    Q_OBJECT

private:
    MockUpstream m_mock;
    TestGateway m_gateway;

    RawHttpClient::Response post(const QByteArray &path, const QJsonObject &body,
                                 RawHttpClient::Headers headers)
    {
        headers.append(qMakePair(QByteArray("anthropic-version"), QByteArray("2023-06-01")));
        return RawHttpClient::postJson(m_gateway.port(), path, body, headers);
    }
    static RawHttpClient::Headers apiKey() { return {{"x-api-key", "sk-" + kKey.toLatin1()}}; }

    static QJsonObject message(bool stream, const QString &model = kModel)
    {
        return {{"model", model},
                {"max_tokens", 256},
                {"stream", stream},
                {"system", "Be brief."},
                {"messages", QJsonArray{QJsonObject{{"role", "user"}, {"content", "Hello"}}}}};
    }

    QSqlRecord logRow(const QByteArray &requestId)
    {
        return LogRows::waitFor(m_gateway.core(), requestId);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_mock.start());
        QString error;
        QVERIFY2(m_gateway.start(&error), qPrintable(error));
        QSqlDatabase db = m_gateway.core()->mainDatabase()->connection();
        QVERIFY2(RelaySeed::insertMinimalSetup(db, m_mock.baseUrl(), kModel, kGroup, kKey, &error),
                 qPrintable(error));
        for (const QString &faulty :
             {QStringLiteral("error-429"), QStringLiteral("drop-mid-stream")}) {
            RelaySeed::ChannelRow channel;
            channel.id = faulty == QLatin1String("error-429") ? 2 : 3;
            channel.name = faulty;
            channel.key = QStringLiteral("sk-upstream");
            channel.baseUrl = m_mock.baseUrl();
            channel.models = {faulty};
            QVERIFY2(RelaySeed::insertChannel(db, channel, &error) &&
                         RelaySeed::insertModelConfig(db, faulty, QStringLiteral("openai"), &error),
                     qPrintable(error));
        }
        m_gateway.core()->reloadSnapshot();
    }

    void cleanupTestCase() { m_gateway.stop(); }

    void nonStreamingMessage()
    {
        const auto response = post("/v1/messages", message(false), apiKey());
        QCOMPARE(response.status, 200);
        const QJsonObject json = response.json();
        QCOMPARE(json.value("type").toString(), QStringLiteral("message"));
        QCOMPARE(json.value("role").toString(), QStringLiteral("assistant"));
        QCOMPARE(json.value("model").toString(), kModel);
        QVERIFY(json.value("id").toString().startsWith(QLatin1String("msg_")));
        const QJsonArray content = json.value("content").toArray();
        QCOMPARE(content.size(), 1);
        QCOMPARE(content.first().toObject().value("type").toString(), QStringLiteral("text"));
        QCOMPARE(content.first().toObject().value("text").toString(), MockUpstream::replyText());
        QCOMPARE(json.value("stop_reason").toString(), QStringLiteral("end_turn"));
        const QJsonObject usage = json.value("usage").toObject();
        QCOMPARE(usage.value("input_tokens").toInt(),
                 MockUpstream::kPromptTokens - MockUpstream::kCachedTokens);
        QCOMPARE(usage.value("cache_read_input_tokens").toInt(), MockUpstream::kCachedTokens);
        QCOMPARE(usage.value("output_tokens").toInt(), MockUpstream::kCompletionTokens);

        // What went upstream: Chat Completions with the system prompt first.
        const QJsonObject sent = m_mock.lastRequest().json();
        QCOMPARE(m_mock.lastRequest().path, QByteArray("/v1/chat/completions"));
        const QJsonArray messages = sent.value("messages").toArray();
        QCOMPARE(messages.first().toObject().value("role").toString(), QStringLiteral("system"));
        QCOMPARE(messages.last().toObject().value("role").toString(), QStringLiteral("user"));
        QCOMPARE(sent.value("max_tokens").toInt(), 256);

        const QSqlRecord row = logRow(response.header("x-request-id"));
        QVERIFY(!row.isEmpty());
        QCOMPARE(row.value("mode").toInt(), 12);
        QCOMPARE(row.value("endpoint").toString(), QStringLiteral("/v1/messages"));
        QCOMPARE(row.value("code").toInt(), 200);
        QCOMPARE(row.value("input_tokens").toInt(), MockUpstream::kPromptTokens);
        QCOMPARE(row.value("cached_tokens").toInt(), MockUpstream::kCachedTokens);
        QCOMPARE(row.value("usage_source").toString(), QStringLiteral("upstream"));
    }

    void streamingMessageHasAnthropicsEventSequence()
    {
        const auto response = post("/v1/messages", message(true),
                                   {{"Authorization", "Bearer sk-" + kKey.toLatin1()}});
        QCOMPARE(response.status, 200);
        QVERIFY(response.header("content-type").startsWith("text/event-stream"));
        const QList<SseEvent> events = parseEvents(response.body);
        QVERIFY(events.size() >= 6);
        QCOMPARE(events.first().name, QByteArray("message_start"));
        QCOMPARE(events.last().name, QByteArray("message_stop"));
        QString text;
        int starts = 0;
        int stops = 0;
        QJsonObject finalDelta;
        for (const SseEvent &event : events) {
            QCOMPARE(event.data.value("type").toString().toUtf8(), event.name);
            if (event.name == "content_block_start")
                ++starts;
            else if (event.name == "content_block_stop")
                ++stops;
            else if (event.name == "content_block_delta")
                text += event.data.value("delta").toObject().value("text").toString();
            else if (event.name == "message_delta")
                finalDelta = event.data;
        }
        QCOMPARE(starts, 1);
        QCOMPARE(stops, 1);
        QCOMPARE(text, MockUpstream::replyText());
        QCOMPARE(finalDelta.value("delta").toObject().value("stop_reason").toString(),
                 QStringLiteral("end_turn"));
        QCOMPARE(finalDelta.value("usage").toObject().value("output_tokens").toInt(),
                 MockUpstream::kCompletionTokens);
        // The gateway asked the upstream for usage on the client's behalf.
        QVERIFY(m_mock.lastRequest()
                    .json()
                    .value("stream_options")
                    .toObject()
                    .value("include_usage")
                    .toBool());
        const QSqlRecord row = logRow(response.header("x-request-id"));
        QCOMPARE(row.value("output_tokens").toInt(), MockUpstream::kCompletionTokens);
        QCOMPARE(row.value("stream").toInt(), 1);
    }

    void streamedToolCallBecomesToolUseBlock()
    {
        QJsonObject body = message(true);
        body.insert(
            "tools",
            QJsonArray{QJsonObject{
                {"name", "get_weather"},
                {"description", "Weather for a place"},
                {"input_schema",
                 QJsonObject{{"type", "object"},
                             {"properties",
                              QJsonObject{{"location", QJsonObject{{"type", "string"}}}}}}}}});
        const auto response = post("/v1/messages", body, apiKey());
        QCOMPARE(response.status, 200);
        QString json;
        QString toolName;
        QString stopReason;
        for (const SseEvent &event : parseEvents(response.body)) {
            if (event.name == "content_block_start" &&
                event.data.value("content_block").toObject().value("type").toString() ==
                    QLatin1String("tool_use"))
                toolName = event.data.value("content_block").toObject().value("name").toString();
            if (event.name == "content_block_delta" &&
                event.data.value("delta").toObject().value("type").toString() ==
                    QLatin1String("input_json_delta"))
                json += event.data.value("delta").toObject().value("partial_json").toString();
            if (event.name == "message_delta")
                stopReason = event.data.value("delta").toObject().value("stop_reason").toString();
        }
        QCOMPARE(toolName, QStringLiteral("get_weather"));
        QCOMPARE(json, MockUpstream::toolArguments());
        QCOMPARE(stopReason, QStringLiteral("tool_use"));
        const QJsonArray tools = m_mock.lastRequest().json().value("tools").toArray();
        QCOMPARE(tools.first().toObject().value("type").toString(), QStringLiteral("function"));
    }

    void errorsUseAnthropicsShape()
    {
        struct Case
        {
            QJsonObject body;
            RawHttpClient::Headers headers;
            int status;
            QString type;
        };
        QJsonObject missingMaxTokens = message(false);
        missingMaxTokens.remove("max_tokens");
        const QList<Case> cases = {
            {message(false), {{"x-api-key", "sk-wrong"}}, 401, "authentication_error"},
            {message(false, "no-such-model"), apiKey(), 404, "not_found_error"},
            {missingMaxTokens, apiKey(), 400, "invalid_request_error"},
            {message(false, "error-429"), apiKey(), 429, "rate_limit_error"},
        };
        for (const Case &c : cases) {
            const auto response = post("/v1/messages", c.body, c.headers);
            QCOMPARE(response.status, c.status);
            const QJsonObject json = response.json();
            QCOMPARE(json.value("type").toString(), QStringLiteral("error"));
            QCOMPARE(json.value("error").toObject().value("type").toString(), c.type);
            QVERIFY(!json.value("error").toObject().value("message").toString().isEmpty());
            QVERIFY(!response.header("x-request-id").isEmpty());
        }
    }

    void midStreamFailureEndsWithErrorEvent()
    {
        const auto response = post("/v1/messages", message(true, "drop-mid-stream"), apiKey());
        QCOMPARE(response.status, 200);
        const QList<SseEvent> events = parseEvents(response.body);
        QVERIFY(!events.isEmpty());
        QCOMPARE(events.first().name, QByteArray("message_start"));
        QCOMPARE(events.last().name, QByteArray("error"));
        QCOMPARE(events.last().data.value("error").toObject().value("type").toString(),
                 QStringLiteral("api_error"));
    }

    void countTokens()
    {
        const int before = m_mock.requestCount();
        const auto response = post("/v1/messages/count_tokens", message(false), apiKey());
        QCOMPARE(response.status, 200);
        QVERIFY(response.json().value("input_tokens").toInt() > 0);
        QCOMPARE(m_mock.requestCount(), before); // Answered by the gateway, not the upstream.
    }
};

QTEST_GUILESS_MAIN(TstAnthropic)
#include "tst_anthropic.moc"
