// Ollama channels (type 30): OpenAI and Anthropic clients converted to Ollama's native
// /api/chat (NDJSON streams) and /api/embed, accounted from Ollama's counters; Ollama's errors
// come back in each client's shape.

#include "adaptorfixture.h"
#include "chatstream.h"
#include "clientcalls.h"
#include "messagestream.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlRecord>
#include <QtTest>

namespace {

const QString kGroup = QStringLiteral("ollama-group");
const QString kKey = QStringLiteral("ollamakey0123456789ollamakey0123456789ollamakey01");
const QString kModel = QStringLiteral("llama3");
const QString kUpstreamModel = QStringLiteral("llama3.2:3b");
const QString kEmbedModel = QStringLiteral("nomic-embed-text");
const QString kKeylessModel = QStringLiteral("qwen3");
const QByteArray kChannelKey = "ollama-proxy-token";
constexpr int kChannelId = 30;
constexpr int kKeylessChannelId = 31;
const QStringList kScenarios = {QStringLiteral("error-404"), QStringLiteral("error-500"),
                                QStringLiteral("drop-mid-stream"),
                                QStringLiteral("error-event-mid-stream")};

QJsonObject chat(bool stream, const QString &model = kModel)
{
    return ClientCalls::chatHello(model, stream, {{"temperature", 0.5}, {"max_tokens", 64}});
}

} // namespace

class TstOllama : public QObject
{
    Q_OBJECT

private:
    AdaptorFixture m_fixture{kKey};
    MockUpstream &m_mock = m_fixture.mock();

    /// The last request sent to the mock: to Ollama's \a path, with the channel's Bearer key.
    MockUpstream::Request checkUpstreamRequest(const QByteArray &path)
    {
        const MockUpstream::Request sent = m_mock.lastRequest();
        [&] {
            QCOMPARE(sent.path, path);
            QCOMPARE(sent.header("authorization"), "Bearer " + kChannelKey);
            QCOMPARE(sent.header("content-type"), QByteArray("application/json"));
        }();
        return sent;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_fixture.start(&error), qPrintable(error));
        m_mock.setRequiredApiKey(kChannelKey);
        RelaySeed::ChannelRow channel;
        channel.id = kChannelId;
        channel.type = 30;
        channel.name = QStringLiteral("ollama");
        channel.key = QString::fromLatin1(kChannelKey);
        channel.baseUrl = m_fixture.mockBase() + QLatin1Char('/'); // A trailing slash is fine.
        channel.models = QStringList{kModel, kEmbedModel} + kScenarios;
        channel.modelMapping = {{kModel, kUpstreamModel}};
        RelaySeed::ChannelRow keyless;
        keyless.id = kKeylessChannelId;
        keyless.type = 30;
        keyless.name = QStringLiteral("ollama-keyless");
        keyless.key = QStringLiteral(""); // Ollama needs no key (the column is NOT NULL).
        keyless.baseUrl = m_fixture.mockBase();
        keyless.models = {kKeylessModel};
        QVERIFY2(m_fixture.seed(kGroup, {channel, keyless}, &error), qPrintable(error));
    }

    void cleanupTestCase() { m_fixture.stop(); }

    void openAIClientPlain()
    {
        const auto response = m_fixture.post("/v1/chat/completions", chat(false));
        QCOMPARE(response.status, 200);
        const QJsonObject json = response.json();
        QCOMPARE(json.value("object").toString(), QStringLiteral("chat.completion"));
        QCOMPARE(json.value("model").toString(), kModel);
        QVERIFY(json.value("id").toString().startsWith(QLatin1String("chatcmpl-")));
        const QJsonObject choice = json.value("choices").toArray().first().toObject();
        QCOMPARE(choice.value("message").toObject().value("content").toString(),
                 MockUpstream::replyText());
        QCOMPARE(choice.value("finish_reason").toString(), QStringLiteral("stop"));
        QCOMPARE(json.value("usage").toObject().value("prompt_tokens").toInt(),
                 MockUpstream::kOllamaPromptTokens);

        const QJsonObject sent = checkUpstreamRequest("/api/chat").json();
        QCOMPARE(sent.value("model").toString(), kUpstreamModel); // model_mapping applied
        QCOMPARE(sent.value("stream"), QJsonValue(false));        // Ollama streams by default.
        QCOMPARE(sent.value("options").toObject(),
                 (QJsonObject{{"temperature", 0.5}, {"num_predict", 64}}));
        QCOMPARE(sent.value("messages").toArray().first().toObject().value("role").toString(),
                 QStringLiteral("system"));
        const QString logged = m_fixture.loggedUsageMismatch(response, 1, kChannelId,
                                                             MockUpstream::kOllamaPromptTokens,
                                                             MockUpstream::kOllamaOutputTokens);
        QVERIFY2(logged.isEmpty(), qPrintable(logged));
    }

    void openAIClientStreamed()
    {
        const auto response = m_fixture.post("/v1/chat/completions", chat(true));
        QCOMPARE(response.status, 200);
        QVERIFY(response.header("content-type").startsWith("text/event-stream"));
        const ChatStream stream = ChatStream::fromSse(response.body);
        QVERIFY(stream.done);
        QCOMPARE(stream.text, MockUpstream::replyText());
        QCOMPARE(stream.finishReason, QStringLiteral("stop"));
        QCOMPARE(stream.usage.value("completion_tokens").toInt(),
                 MockUpstream::kOllamaOutputTokens);
        QVERIFY(stream.error.isEmpty());

        const MockUpstream::Request sent = checkUpstreamRequest("/api/chat");
        QCOMPARE(sent.json().value("stream"), QJsonValue(true));
        // What the gateway decoded was Ollama's NDJSON: one object a line, done last.
        const QByteArray upstreamBody = m_mock.responseBody(sent.id);
        const QList<QByteArray> lines = upstreamBody.trimmed().split('\n');
        QCOMPARE(lines.size(), MockUpstream::replyPieces().size() + 1);
        QVERIFY(lines.last().contains("\"done\":true"));
        const QString logged = m_fixture.loggedUsageMismatch(response, 1, kChannelId,
                                                             MockUpstream::kOllamaPromptTokens,
                                                             MockUpstream::kOllamaOutputTokens);
        QVERIFY2(logged.isEmpty(), qPrintable(logged));
    }

    void openAIClientStreamedThinking()
    {
        QJsonObject body = chat(true);
        body.insert("reasoning_effort", "high");
        const auto response = m_fixture.post("/v1/chat/completions", body);
        QCOMPARE(response.status, 200);
        const ChatStream stream = ChatStream::fromSse(response.body);
        QCOMPARE(stream.reasoning, QString::fromLatin1(MockUpstream::kOllamaThinking));
        QCOMPARE(stream.text, MockUpstream::replyText());
        QCOMPARE(checkUpstreamRequest("/api/chat").json().value("think").toString(),
                 QStringLiteral("high"));
    }

    void openAIClientToolCalls()
    {
        const auto plain =
            m_fixture.post("/v1/chat/completions", ClientCalls::withWeatherTool(chat(false)));
        QCOMPARE(plain.status, 200);
        const QJsonObject choice = plain.json().value("choices").toArray().first().toObject();
        QCOMPARE(choice.value("finish_reason").toString(), QStringLiteral("tool_calls"));
        const QJsonObject call =
            choice.value("message").toObject().value("tool_calls").toArray().first().toObject();
        QCOMPARE(call.value("id").toString(),
                 QStringLiteral("call_mock%1").arg(m_mock.lastRequest().id));
        QCOMPARE(call.value("function").toObject().value("name").toString(),
                 QStringLiteral("get_weather"));
        QCOMPARE(call.value("function").toObject().value("arguments").toString(),
                 MockUpstream::toolArguments());
        const QJsonObject sentTool =
            checkUpstreamRequest("/api/chat").json().value("tools").toArray().first().toObject();
        QCOMPARE(sentTool.value("function").toObject().value("name").toString(),
                 QStringLiteral("get_weather"));

        const auto streamed =
            m_fixture.post("/v1/chat/completions", ClientCalls::withWeatherTool(chat(true)));
        QCOMPARE(streamed.status, 200);
        const ChatStream stream = ChatStream::fromSse(streamed.body);
        QCOMPARE(stream.toolName, QStringLiteral("get_weather"));
        QCOMPARE(stream.toolArguments, MockUpstream::toolArguments());
        QCOMPARE(stream.finishReason, QStringLiteral("tool_calls"));
        QVERIFY(stream.done);
    }

    void embeddings()
    {
        const auto response =
            m_fixture.post("/v1/embeddings", {{"model", kEmbedModel},
                                              {"input", QJsonArray{"first text", "second text"}},
                                              {"encoding_format", "float"}});
        QCOMPARE(response.status, 200);
        const QJsonObject json = response.json();
        QCOMPARE(json.value("object").toString(), QStringLiteral("list"));
        const QJsonArray data = json.value("data").toArray();
        QCOMPARE(data.size(), 2);
        for (int i = 0; i < 2; ++i) {
            const QJsonArray vector = data.at(i).toObject().value("embedding").toArray();
            const QList<float> expected = MockUpstream::embedding(i);
            QCOMPARE(vector.size(), expected.size());
            for (qsizetype j = 0; j < vector.size(); ++j)
                QCOMPARE(float(vector.at(j).toDouble()), expected.at(j));
        }
        const QJsonObject sent = checkUpstreamRequest("/api/embed").json();
        QCOMPARE(sent.value("input").toArray(), (QJsonArray{"first text", "second text"}));
        const QString logged = m_fixture.loggedUsageMismatch(
            response, 3, kChannelId, 2 * MockUpstream::kOllamaEmbedTokensPerInput, 0);
        QVERIFY2(logged.isEmpty(), qPrintable(logged));
    }

    void anthropicClientStreamed()
    {
        const QJsonObject body{
            {"model", kModel},
            {"max_tokens", 128},
            {"stream", true},
            {"messages", QJsonArray{QJsonObject{{"role", "user"}, {"content", "Hello"}}}}};
        const auto response = m_fixture.post("/v1/messages", body, true);
        QCOMPARE(response.status, 200);
        QVERIFY(response.body.startsWith("event: message_start"));
        const MessageStream stream = MessageStream::fromSse(response.body);
        QVERIFY(stream.done);
        QCOMPARE(stream.text, MockUpstream::replyText());
        QCOMPARE(stream.finishReason, QStringLiteral("end_turn"));
        QCOMPARE(stream.usage.value("output_tokens").toInt(), MockUpstream::kOllamaOutputTokens);
        const QJsonObject sent = checkUpstreamRequest("/api/chat").json();
        QCOMPARE(sent.value("options").toObject().value("num_predict").toInt(), 128);
        const QString logged = m_fixture.loggedUsageMismatch(response, 12, kChannelId,
                                                             MockUpstream::kOllamaPromptTokens,
                                                             MockUpstream::kOllamaOutputTokens);
        QVERIFY2(logged.isEmpty(), qPrintable(logged));
    }

    void keylessChannelSendsNoAuthorization()
    {
        m_mock.setRequiredApiKey({});
        const auto response = m_fixture.post("/v1/chat/completions", chat(false, kKeylessModel));
        m_mock.setRequiredApiKey(kChannelKey);
        QCOMPARE(response.status, 200);
        const MockUpstream::Request sent = m_mock.lastRequest();
        QCOMPARE(sent.path, QByteArray("/api/chat"));
        QVERIFY(sent.header("authorization").isEmpty());
        QCOMPARE(m_fixture.logRow(response).value("channel_id").toInt(), kKeylessChannelId);
    }

    void geminiAndResponsesClients()
    {
        const auto gemini = ClientCalls::geminiHello(m_fixture.port(), kModel, kKey);
        QCOMPARE(gemini.status, 200);
        QCOMPARE(ClientCalls::geminiText(gemini.json()), MockUpstream::replyText());
        QCOMPARE(m_mock.lastRequest().path, QByteArray("/api/chat"));
        QCOMPARE(m_fixture.logRow(gemini).value("mode").toInt(), 21);

        const auto responses = ClientCalls::responsesHello(m_fixture.port(), kModel, kKey);
        QCOMPARE(responses.status, 200);
        QCOMPARE(responses.json().value("object").toString(), QStringLiteral("response"));
        QCOMPARE(ClientCalls::responsesText(responses.json()), MockUpstream::replyText());
        QCOMPARE(m_mock.lastRequest().path, QByteArray("/api/chat"));
        QCOMPARE(m_fixture.logRow(responses).value("mode").toInt(), 16);
    }

    void upstreamErrorsInEachClientsShape()
    {
        const auto openai = m_fixture.post("/v1/chat/completions", chat(false, "error-404"));
        QCOMPARE(openai.status, 404);
        const QString message = openai.json().value("error").toObject().value("message").toString();
        QVERIFY2(message.contains(QLatin1String("not found, try pulling it first")),
                 qPrintable(message));
        QVERIFY(openai.json().contains("aiproxy"));
        const QSqlRecord row = m_fixture.logRow(openai);
        QCOMPARE(row.value("code").toInt(), 404);
        QVERIFY(row.value("content").toString().contains(QLatin1String("try pulling it first")));

        const QJsonObject message500{
            {"model", "error-500"},
            {"max_tokens", 16},
            {"stream", true},
            {"messages", QJsonArray{QJsonObject{{"role", "user"}, {"content", "Hi"}}}}};
        const auto anthropic = m_fixture.post("/v1/messages", message500, true);
        QCOMPARE(anthropic.status, 500);
        QCOMPARE(anthropic.json().value("type").toString(), QStringLiteral("error"));
        QVERIFY(anthropic.json().value("error").toObject().value("message").toString().contains(
            QLatin1String("llama runner process has terminated")));

        const auto embed =
            m_fixture.post("/v1/embeddings", {{"model", "error-404"}, {"input", "x"}});
        QCOMPARE(embed.status, 404);
    }

    void streamErrorsEndTheStream()
    {
        // An error line inside the 200 stream: the client's stream ends with an error event.
        const auto errorLine =
            m_fixture.post("/v1/chat/completions", chat(true, "error-event-mid-stream"));
        QCOMPARE(errorLine.status, 200);
        ChatStream stream = ChatStream::fromSse(errorLine.body);
        QCOMPARE(stream.error.value("message").toString(),
                 QString::fromLatin1(MockUpstream::kOllamaStreamError));
        QVERIFY(!stream.done);
        QCOMPARE(m_fixture.logRow(errorLine).value("content").toString(),
                 QString::fromLatin1(MockUpstream::kOllamaStreamError));

        // The upstream connection drops mid-stream.
        const auto dropped = m_fixture.post("/v1/chat/completions", chat(true, "drop-mid-stream"));
        QCOMPARE(dropped.status, 200);
        stream = ChatStream::fromSse(dropped.body);
        QVERIFY(!stream.error.isEmpty());
        QVERIFY(!stream.done);
        QCOMPARE(m_fixture.logRow(dropped).value("code").toInt(), 502);
    }

    void wrongChannelKeyIsACredentialError()
    {
        m_mock.setRequiredApiKey("another-token");
        const auto response = m_fixture.post("/v1/chat/completions", chat(false));
        m_mock.setRequiredApiKey(kChannelKey);
        QCOMPARE(response.status, 502);
        const QString message =
            response.json().value("error").toObject().value("message").toString();
        QVERIFY2(message.contains(QLatin1String("rejected the channel's credentials (HTTP 401)")),
                 qPrintable(message));
    }

    void rerankIsNotOffered()
    {
        const auto response = m_fixture.post(
            "/v1/rerank", {{"model", kModel}, {"query", "q"}, {"documents", QJsonArray{"a"}}});
        QCOMPARE(response.status, 404); // No channel of the model supports the mode.
    }
};

QTEST_GUILESS_MAIN(TstOllama)
#include "tst_ollama.moc"
