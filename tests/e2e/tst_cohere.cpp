// Cohere channels (type 35): OpenAI and Anthropic clients converted to Cohere's v2 chat (SSE
// streams with Cohere's event names), embeddings to /v2/embed and rerank to /v2/rerank;
// accounted from Cohere's token counts; Cohere's errors come back in each client's shape.

#include "adaptorfixture.h"
#include "chatstream.h"
#include "clientcalls.h"
#include "messagestream.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlRecord>
#include <QtTest>

namespace {

const QString kGroup = QStringLiteral("cohere-group");
const QString kKey = QStringLiteral("coherekey0123456789coherekey0123456789coherekey01");
const QString kModel = QStringLiteral("command-a");
const QString kUpstreamModel = QStringLiteral("command-a-03-2025");
const QString kEmbedModel = QStringLiteral("embed-v4.0");
const QString kRerankModel = QStringLiteral("rerank-v3.5");
const QByteArray kChannelKey = "co-channel-key";
constexpr int kChannelId = 35;
const QStringList kScenarios = {QStringLiteral("error-429"), QStringLiteral("error-400"),
                                QStringLiteral("drop-mid-stream"),
                                QStringLiteral("error-event-mid-stream")};

QJsonObject chat(bool stream, const QString &model = kModel)
{
    return ClientCalls::chatHello(model, stream, {{"top_p", 0.8}, {"max_completion_tokens", 100}});
}

} // namespace

class TstCohere : public QObject
{
    Q_OBJECT

private:
    AdaptorFixture m_fixture{kKey};
    MockUpstream &m_mock = m_fixture.mock();

    /// The JSON body of the last request sent to the mock, after checking its path and key.
    QJsonObject upstreamBody(const QByteArray &path)
    {
        const MockUpstream::Request sent = m_mock.lastRequest();
        if (sent.path != path || sent.header("authorization") != "Bearer " + kChannelKey) {
            qWarning("upstream request: %s %s", sent.path.constData(),
                     sent.header("authorization").constData());
            return {};
        }
        return sent.json();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_fixture.start(&error), qPrintable(error));
        m_mock.setRequiredApiKey(kChannelKey);
        RelaySeed::ChannelRow channel;
        channel.id = kChannelId;
        channel.type = 35;
        channel.name = QStringLiteral("cohere");
        channel.key = QString::fromLatin1(kChannelKey);
        channel.baseUrl = m_fixture.mockBase();
        channel.models = QStringList{kModel, kEmbedModel, kRerankModel} + kScenarios;
        channel.modelMapping = {{kModel, kUpstreamModel}};
        QVERIFY2(m_fixture.seed(kGroup, {channel}, &error), qPrintable(error));
    }

    void cleanupTestCase() { m_fixture.stop(); }

    void openAIClientPlain()
    {
        const auto response = m_fixture.post("/v1/chat/completions", chat(false));
        QCOMPARE(response.status, 200);
        const QJsonObject json = response.json();
        QCOMPARE(json.value("object").toString(), QStringLiteral("chat.completion"));
        QCOMPARE(json.value("model").toString(), kModel);
        QVERIFY(json.value("id").toString().startsWith(QLatin1String("chatcmpl-5a6f6c1e-")));
        const QJsonObject choice = json.value("choices").toArray().first().toObject();
        QCOMPARE(choice.value("message").toObject().value("content").toString(),
                 MockUpstream::replyText());
        QCOMPARE(choice.value("finish_reason").toString(), QStringLiteral("stop"));
        // Cohere's token counts, not its billed units.
        QCOMPARE(json.value("usage").toObject().value("prompt_tokens").toInt(),
                 MockUpstream::kCohereInputTokens);

        const QJsonObject sent = upstreamBody("/v2/chat");
        QCOMPARE(sent.value("model").toString(), kUpstreamModel);
        QCOMPARE(sent.value("p").toDouble(), 0.8);
        QCOMPARE(sent.value("max_tokens").toInt(), 100);
        QVERIFY(!sent.contains("stream"));
        QCOMPARE(sent.value("messages").toArray().first().toObject(),
                 (QJsonObject{{"role", "system"}, {"content", "Be brief."}}));
        const QString logged =
            m_fixture.loggedUsageMismatch(response, 1, kChannelId, MockUpstream::kCohereInputTokens,
                                          MockUpstream::kCohereOutputTokens);
        QVERIFY2(logged.isEmpty(), qPrintable(logged));
    }

    void openAIClientStreamed()
    {
        const auto response = m_fixture.post("/v1/chat/completions", chat(true));
        QCOMPARE(response.status, 200);
        const ChatStream stream = ChatStream::fromSse(response.body);
        QVERIFY(stream.done);
        QCOMPARE(stream.text, MockUpstream::replyText());
        QCOMPARE(stream.finishReason, QStringLiteral("stop"));
        QCOMPARE(stream.usage.value("prompt_tokens").toInt(), MockUpstream::kCohereInputTokens);
        QCOMPARE(upstreamBody("/v2/chat").value("stream"), QJsonValue(true));
        // The mock spoke Cohere's SSE: named events with the type repeated in the data.
        const QByteArray upstream = m_mock.responseBody(m_mock.lastRequest().id);
        QVERIFY(upstream.startsWith("event: message-start\ndata: {\"id\":"));
        QVERIFY(upstream.contains("event: content-delta\ndata: {\"type\":\"content-delta\""));
        const QString logged =
            m_fixture.loggedUsageMismatch(response, 1, kChannelId, MockUpstream::kCohereInputTokens,
                                          MockUpstream::kCohereOutputTokens);
        QVERIFY2(logged.isEmpty(), qPrintable(logged));
    }

    void openAIClientStreamedThinking()
    {
        QJsonObject body = chat(true);
        body.insert("reasoning_effort", "low");
        const auto response = m_fixture.post("/v1/chat/completions", body);
        QCOMPARE(response.status, 200);
        const ChatStream stream = ChatStream::fromSse(response.body);
        QCOMPARE(stream.reasoning, QString::fromLatin1(MockUpstream::kCohereThinking));
        QCOMPARE(stream.text, MockUpstream::replyText());
        QCOMPARE(upstreamBody("/v2/chat").value("thinking").toObject(),
                 (QJsonObject{{"type", "enabled"}, {"token_budget", 2048}}));
    }

    void openAIClientToolCalls()
    {
        const auto plain =
            m_fixture.post("/v1/chat/completions", ClientCalls::withWeatherTool(chat(false)));
        QCOMPARE(plain.status, 200);
        const QJsonObject choice = plain.json().value("choices").toArray().first().toObject();
        QCOMPARE(choice.value("finish_reason").toString(), QStringLiteral("tool_calls"));
        const QJsonObject message = choice.value("message").toObject();
        QCOMPARE(message.value("reasoning_content").toString(),
                 QString::fromLatin1(MockUpstream::kCohereToolPlan));
        const QJsonObject call = message.value("tool_calls").toArray().first().toObject();
        QCOMPARE(call.value("id").toString(),
                 QStringLiteral("get_weather_mock%1").arg(m_mock.lastRequest().id));
        QCOMPARE(call.value("function").toObject().value("arguments").toString(),
                 MockUpstream::toolArguments());
        QCOMPARE(upstreamBody("/v2/chat").value("tools").toArray().first().toObject(),
                 (QJsonObject{
                     {"type", "function"},
                     {"function", QJsonObject{{"name", "get_weather"},
                                              {"parameters", QJsonObject{{"type", "object"}}}}}}));

        const auto streamed =
            m_fixture.post("/v1/chat/completions", ClientCalls::withWeatherTool(chat(true)));
        QCOMPARE(streamed.status, 200);
        const ChatStream stream = ChatStream::fromSse(streamed.body);
        QCOMPARE(stream.toolName, QStringLiteral("get_weather"));
        QCOMPARE(stream.toolArguments, MockUpstream::toolArguments());
        QCOMPARE(stream.reasoning, QString::fromLatin1(MockUpstream::kCohereToolPlan));
        QCOMPARE(stream.finishReason, QStringLiteral("tool_calls"));
        QVERIFY(stream.done);
        const QString logged =
            m_fixture.loggedUsageMismatch(streamed, 1, kChannelId, MockUpstream::kCohereInputTokens,
                                          MockUpstream::kCohereOutputTokens);
        QVERIFY2(logged.isEmpty(), qPrintable(logged));
    }

    void embeddings()
    {
        const auto response =
            m_fixture.post("/v1/embeddings", {{"model", kEmbedModel},
                                              {"input", QJsonArray{"one", "two", "three"}},
                                              {"dimensions", 4}});
        QCOMPARE(response.status, 200);
        const QJsonArray data = response.json().value("data").toArray();
        QCOMPARE(data.size(), 3);
        const QJsonArray vector = data.at(2).toObject().value("embedding").toArray();
        const QList<float> expected = MockUpstream::embedding(2, 4);
        QCOMPARE(vector.size(), 4);
        for (qsizetype j = 0; j < vector.size(); ++j)
            QCOMPARE(float(vector.at(j).toDouble()), expected.at(j));
        const QJsonObject sent = upstreamBody("/v2/embed");
        QCOMPARE(sent.value("texts").toArray(), (QJsonArray{"one", "two", "three"}));
        QCOMPARE(sent.value("input_type").toString(), QStringLiteral("search_document"));
        QCOMPARE(sent.value("embedding_types").toArray(), QJsonArray{"float"});
        QCOMPARE(sent.value("output_dimension").toInt(), 4);
        const QString logged = m_fixture.loggedUsageMismatch(
            response, 3, kChannelId, 3 * MockUpstream::kCohereEmbedTokensPerText, 0);
        QVERIFY2(logged.isEmpty(), qPrintable(logged));
    }

    void rerank()
    {
        const QJsonArray documents{"a dog in the park", QJsonObject{{"text", "the quick fox"}},
                                   "a fox and a dog"};
        const auto response = m_fixture.post("/v1/rerank", {{"model", kRerankModel},
                                                            {"query", "fox dog"},
                                                            {"documents", documents},
                                                            {"top_n", 2}});
        QCOMPARE(response.status, 200);
        const QJsonArray results = response.json().value("results").toArray();
        QCOMPARE(results.size(), 2);
        QCOMPARE(results.at(0).toObject().value("index").toInt(), 2); // Both words.
        QCOMPARE(results.at(0).toObject().value("relevance_score").toDouble(),
                 MockUpstream::rerankScore("fox dog", "a fox and a dog"));
        QCOMPARE(response.json()
                     .value("meta")
                     .toObject()
                     .value("billed_units")
                     .toObject()
                     .value("search_units")
                     .toInt(),
                 MockUpstream::kCohereSearchUnits);
        const QJsonObject sent = upstreamBody("/v2/rerank");
        QCOMPARE(sent.value("documents").toArray(),
                 (QJsonArray{"a dog in the park", "the quick fox", "a fox and a dog"}));
        QCOMPARE(sent.value("top_n").toInt(), 2);
        // Cohere reports search units, not tokens: the prompt is estimated (4 chars a token).
        const int characters =
            QStringLiteral("fox dog").size() + QStringLiteral("a dog in the park").size() +
            QStringLiteral("the quick fox").size() + QStringLiteral("a fox and a dog").size();
        const QString logged = m_fixture.loggedUsageMismatch(
            response, 10, kChannelId, (characters + 3) / 4, 0, QStringLiteral("estimated"));
        QVERIFY2(logged.isEmpty(), qPrintable(logged));
    }

    void anthropicClientStreamed()
    {
        const QJsonObject body{
            {"model", kModel},
            {"max_tokens", 128},
            {"stream", true},
            {"system", "Be brief."},
            {"messages", QJsonArray{QJsonObject{{"role", "user"}, {"content", "Hello"}}}}};
        const auto response = m_fixture.post("/v1/messages", body, true);
        QCOMPARE(response.status, 200);
        QVERIFY(response.body.startsWith("event: message_start"));
        const MessageStream stream = MessageStream::fromSse(response.body);
        QVERIFY(stream.done);
        QCOMPARE(stream.text, MockUpstream::replyText());
        QCOMPARE(stream.finishReason, QStringLiteral("end_turn"));
        QCOMPARE(stream.usage.value("output_tokens").toInt(), MockUpstream::kCohereOutputTokens);
        const QJsonObject sent = upstreamBody("/v2/chat");
        QCOMPARE(sent.value("max_tokens").toInt(), 128);
        QCOMPARE(sent.value("messages").toArray().first().toObject().value("role").toString(),
                 QStringLiteral("system"));
        const QString logged = m_fixture.loggedUsageMismatch(response, 12, kChannelId,
                                                             MockUpstream::kCohereInputTokens,
                                                             MockUpstream::kCohereOutputTokens);
        QVERIFY2(logged.isEmpty(), qPrintable(logged));
    }

    void geminiAndResponsesClients()
    {
        const auto gemini = ClientCalls::geminiHello(m_fixture.port(), kModel, kKey);
        QCOMPARE(gemini.status, 200);
        QCOMPARE(ClientCalls::geminiText(gemini.json()), MockUpstream::replyText());
        QCOMPARE(m_mock.lastRequest().path, QByteArray("/v2/chat"));
        QCOMPARE(m_fixture.logRow(gemini).value("mode").toInt(), 21);

        const auto responses = ClientCalls::responsesHello(m_fixture.port(), kModel, kKey);
        QCOMPARE(responses.status, 200);
        QCOMPARE(responses.json().value("object").toString(), QStringLiteral("response"));
        QCOMPARE(ClientCalls::responsesText(responses.json()), MockUpstream::replyText());
        QCOMPARE(m_mock.lastRequest().path, QByteArray("/v2/chat"));
        QCOMPARE(m_fixture.logRow(responses).value("mode").toInt(), 16);
    }

    void upstreamErrorsInEachClientsShape()
    {
        const auto openai = m_fixture.post("/v1/chat/completions", chat(false, "error-429"));
        QCOMPARE(openai.status, 429);
        const QString message = openai.json().value("error").toObject().value("message").toString();
        QVERIFY2(message.contains(QLatin1String("Trial key")), qPrintable(message));
        QCOMPARE(m_fixture.logRow(openai).value("code").toInt(), 429);

        const QJsonObject anthropicBody{
            {"model", "error-400"},
            {"max_tokens", 16},
            {"messages", QJsonArray{QJsonObject{{"role", "user"}, {"content", "Hi"}}}}};
        const auto anthropic = m_fixture.post("/v1/messages", anthropicBody, true);
        QCOMPARE(anthropic.status, 400);
        QCOMPARE(anthropic.json().value("type").toString(), QStringLiteral("error"));
        QVERIFY(anthropic.json().value("error").toObject().value("message").toString().startsWith(
            QLatin1String("invalid request")));

        const auto rerank = m_fixture.post(
            "/v1/rerank", {{"model", "error-429"}, {"query", "q"}, {"documents", QJsonArray{"a"}}});
        QCOMPARE(rerank.status, 429);
    }

    void wrongChannelKeyIsACredentialError()
    {
        m_mock.setRequiredApiKey("another-key");
        const auto response = m_fixture.post("/v1/chat/completions", chat(false));
        m_mock.setRequiredApiKey(kChannelKey);
        QCOMPARE(response.status, 502);
        const QString message =
            response.json().value("error").toObject().value("message").toString();
        QVERIFY2(message.contains(QLatin1String("(HTTP 401): invalid api token")),
                 qPrintable(message));
    }

    void streamErrorsEndTheStream()
    {
        const auto failed =
            m_fixture.post("/v1/chat/completions", chat(true, "error-event-mid-stream"));
        QCOMPARE(failed.status, 200);
        ChatStream stream = ChatStream::fromSse(failed.body);
        QCOMPARE(stream.error.value("message").toString(),
                 QString::fromLatin1(MockUpstream::kCohereStreamError));
        QVERIFY(!stream.done);
        QCOMPARE(m_fixture.logRow(failed).value("content").toString(),
                 QString::fromLatin1(MockUpstream::kCohereStreamError));

        const auto dropped = m_fixture.post("/v1/chat/completions", chat(true, "drop-mid-stream"));
        QCOMPARE(dropped.status, 200);
        stream = ChatStream::fromSse(dropped.body);
        QVERIFY(!stream.error.isEmpty());
        QVERIFY(!stream.done);
        QCOMPARE(m_fixture.logRow(dropped).value("code").toInt(), 502);
    }
};

QTEST_GUILESS_MAIN(TstCohere)
#include "tst_cohere.moc"
