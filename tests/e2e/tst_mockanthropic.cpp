// The mock upstream's Anthropic Messages API: the wire format (JSON fields, the exact streamed
// event sequence with its `event:` lines), the header checks and the fault scenarios, over raw
// sockets so the framing is checked byte by byte.
#include "mockupstream.h"
#include "rawhttpclient.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

namespace {

const RawHttpClient::Headers kAnthropic = {{"Content-Type", "application/json"},
                                           {"x-api-key", "sk-ant-channel-key"},
                                           {"anthropic-version", "2023-06-01"}};

QJsonObject messagesBody(const QString &model, bool stream)
{
    QJsonObject body{{"model", model},
                     {"max_tokens", 1024},
                     {"messages", QJsonArray{QJsonObject{{"role", "user"}, {"content", "Hi"}}}}};
    if (stream)
        body.insert("stream", true);
    return body;
}

QByteArray compact(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QJsonObject withThinkingAndTools(QJsonObject body)
{
    body.insert("thinking", QJsonObject{{"type", "enabled"}, {"budget_tokens", 2048}});
    body.insert("tools",
                QJsonArray{QJsonObject{{"name", "get_weather"},
                                       {"description", "Weather of a place"},
                                       {"input_schema", QJsonObject{{"type", "object"}}}},
                           QJsonObject{{"name", "get_time"},
                                       {"input_schema", QJsonObject{{"type", "object"}}}}});
    return body;
}

/// The usage object of every answer, with \a outputTokens.
QJsonObject usage(int outputTokens)
{
    return {{"input_tokens", MockUpstream::kAnthropicInputTokens},
            {"cache_creation_input_tokens", MockUpstream::kAnthropicCacheCreationTokens},
            {"cache_read_input_tokens", MockUpstream::kAnthropicCacheReadTokens},
            {"output_tokens", outputTokens}};
}

/// One parsed SSE event: its `event:` name and its data JSON.
struct Event
{
    QByteArray name;
    QJsonObject data;
};

/// Splits the stream into events, checking each is exactly `event: X\ndata: {json}\n\n` with
/// the data's type equal to X.
QList<Event> parseEvents(const QList<QByteArray> &raw, bool *wellFormed)
{
    QList<Event> events;
    *wellFormed = true;
    for (const QByteArray &block : raw) {
        const QList<QByteArray> lines = block.chopped(2).split('\n');
        Event event;
        if (lines.size() != 2 || !lines.at(0).startsWith("event: ") ||
            !lines.at(1).startsWith("data: {") || !block.endsWith("}\n\n")) {
            *wellFormed = false;
            return events;
        }
        event.name = lines.at(0).mid(7);
        QJsonParseError error{};
        event.data = QJsonDocument::fromJson(lines.at(1).mid(6), &error).object();
        if (error.error != QJsonParseError::NoError ||
            event.data.value("type").toString().toUtf8() != event.name) {
            *wellFormed = false;
            return events;
        }
        events << event;
    }
    return events;
}

QList<QByteArray> names(const QList<Event> &events)
{
    QList<QByteArray> result;
    for (const Event &event : events)
        result << event.name;
    return result;
}

/// The deltas of type \a deltaType joined (field \a field), and how many there were.
QString joinDeltas(const QList<Event> &events, const QString &deltaType, const QString &field,
                   int *count = nullptr)
{
    QString joined;
    int n = 0;
    for (const Event &event : events) {
        const QJsonObject delta = event.data.value("delta").toObject();
        if (event.name == "content_block_delta" && delta.value("type").toString() == deltaType) {
            joined += delta.value(field).toString();
            ++n;
        }
    }
    if (count)
        *count = n;
    return joined;
}

} // namespace

class TestMockAnthropic : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void messageWireFormat();
    void messageWithThinkingAndToolUse();
    void toolChoice();
    void recordsRequests();
    void streamEventSequence();
    void streamThinkingAndToolUse();
    void headerChecks();
    void errorScenarios_data();
    void errorScenarios();
    void errorEventMidStream();
    void dropMidStream();
    void eventLimitHoldsStreams();
    void countTokens();

private:
    RawHttpClient::Response post(const QJsonObject &body,
                                 const RawHttpClient::Headers &headers = kAnthropic)
    {
        return m_client.request("POST", "/v1/messages", compact(body), headers);
    }

    std::unique_ptr<MockUpstream> m_mock;
    RawHttpClient m_client;
};

void TestMockAnthropic::init()
{
    m_mock = std::make_unique<MockUpstream>();
    QVERIFY(m_mock->start());
    QVERIFY(m_client.connectToPort(m_mock->port()));
}

void TestMockAnthropic::cleanup()
{
    m_client.abort();
    m_client.clearBuffer();
    m_mock.reset();
}

void TestMockAnthropic::messageWireFormat()
{
    const auto response = post(messagesBody("claude-sonnet-4-5", false));
    QVERIFY(response.complete);
    QCOMPARE(response.status, 200);
    QCOMPARE(response.header("content-type"), QByteArray("application/json"));
    QCOMPARE(response.header("content-length").toInt(), response.body.size());
    QCOMPARE(response.header("request-id"), QByteArray("req_mock1"));
    QVERIFY(response.header("x-request-id").isEmpty());      // Not OpenAI's headers.
    QVERIFY(response.body.startsWith("{\"id\":\"msg_mock")); // Compact, Anthropic's key order.
    QVERIFY(response.body.contains(",\"type\":\"message\",\"role\":\"assistant\",\"model\":"
                                   "\"claude-sonnet-4-5\",\"content\":["));
    QVERIFY(
        response.body.contains("\"stop_reason\":\"end_turn\",\"stop_sequence\":null,\"usage\":{"));
    const QJsonObject json = response.json();
    QCOMPARE(json.value("type").toString(), QStringLiteral("message"));
    QCOMPARE(json.value("role").toString(), QStringLiteral("assistant"));
    QCOMPARE(json.value("model").toString(), QStringLiteral("claude-sonnet-4-5"));
    const QJsonArray content = json.value("content").toArray();
    QCOMPARE(content.size(), 1);
    QCOMPARE(content.first().toObject(),
             (QJsonObject{{"type", "text"}, {"text", MockUpstream::replyText()}}));
    QVERIFY(json.value("stop_sequence").isNull());
    QCOMPARE(json.value("usage").toObject(), usage(MockUpstream::kAnthropicOutputTokens));
    QCOMPARE(m_mock->responseBody(1), response.body);
    QCOMPARE(m_mock->responseStatus(1), 200);
    QVERIFY(m_mock->isResponseComplete(1));
}

void TestMockAnthropic::messageWithThinkingAndToolUse()
{
    const auto response = post(withThinkingAndTools(messagesBody("claude-opus-4-1", false)));
    QCOMPARE(response.status, 200);
    const QJsonObject json = response.json();
    const QJsonArray content = json.value("content").toArray();
    QCOMPARE(content.size(), 3);
    QCOMPARE(content.at(0).toObject(),
             (QJsonObject{{"type", "thinking"},
                          {"thinking", QString::fromLatin1(MockUpstream::kAnthropicThinking)},
                          {"signature", QString::fromLatin1(MockUpstream::kAnthropicSignature)}}));
    QCOMPARE(content.at(1).toObject().value("text").toString(), MockUpstream::replyText());
    const QJsonObject toolUse = content.at(2).toObject();
    QCOMPARE(toolUse.value("type").toString(), QStringLiteral("tool_use"));
    QVERIFY(toolUse.value("id").toString().startsWith("toolu_mock"));
    QCOMPARE(toolUse.value("name").toString(), QStringLiteral("get_weather"));
    QCOMPARE(toolUse.value("input").toObject(),
             QJsonDocument::fromJson(MockUpstream::toolArguments().toUtf8()).object());
    QCOMPARE(json.value("stop_reason").toString(), QStringLiteral("tool_use"));
    // Thinking block keys in Anthropic's order.
    QVERIFY(response.body.contains("\"content\":[{\"type\":\"thinking\",\"thinking\":\""));
}

void TestMockAnthropic::toolChoice()
{
    QJsonObject body = withThinkingAndTools(messagesBody("claude", false));
    body.remove("thinking");
    body.insert("tool_choice", QJsonObject{{"type", "none"}});
    auto response = post(body);
    QCOMPARE(response.json().value("content").toArray().size(), 1);
    QCOMPARE(response.json().value("stop_reason").toString(), QStringLiteral("end_turn"));
    body.insert("tool_choice", QJsonObject{{"type", "tool"}, {"name", "get_time"}});
    response = post(body);
    const QJsonArray content = response.json().value("content").toArray();
    QCOMPARE(content.size(), 2);
    QCOMPARE(content.at(1).toObject().value("name").toString(), QStringLiteral("get_time"));
}

void TestMockAnthropic::recordsRequests()
{
    const QByteArray body = compact(messagesBody("claude-haiku", false));
    QCOMPARE(m_client.request("POST", "/v1/messages", body, kAnthropic).status, 200);
    const MockUpstream::Request request = m_mock->lastRequest();
    QCOMPARE(request.path, QByteArray("/v1/messages"));
    QCOMPARE(request.header("X-Api-Key"), QByteArray("sk-ant-channel-key"));
    QCOMPARE(request.header("anthropic-version"), QByteArray("2023-06-01"));
    QCOMPARE(request.body, body);
}

void TestMockAnthropic::streamEventSequence()
{
    const auto response = post(messagesBody("claude-sonnet-4-5", true));
    QVERIFY(response.complete);
    QCOMPARE(response.status, 200);
    QCOMPARE(response.header("content-type"), QByteArray("text/event-stream; charset=utf-8"));
    QCOMPARE(response.header("transfer-encoding"), QByteArray("chunked"));
    QCOMPARE(response.header("cache-control"), QByteArray("no-cache"));
    QCOMPARE(response.header("request-id"), QByteArray("req_mock1"));
    const QList<QByteArray> raw = response.events();
    QCOMPARE(response.chunks, raw); // One chunk per event.
    bool wellFormed = false;
    const QList<Event> events = parseEvents(raw, &wellFormed);
    QVERIFY2(wellFormed, response.body.constData());

    QList<QByteArray> expected = {"message_start", "content_block_start", "ping"};
    for (qsizetype i = 0; i < MockUpstream::replyPieces().size(); ++i)
        expected << "content_block_delta";
    expected << "content_block_stop"
             << "message_delta"
             << "message_stop";
    QCOMPARE(names(events), expected);

    const QJsonObject message = events.at(0).data.value("message").toObject();
    QVERIFY(message.value("id").toString().startsWith("msg_mock"));
    QCOMPARE(message.value("model").toString(), QStringLiteral("claude-sonnet-4-5"));
    QCOMPARE(message.value("content").toArray(), QJsonArray());
    QVERIFY(message.value("stop_reason").isNull());
    QCOMPARE(message.value("usage").toObject(), usage(MockUpstream::kAnthropicStartOutputTokens));
    QCOMPARE(events.at(1).data.value("index").toInt(), 0);
    QCOMPARE(events.at(1).data.value("content_block").toObject(),
             (QJsonObject{{"type", "text"}, {"text", ""}}));
    int count = 0;
    QCOMPARE(joinDeltas(events, "text_delta", "text", &count), MockUpstream::replyText());
    QCOMPARE(count, MockUpstream::replyPieces().size());
    const QJsonObject messageDelta = events.at(events.size() - 2).data;
    QCOMPARE(messageDelta.value("delta").toObject().value("stop_reason").toString(),
             QStringLiteral("end_turn"));
    QVERIFY(messageDelta.value("delta").toObject().contains("stop_sequence"));
    QVERIFY(messageDelta.value("delta").toObject().value("stop_sequence").isNull());
    QCOMPARE(messageDelta.value("usage").toObject(),
             (QJsonObject{{"output_tokens", MockUpstream::kAnthropicOutputTokens}}));
    // Byte for byte where it matters: the event line, compact JSON.
    QCOMPARE(raw.at(2), QByteArray("event: ping\ndata: {\"type\":\"ping\"}\n\n"));
    QCOMPARE(raw.last(), QByteArray("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"));
    QCOMPARE(raw.at(raw.size() - 2),
             QByteArray("event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{"
                        "\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{"
                        "\"output_tokens\":10}}\n\n"));
    QCOMPARE(m_mock->eventsWritten(1), raw.size());
    QCOMPARE(m_mock->responseBody(1), response.body);
}

void TestMockAnthropic::streamThinkingAndToolUse()
{
    const auto response = post(withThinkingAndTools(messagesBody("claude-opus-4-1", true)));
    bool wellFormed = false;
    const QList<Event> events = parseEvents(response.events(), &wellFormed);
    QVERIFY(wellFormed);

    const int thinkingPieces = int(MockUpstream::anthropicThinkingPieces().size());
    QCOMPARE(thinkingPieces, 2);
    QList<QByteArray> expected = {"message_start", "content_block_start", "ping"};
    for (int i = 0; i < thinkingPieces + 1; ++i) // thinking_delta…, signature_delta
        expected << "content_block_delta";
    expected << "content_block_stop"
             << "content_block_start";
    for (qsizetype i = 0; i < MockUpstream::replyPieces().size(); ++i)
        expected << "content_block_delta";
    expected << "content_block_stop"
             << "content_block_start";
    for (qsizetype i = 0; i < MockUpstream::toolArgumentPieces().size() + 1; ++i)
        expected << "content_block_delta";
    expected << "content_block_stop"
             << "message_delta"
             << "message_stop";
    QCOMPARE(names(events), expected);

    // Block 0: thinking, its deltas then the signature, all at index 0.
    QCOMPARE(events.at(1).data.value("content_block").toObject(),
             (QJsonObject{{"type", "thinking"}, {"thinking", ""}}));
    for (int i = 3; i < 3 + thinkingPieces + 2; ++i)
        QCOMPARE(events.at(i).data.value("index").toInt(), 0);
    QCOMPARE(joinDeltas(events, "thinking_delta", "thinking"),
             QString::fromLatin1(MockUpstream::kAnthropicThinking));
    const QJsonObject signature = events.at(3 + thinkingPieces).data.value("delta").toObject();
    QCOMPARE(signature.value("type").toString(), QStringLiteral("signature_delta"));
    QCOMPARE(signature.value("signature").toString(),
             QString::fromLatin1(MockUpstream::kAnthropicSignature));

    // Block 1: text; block 2: tool_use with streamed input_json_delta pieces.
    QCOMPARE(joinDeltas(events, "text_delta", "text"), MockUpstream::replyText());
    const qsizetype toolStart =
        3 + thinkingPieces + 1 + 1 + 1 + MockUpstream::replyPieces().size() + 1;
    QCOMPARE(events.at(toolStart).name, QByteArray("content_block_start"));
    QCOMPARE(events.at(toolStart).data.value("index").toInt(), 2);
    const QJsonObject toolBlock = events.at(toolStart).data.value("content_block").toObject();
    QCOMPARE(toolBlock.value("type").toString(), QStringLiteral("tool_use"));
    QVERIFY(toolBlock.value("id").toString().startsWith("toolu_mock"));
    QCOMPARE(toolBlock.value("name").toString(), QStringLiteral("get_weather"));
    QCOMPARE(toolBlock.value("input").toObject(), QJsonObject());
    int jsonDeltas = 0;
    QCOMPARE(joinDeltas(events, "input_json_delta", "partial_json", &jsonDeltas),
             MockUpstream::toolArguments());
    QCOMPARE(jsonDeltas, MockUpstream::toolArgumentPieces().size() + 1);
    QCOMPARE(events.at(toolStart + 1).data.value("delta").toObject().value("partial_json"),
             QJsonValue(QString())); // Anthropic opens with an empty piece.
    QCOMPARE(events.at(toolStart + 2).data.value("index").toInt(), 2);
    QCOMPARE(
        events.at(events.size() - 2).data.value("delta").toObject().value("stop_reason").toString(),
        QStringLiteral("tool_use"));
}

void TestMockAnthropic::headerChecks()
{
    RawHttpClient::Headers noVersion = {{"x-api-key", "sk-ant-channel-key"}};
    auto response = post(messagesBody("claude", false), noVersion);
    QCOMPARE(response.status, 400);
    QCOMPARE(response.json().value("type").toString(), QStringLiteral("error"));
    QCOMPARE(response.json().value("error").toObject().value("type").toString(),
             QStringLiteral("invalid_request_error"));
    QVERIFY(response.json().value("error").toObject().value("message").toString().contains(
        "anthropic-version"));

    RawHttpClient::Headers bearerOnly = {{"Authorization", "Bearer sk-ant-channel-key"},
                                         {"anthropic-version", "2023-06-01"}};
    response = post(messagesBody("claude", false), bearerOnly);
    QCOMPARE(response.status, 401);
    QCOMPARE(response.json().value("error").toObject().value("type").toString(),
             QStringLiteral("authentication_error"));

    m_mock->setRequiredApiKey("sk-ant-right");
    response = post(messagesBody("claude", false));
    QCOMPARE(response.status, 401);
    QCOMPARE(response.json().value("error").toObject().value("type").toString(),
             QStringLiteral("authentication_error"));
    QCOMPARE(response.json().value("request_id").toString(), response.header("request-id"));
    response = post(messagesBody("claude", false),
                    {{"x-api-key", "sk-ant-right"}, {"anthropic-version", "2023-06-01"}});
    QCOMPARE(response.status, 200);
}

void TestMockAnthropic::errorScenarios_data()
{
    QTest::addColumn<QString>("scenario");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("type");
    QTest::newRow("429") << QStringLiteral("error-429") << 429
                         << QStringLiteral("rate_limit_error");
    QTest::newRow("529") << QStringLiteral("error-529") << 529
                         << QStringLiteral("overloaded_error");
    QTest::newRow("500") << QStringLiteral("error-500") << 500 << QStringLiteral("api_error");
    QTest::newRow("401") << QStringLiteral("error-401") << 401
                         << QStringLiteral("authentication_error");
    QTest::newRow("400") << QStringLiteral("error-400") << 400
                         << QStringLiteral("invalid_request_error");
    QTest::newRow("404") << QStringLiteral("error-404") << 404 << QStringLiteral("not_found_error");
}

void TestMockAnthropic::errorScenarios()
{
    QFETCH(QString, scenario);
    QFETCH(int, status);
    QFETCH(QString, type);
    for (bool stream : {false, true}) {
        const auto response = post(messagesBody(scenario, stream));
        QCOMPARE(response.status, status);
        QCOMPARE(response.header("content-type"), QByteArray("application/json"));
        QVERIFY(response.body.startsWith("{\"type\":\"error\",\"error\":{\"type\":\""));
        const QJsonObject error = response.json().value("error").toObject();
        QCOMPARE(error.value("type").toString(), type);
        QVERIFY(!error.value("message").toString().isEmpty());
        QCOMPARE(response.header("retry-after"),
                 status == 429 ? QByteArray::number(MockUpstream::kAnthropicRetryAfterSeconds)
                               : QByteArray());
    }
    // The scenario header works too.
    RawHttpClient::Headers headers = kAnthropic;
    headers.append(qMakePair(QByteArray("X-Mock-Scenario"), scenario.toUtf8()));
    QCOMPARE(post(messagesBody("claude", false), headers).status, status);
}

void TestMockAnthropic::errorEventMidStream()
{
    const auto response = post(messagesBody("error-event-mid-stream", true));
    QVERIFY(response.complete); // The chunked body ends…
    QCOMPARE(response.status, 200);
    QCOMPARE(response.header("connection"), QByteArray("close"));
    QVERIFY(m_client.waitForDisconnected()); // …and the connection closes.
    bool wellFormed = false;
    const QList<Event> events = parseEvents(response.events(), &wellFormed);
    QVERIFY(wellFormed);
    QCOMPARE(names(events), (QList<QByteArray>{"message_start", "content_block_start", "ping",
                                               "content_block_delta", "error"}));
    QCOMPARE(events.size(), MockUpstream::kAnthropicErrorEventStreamEvents);
    QCOMPARE(events.at(3).data.value("delta").toObject().value("text").toString(),
             MockUpstream::replyPieces().first());
    QCOMPARE(events.last().data.value("error").toObject(),
             (QJsonObject{{"type", "overloaded_error"}, {"message", "Overloaded"}}));
    QVERIFY(m_mock->isResponseComplete(1));
}

void TestMockAnthropic::dropMidStream()
{
    m_client.send(RawHttpClient::buildRequest(
        "POST", "/v1/messages", compact(messagesBody("drop-mid-stream", true)), kAnthropic));
    QVERIFY(m_client.waitForDisconnected());
    const RawHttpClient::Response response = m_client.peekResponse();
    QCOMPARE(response.status, 200);
    QVERIFY(!response.complete);
    QCOMPARE(response.chunks.size(), MockUpstream::kAnthropicDropAfterEvents);
    QVERIFY(response.chunks.first().startsWith("event: message_start\n"));
    QVERIFY(response.chunks.last().startsWith("event: content_block_delta\n"));
    QCOMPARE(m_mock->eventsWritten(1), MockUpstream::kAnthropicDropAfterEvents);
    QVERIFY(!m_mock->isResponseComplete(1));
    QTRY_COMPARE(m_mock->activeRequests(), 0);
}

void TestMockAnthropic::eventLimitHoldsStreams()
{
    m_mock->setStreamEventLimit(1);
    m_client.send(RawHttpClient::buildRequest("POST", "/v1/messages",
                                              compact(messagesBody("claude", true)), kAnthropic));
    QVERIFY(m_client.waitFor([this] { return m_client.peekResponse().chunks.size() == 1; }));
    QVERIFY(m_client.peekResponse().chunks.first().startsWith("event: message_start\n"));
    QCOMPARE(m_mock->eventsWritten(1), 1);
    m_mock->setStreamEventLimit(-1);
    RawHttpClient::Response response;
    QVERIFY(m_client.readResponse(&response));
    QVERIFY(response.events().last().startsWith("event: message_stop\n"));
}

void TestMockAnthropic::countTokens()
{
    const auto response = m_client.request("POST", "/v1/messages/count_tokens",
                                           compact(messagesBody("claude", false)), kAnthropic);
    QCOMPARE(response.status, 200);
    QCOMPARE(response.body, QByteArray("{\"input_tokens\":13}"));
    QCOMPARE(m_mock->lastRequest().path, QByteArray("/v1/messages/count_tokens"));
}

QTEST_GUILESS_MAIN(TestMockAnthropic)
#include "tst_mockanthropic.moc"
