// The mock upstream itself: OpenAI's wire format, the fault scenarios and the recording that the
// relay tests rely on. Talks to it over raw sockets so framing is checked byte by byte.
#include "mockupstream.h"
#include "rawhttpclient.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTcpSocket>
#include <QTest>
#include <QtEndian>

namespace {

const RawHttpClient::Headers kJson = {{"Content-Type", "application/json"},
                                      {"Authorization", "Bearer sk-channel-key"}};

QByteArray chatBody(const QByteArray &model, bool stream, bool includeUsage = false)
{
    QJsonObject body{{QStringLiteral("model"), QString::fromUtf8(model)},
                     {QStringLiteral("messages"),
                      QJsonArray{QJsonObject{{QStringLiteral("role"), QStringLiteral("user")},
                                             {QStringLiteral("content"), QStringLiteral("Hi")}}}}};
    if (stream)
        body.insert(QStringLiteral("stream"), true);
    if (includeUsage)
        body.insert(QStringLiteral("stream_options"),
                    QJsonObject{{QStringLiteral("include_usage"), true}});
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

QJsonObject eventJson(const QByteArray &event)
{
    return QJsonDocument::fromJson(event.mid(6).trimmed()).object();
}

} // namespace

class TestMockUpstream : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init()
    {
        m_mock = std::make_unique<MockUpstream>();
        QVERIFY(m_mock->start());
        QVERIFY(m_mock->port() > 0);
        QVERIFY(m_client.connectToPort(m_mock->port()));
    }
    void cleanup()
    {
        m_client.abort();
        m_client.clearBuffer();
        m_mock.reset();
    }

    void chatCompletionWireFormat()
    {
        const QByteArray body = chatBody("gpt-4o-mini", false);
        const auto response = m_client.request("POST", "/v1/chat/completions", body, kJson);
        QVERIFY(response.complete);
        QCOMPARE(response.status, 200);
        QCOMPARE(response.header("content-type"), QByteArray("application/json"));
        QCOMPARE(response.header("content-length").toInt(), response.body.size());
        QCOMPARE(response.header("x-request-id"), QByteArray("req_mock1"));
        QVERIFY(response.body.startsWith(
            "{\n  \"id\": \"chatcmpl-")); // OpenAI's indentation and key order.
        const QJsonObject json = response.json();
        QCOMPARE(json.value("object").toString(), QStringLiteral("chat.completion"));
        QCOMPARE(json.value("model").toString(), QStringLiteral("gpt-4o-mini"));
        const QJsonObject message =
            json.value("choices").toArray().first().toObject().value("message").toObject();
        QCOMPARE(message.value("role").toString(), QStringLiteral("assistant"));
        QCOMPARE(message.value("content").toString(), MockUpstream::replyText());
        const QJsonObject usage = json.value("usage").toObject();
        QCOMPARE(usage.value("prompt_tokens").toInt(), MockUpstream::kPromptTokens);
        QCOMPARE(usage.value("completion_tokens").toInt(), MockUpstream::kCompletionTokens);
        QCOMPARE(usage.value("total_tokens").toInt(),
                 MockUpstream::kPromptTokens + MockUpstream::kCompletionTokens);
        QCOMPARE(usage.value("prompt_tokens_details").toObject().value("cached_tokens").toInt(),
                 MockUpstream::kCachedTokens);
        QCOMPARE(m_mock->responseBody(1), response.body);
        QVERIFY(m_mock->isResponseComplete(1));
        QCOMPARE(m_mock->responseStatus(1), 200);
    }

    void recordsRequests()
    {
        const QByteArray body = chatBody("gpt-4o-mini", false);
        QCOMPARE(m_client.request("POST", "/v1/chat/completions", body, kJson).status, 200);
        QCOMPARE(m_mock->requestCount(), 1);
        const MockUpstream::Request request = m_mock->lastRequest();
        QCOMPARE(request.id, 1);
        QCOMPARE(request.method, QByteArray("POST"));
        QCOMPARE(request.path, QByteArray("/v1/chat/completions"));
        QCOMPARE(request.header("AUTHORIZATION"), QByteArray("Bearer sk-channel-key"));
        QCOMPARE(request.body, body);
        QCOMPARE(request.json().value("model").toString(), QStringLiteral("gpt-4o-mini"));
    }

    void keepAliveAndPipelining()
    {
        // Two requests in one write on one connection: answered in order.
        m_client.send(RawHttpClient::buildRequest("POST", "/v1/chat/completions",
                                                  chatBody("a", false), kJson) +
                      RawHttpClient::buildRequest("POST", "/v1/embeddings",
                                                  R"({"model":"b","input":"x"})", kJson));
        RawHttpClient::Response first;
        RawHttpClient::Response second;
        QVERIFY(m_client.readResponse(&first));
        QVERIFY(m_client.readResponse(&second));
        QCOMPARE(first.json().value("object").toString(), QStringLiteral("chat.completion"));
        QCOMPARE(second.json().value("object").toString(), QStringLiteral("list"));
        QVERIFY(m_client.isConnected());
        QCOMPARE(m_mock->requestCount(), 2);
    }

    void chunkedRequestBody()
    {
        const QByteArray body = chatBody("gpt-4o-mini", false);
        const QByteArray chunked = QByteArray::number(10, 16) + "\r\n" + body.left(10) + "\r\n" +
                                   QByteArray::number(body.size() - 10, 16) + "\r\n" +
                                   body.mid(10) + "\r\n0\r\n\r\n";
        const auto response = m_client.request("POST", "/v1/chat/completions", chunked,
                                               {{"Transfer-Encoding", "chunked"}});
        QCOMPARE(response.status, 200);
        QCOMPARE(m_mock->lastRequest().body, body);
    }

    void streamWithoutUsage()
    {
        const auto response =
            m_client.request("POST", "/v1/chat/completions", chatBody("gpt-4o-mini", true), kJson);
        QVERIFY(response.complete);
        QCOMPARE(response.status, 200);
        QCOMPARE(response.header("content-type"), QByteArray("text/event-stream; charset=utf-8"));
        QCOMPARE(response.header("transfer-encoding"), QByteArray("chunked"));
        const QList<QByteArray> events = response.events();
        // role, one per piece, finish, [DONE]: one chunk per event, nothing else.
        QCOMPARE(events.size(), MockUpstream::replyPieces().size() + 3);
        QCOMPARE(response.chunks, events);
        QCOMPARE(events.last(), QByteArray("data: [DONE]\n\n"));
        QString text;
        for (qsizetype i = 0; i + 1 < events.size(); ++i) {
            QVERIFY(events.at(i).startsWith("data: {"));
            const QJsonObject chunk = eventJson(events.at(i));
            QCOMPARE(chunk.value("object").toString(), QStringLiteral("chat.completion.chunk"));
            QVERIFY(!chunk.contains("usage"));
            text += chunk.value("choices")
                        .toArray()
                        .first()
                        .toObject()
                        .value("delta")
                        .toObject()
                        .value("content")
                        .toString();
        }
        QCOMPARE(text, MockUpstream::replyText());
        QCOMPARE(eventJson(events.at(events.size() - 2))
                     .value("choices")
                     .toArray()
                     .first()
                     .toObject()
                     .value("finish_reason")
                     .toString(),
                 QStringLiteral("stop"));
        QCOMPARE(m_mock->eventsWritten(1), events.size());
        QCOMPARE(m_mock->responseBody(1), response.body);
    }

    void streamWithUsage()
    {
        const auto response = m_client.request("POST", "/v1/chat/completions",
                                               chatBody("gpt-4o-mini", true, true), kJson);
        const QList<QByteArray> events = response.events();
        QCOMPARE(events.size(), MockUpstream::replyPieces().size() + 4);
        QCOMPARE(events.last(), QByteArray("data: [DONE]\n\n"));
        const QJsonObject usageChunk = eventJson(events.at(events.size() - 2));
        QVERIFY(usageChunk.value("choices").toArray().isEmpty());
        QCOMPARE(usageChunk.value("usage").toObject().value("total_tokens").toInt(),
                 MockUpstream::kPromptTokens + MockUpstream::kCompletionTokens);
        QCOMPARE(usageChunk.value("usage")
                     .toObject()
                     .value("prompt_tokens_details")
                     .toObject()
                     .value("cached_tokens")
                     .toInt(),
                 MockUpstream::kCachedTokens);
        // Every other chunk carries "usage":null, as OpenAI sends it.
        QVERIFY(events.first().contains("\"usage\":null"));
        QVERIFY(eventJson(events.first()).value("usage").isNull());
    }

    void streamedToolCalls()
    {
        QJsonObject body = QJsonDocument::fromJson(chatBody("gpt-4o", true)).object();
        body.insert("tools", QJsonArray{QJsonObject{
                                 {"type", "function"},
                                 {"function",
                                  QJsonObject{{"name", "get_weather"},
                                              {"parameters", QJsonObject{{"type", "object"}}}}}}});
        const auto response =
            m_client.request("POST", "/v1/chat/completions",
                             QJsonDocument(body).toJson(QJsonDocument::Compact), kJson);
        const QList<QByteArray> events = response.events();
        QString arguments;
        int argumentEvents = 0;
        QString name;
        QString id;
        QString finishReason;
        for (const QByteArray &event : events) {
            if (event == "data: [DONE]\n\n")
                continue;
            const QJsonObject choice =
                eventJson(event).value("choices").toArray().first().toObject();
            if (!choice.value("finish_reason").isNull())
                finishReason = choice.value("finish_reason").toString();
            for (const QJsonValue &call :
                 choice.value("delta").toObject().value("tool_calls").toArray()) {
                QCOMPARE(call.toObject().value("index").toInt(), 0);
                const QJsonObject function = call.toObject().value("function").toObject();
                if (call.toObject().contains("id")) {
                    id = call.toObject().value("id").toString();
                    name = function.value("name").toString();
                }
                const QString piece = function.value("arguments").toString();
                if (!piece.isEmpty()) {
                    arguments += piece;
                    ++argumentEvents;
                }
            }
        }
        QCOMPARE(name, QStringLiteral("get_weather"));
        QVERIFY(id.startsWith("call_"));
        QCOMPARE(arguments, MockUpstream::toolArguments());
        QVERIFY(argumentEvents > 1);
        QCOMPARE(finishReason, QStringLiteral("tool_calls"));
        QCOMPARE(QJsonDocument::fromJson(arguments.toUtf8()).object().value("location").toString(),
                 QStringLiteral("Paris"));
    }

    void nonStreamToolCall()
    {
        QJsonObject body = QJsonDocument::fromJson(chatBody("gpt-4o", false)).object();
        body.insert("tools",
                    QJsonArray{QJsonObject{{"type", "function"},
                                           {"function", QJsonObject{{"name", "lookup"}}}}});
        const auto response =
            m_client.request("POST", "/v1/chat/completions",
                             QJsonDocument(body).toJson(QJsonDocument::Compact), kJson);
        const QJsonObject choice = response.json().value("choices").toArray().first().toObject();
        QCOMPARE(choice.value("finish_reason").toString(), QStringLiteral("tool_calls"));
        const QJsonObject call =
            choice.value("message").toObject().value("tool_calls").toArray().first().toObject();
        QCOMPARE(call.value("function").toObject().value("name").toString(),
                 QStringLiteral("lookup"));
        QCOMPARE(call.value("function").toObject().value("arguments").toString(),
                 MockUpstream::toolArguments());
    }

    void completions()
    {
        auto response =
            m_client.request("POST", "/v1/completions",
                             R"({"model":"gpt-3.5-turbo-instruct","prompt":"Say"})", kJson);
        QCOMPARE(response.status, 200);
        QCOMPARE(response.json().value("object").toString(), QStringLiteral("text_completion"));
        QCOMPARE(
            response.json().value("choices").toArray().first().toObject().value("text").toString(),
            MockUpstream::replyText());
        response = m_client.request(
            "POST", "/v1/completions",
            R"({"model":"gpt-3.5-turbo-instruct","prompt":"Say","stream":true,"stream_options":{"include_usage":true}})",
            kJson);
        const QList<QByteArray> events = response.events();
        QCOMPARE(events.size(), MockUpstream::replyPieces().size() + 2);
        QString text;
        for (qsizetype i = 0; i < MockUpstream::replyPieces().size(); ++i)
            text += eventJson(events.at(i))
                        .value("choices")
                        .toArray()
                        .first()
                        .toObject()
                        .value("text")
                        .toString();
        QCOMPARE(text, MockUpstream::replyText());
        QCOMPARE(eventJson(events.at(events.size() - 2))
                     .value("usage")
                     .toObject()
                     .value("prompt_tokens")
                     .toInt(),
                 MockUpstream::kPromptTokens);
    }

    void embeddingsFloat()
    {
        const auto response =
            m_client.request("POST", "/v1/embeddings",
                             R"({"model":"text-embedding-3-small","input":["a","b","c"]})", kJson);
        QCOMPARE(response.status, 200);
        const QJsonArray data = response.json().value("data").toArray();
        QCOMPARE(data.size(), 3);
        for (int i = 0; i < 3; ++i) {
            const QJsonObject item = data.at(i).toObject();
            QCOMPARE(item.value("index").toInt(), i);
            QCOMPARE(item.value("object").toString(), QStringLiteral("embedding"));
            const QJsonArray values = item.value("embedding").toArray();
            const QList<float> expected = MockUpstream::embedding(i);
            QCOMPARE(values.size(), expected.size());
            for (qsizetype j = 0; j < expected.size(); ++j)
                QCOMPARE(float(values.at(j).toDouble()), expected.at(j));
        }
        QCOMPARE(response.json().value("usage").toObject().value("prompt_tokens").toInt(),
                 3 * MockUpstream::kEmbeddingTokensPerInput);
    }

    void embeddingsBase64()
    {
        const auto response = m_client.request(
            "POST", "/v1/embeddings",
            R"({"model":"text-embedding-3-small","input":"hello","encoding_format":"base64","dimensions":5})",
            kJson);
        const QJsonObject item = response.json().value("data").toArray().first().toObject();
        QVERIFY(item.value("embedding").isString());
        const QByteArray raw =
            QByteArray::fromBase64(item.value("embedding").toString().toLatin1());
        QCOMPARE(raw.size(), 5 * 4);
        const QList<float> expected = MockUpstream::embedding(0, 5);
        for (int j = 0; j < 5; ++j)
            QCOMPARE(qFromLittleEndian<float>(raw.constData() + j * 4), expected.at(j));
    }

    void errorScenarios_data()
    {
        QTest::addColumn<QByteArray>("model");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("code");
        QTest::newRow("429") << QByteArray("error-429") << 429
                             << QStringLiteral("rate_limit_exceeded");
        QTest::newRow("401") << QByteArray("error-401") << 401 << QStringLiteral("invalid_api_key");
        QTest::newRow("500") << QByteArray("error-500") << 500 << QString();
    }
    void errorScenarios()
    {
        QFETCH(QByteArray, model);
        QFETCH(int, status);
        QFETCH(QString, code);
        for (bool stream : {false, true}) {
            const auto response =
                m_client.request("POST", "/v1/chat/completions", chatBody(model, stream), kJson);
            QCOMPARE(response.status, status);
            QVERIFY(response.header("content-type").startsWith("application/json"));
            const QJsonObject error = response.json().value("error").toObject();
            QVERIFY(!error.value("message").toString().isEmpty());
            QVERIFY(error.contains("param"));
            QCOMPARE(error.value("code").toString(), code);
        }
    }

    void scenarioByHeaderAndPlainText()
    {
        RawHttpClient::Headers headers = kJson;
        headers.append(qMakePair(QByteArray("X-Mock-Scenario"), QByteArray("error-text-503")));
        const auto response = m_client.request("POST", "/v1/chat/completions",
                                               chatBody("gpt-4o-mini", false), headers);
        QCOMPARE(response.status, 503);
        QVERIFY(response.header("content-type").startsWith("text/plain"));
        QVERIFY(response.json().isEmpty());
        QVERIFY(response.body.contains("plain text failure"));
    }

    void unknownPathAndApiKey()
    {
        auto response = m_client.request("POST", "/v1/nothing", "{}", kJson);
        QCOMPARE(response.status, 404);
        QCOMPARE(response.json().value("error").toObject().value("message").toString(),
                 QStringLiteral("Invalid URL (POST /v1/nothing)"));
        m_mock->setRequiredApiKey("sk-right");
        response =
            m_client.request("POST", "/v1/chat/completions", chatBody("gpt-4o-mini", false), kJson);
        QCOMPARE(response.status, 401);
        QCOMPARE(response.json().value("error").toObject().value("code").toString(),
                 QStringLiteral("invalid_api_key"));
        response = m_client.request("POST", "/v1/chat/completions", chatBody("gpt-4o-mini", false),
                                    {{"Authorization", "Bearer sk-right"}});
        QCOMPARE(response.status, 200);
    }

    void slowFirstByte()
    {
        m_mock->setFirstByteDelayMs(300);
        QElapsedTimer timer;
        timer.start();
        const auto response = m_client.request("POST", "/v1/chat/completions",
                                               chatBody("slow-first-byte", false), kJson);
        QCOMPARE(response.status, 200);
        QVERIFY2(timer.elapsed() >= 300, "the answer came before the first-byte delay");
    }

    void dropMidStream()
    {
        m_client.send(RawHttpClient::buildRequest("POST", "/v1/chat/completions",
                                                  chatBody("drop-mid-stream", true), kJson));
        QVERIFY(m_client.waitForDisconnected());
        const RawHttpClient::Response response = m_client.peekResponse();
        QCOMPARE(response.status, 200);
        QVERIFY(!response.complete);
        QCOMPARE(response.chunks.size(), MockUpstream::kDropAfterEvents);
        QCOMPARE(m_mock->eventsWritten(1), MockUpstream::kDropAfterEvents);
        QVERIFY(!m_mock->isResponseComplete(1));
        QVERIFY(!m_mock->isPeerClosed(1));
        QTRY_COMPARE(m_mock->activeRequests(), 0);
    }

    void dropMidBody()
    {
        m_client.send(RawHttpClient::buildRequest("POST", "/v1/chat/completions",
                                                  chatBody("drop-mid-stream", false), kJson));
        QVERIFY(m_client.waitForDisconnected());
        const RawHttpClient::Response response = m_client.peekResponse();
        QCOMPARE(response.status, 200);
        QVERIFY(!response.complete);
        QVERIFY(response.body.size() > 0);
    }

    void hangUntilPeerCloses()
    {
        m_client.send(RawHttpClient::buildRequest("POST", "/v1/chat/completions",
                                                  chatBody("hang", true), kJson));
        QTRY_COMPARE(m_mock->requestCount(), 1);
        QCOMPARE(m_mock->activeRequests(), 1);
        QVERIFY(!m_client.waitFor([] { return false; }, 200)); // Nothing arrives.
        QVERIFY(m_client.buffer().isEmpty());
        QCOMPARE(m_mock->responseStatus(1), 0);
        m_client.abort();
        QTRY_VERIFY(m_mock->isPeerClosed(1));
        QCOMPARE(m_mock->activeRequests(), 0);
    }

    void eventLimitHoldsStreams()
    {
        m_mock->setStreamEventLimit(1);
        m_client.send(RawHttpClient::buildRequest("POST", "/v1/chat/completions",
                                                  chatBody("gpt-4o-mini", true), kJson));
        QVERIFY(m_client.waitFor([this] { return m_client.peekResponse().chunks.size() == 1; }));
        QCOMPARE(m_mock->eventsWritten(1), 1);
        RawHttpClient second;
        QVERIFY(second.connectToPort(m_mock->port()));
        second.send(RawHttpClient::buildRequest("POST", "/v1/chat/completions",
                                                chatBody("gpt-4o-mini", true), kJson));
        QVERIFY(second.waitFor([&second] { return second.peekResponse().chunks.size() == 1; }));
        QCOMPARE(m_mock->activeRequests(), 2);
        QCOMPARE(m_mock->maxActiveRequests(), 2);
        QCOMPARE(m_mock->eventsWritten(1), 1);
        m_mock->setStreamEventLimit(-1);
        RawHttpClient::Response response;
        QVERIFY(m_client.readResponse(&response));
        QVERIFY(second.readResponse(&response));
        QCOMPARE(response.events().last(), QByteArray("data: [DONE]\n\n"));
        QTRY_COMPARE(m_mock->activeRequests(), 0);
        QVERIFY(m_mock->isResponseComplete(1));
        QVERIFY(m_mock->isResponseComplete(2));
    }

    void eventDelay()
    {
        m_mock->setEventDelayMs(40);
        QElapsedTimer timer;
        timer.start();
        const auto response =
            m_client.request("POST", "/v1/chat/completions", chatBody("gpt-4o-mini", true), kJson);
        const qsizetype events = response.events().size();
        QCOMPARE(events, MockUpstream::replyPieces().size() + 3);
        QVERIFY2(timer.elapsed() >= 40 * (events - 1),
                 "events were not spaced by the configured delay");
    }

    void statsEndpoint();

    void connectionClose()
    {
        const auto response =
            m_client.request("POST", "/v1/chat/completions", chatBody("gpt-4o-mini", false),
                             {{"Connection", "close"}});
        QCOMPARE(response.header("connection"), QByteArray("close"));
        QVERIFY(m_client.waitForDisconnected());
    }

private:
    std::unique_ptr<MockUpstream> m_mock;
    RawHttpClient m_client;
};

// GET /mock/stats: requests counted by Authorization, its own requests left out, the log on demand.
void TestMockUpstream::statsEndpoint()
{
    const qint64 before = QDateTime::currentMSecsSinceEpoch();
    QCOMPARE(m_client.request("POST", "/v1/chat/completions", chatBody("gpt-4o-mini", false), kJson)
                 .status,
             200);
    QCOMPARE(m_client.request("POST", "/v1/chat/completions", chatBody("error-500", false), kJson)
                 .status,
             500);
    QCOMPARE(m_client
                 .request("POST", "/v1/chat/completions", chatBody("gpt-4o-mini", false),
                          {{"Authorization", "Bearer sk-other"}})
                 .status,
             200);
    QCOMPARE(m_client.request("GET", "/v1/models", QByteArray(), {}).status, 200);
    auto response = m_client.request("GET", "/mock/stats", QByteArray(), {});
    QCOMPARE(response.status, 200);
    QCOMPARE(response.header("content-type"), QByteArray("application/json"));
    QJsonObject stats = response.json();
    QCOMPARE(stats.value("requests").toInt(), 4);
    const QJsonObject expected{{"Bearer sk-channel-key", 2}, {"Bearer sk-other", 1}};
    QCOMPARE(stats.value("by_authorization").toObject(), expected);
    QVERIFY(!stats.contains("log"));

    response = m_client.request("GET", "/mock/stats?requests=1", QByteArray(), {});
    stats = response.json();
    QCOMPARE(stats.value("requests").toInt(), 4); // The first stats request is not counted.
    const QJsonArray log = stats.value("log").toArray();
    QCOMPARE(log.size(), 4);
    const int statuses[] = {200, 500, 200, 200};
    const char *keys[] = {"Bearer sk-channel-key", "Bearer sk-channel-key", "Bearer sk-other", ""};
    qint64 previous = before;
    for (int i = 0; i < 4; ++i) {
        const QJsonObject entry = log.at(i).toObject();
        QCOMPARE(entry.value("id").toInt(), i + 1);
        QCOMPARE(entry.value("status").toInt(), statuses[i]);
        QCOMPARE(entry.value("authorization").toString(), QString::fromLatin1(keys[i]));
        const qint64 receivedAt = entry.value("received_at_ms").toInteger();
        QVERIFY(receivedAt >= previous);
        QVERIFY(receivedAt <= QDateTime::currentMSecsSinceEpoch());
        previous = receivedAt;
    }
    m_mock->clearRecords();
    QCOMPARE(m_client.request("GET", "/mock/stats", QByteArray(), {}).json(),
             QJsonObject({{"requests", 0}, {"by_authorization", QJsonObject()}}));
}

QTEST_GUILESS_MAIN(TestMockUpstream)
#include "tst_mockupstream.moc"
