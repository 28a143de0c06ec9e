// Gemini channels (type 24): OpenAI, Anthropic, Responses and embeddings clients are converted
// to and from the native Gemini API; Gemini clients get the upstream's bytes unchanged. All are
// accounted from Gemini's usageMetadata (cached and thought tokens kept apart), and the channel
// key is sent only to the upstream.

#include "adaptorfixture.h"
#include "clientcalls.h"
#include "gateway/gatewaycore.h"
#include "storage/database.h"
#include "storage/logwriter.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QtEndian>
#include <QtTest>

namespace {

const QString kGroup = QStringLiteral("gemini-up-group");
const QString kKey = QStringLiteral("geminiupkey0123456789geminiupkey0123456789gemini");
const QString kModel = QStringLiteral("gemini-flash");
const QString kUpstreamModel = QStringLiteral("gemini-2.5-flash");
const QString kEmbeddingModel = QStringLiteral("gemini-embedding-001");
const QByteArray kChannelKey = "AIzaSyMockChannelKey-0123456789abcdef";
const QString kThought = QString::fromLatin1(MockUpstream::kGeminiThought);

enum class Client
{
    OpenAI,
    Anthropic,
    Gemini
};

RawHttpClient::Headers headers(Client client)
{
    switch (client) {
    case Client::Anthropic:
        return {{"x-api-key", "sk-" + kKey.toLatin1()}, {"anthropic-version", "2023-06-01"}};
    case Client::Gemini:
        return {{"x-goog-api-key", "sk-" + kKey.toLatin1()}};
    case Client::OpenAI:
        break;
    }
    return {{"Authorization", "Bearer sk-" + kKey.toLatin1()}};
}

QJsonObject chat(bool stream, const QString &model = kModel)
{
    QJsonObject body{
        {"model", model},
        {"stream", stream},
        {"reasoning_effort", "low"},
        {"messages", QJsonArray{QJsonObject{{"role", "system"}, {"content", "Be brief."}},
                                QJsonObject{{"role", "user"}, {"content", "Hello"}}}}};
    if (stream)
        body.insert("stream_options", QJsonObject{{"include_usage", true}});
    return body;
}

QJsonObject weatherTool()
{
    return {
        {"type", "function"},
        {"function",
         QJsonObject{{"name", "get_weather"},
                     {"parameters",
                      QJsonObject{{"type", "object"},
                                  {"properties",
                                   QJsonObject{{"location", QJsonObject{{"type", "string"}}}}}}}}}};
}

QJsonObject geminiRequest(bool thoughts)
{
    QJsonObject body{{"contents", QJsonArray{QJsonObject{
                                      {"role", "user"},
                                      {"parts", QJsonArray{QJsonObject{{"text", "Hello"}}}}}}}};
    if (thoughts)
        body.insert("generationConfig",
                    QJsonObject{{"thinkingConfig", QJsonObject{{"includeThoughts", true}}}});
    return body;
}

/// Text and reasoning of an OpenAI chunk stream, its last usage, finish reason and [DONE].
struct OpenAIStream
{
    QString text;
    QString reasoning;
    QJsonObject usage;
    QString finish;
    QJsonArray toolCalls;
    bool done = false;
};

OpenAIStream readOpenAIStream(const RawHttpClient::Response &response)
{
    OpenAIStream out;
    for (const QByteArray &event : response.events()) {
        const QByteArray data = event.trimmed().mid(6);
        if (data == "[DONE]") {
            out.done = true;
            continue;
        }
        const QJsonObject chunk = QJsonDocument::fromJson(data).object();
        const QJsonArray choices = chunk.value("choices").toArray();
        if (!choices.isEmpty()) {
            const QJsonObject choice = choices.first().toObject();
            const QJsonObject delta = choice.value("delta").toObject();
            out.text += delta.value("content").toString();
            out.reasoning += delta.value("reasoning_content").toString();
            for (const QJsonValue &call : delta.value("tool_calls").toArray())
                out.toolCalls.append(call);
            if (choice.value("finish_reason").isString())
                out.finish = choice.value("finish_reason").toString();
        }
        if (chunk.value("usage").isObject())
            out.usage = chunk.value("usage").toObject();
    }
    return out;
}

} // namespace

class TstGeminiUpstream : public QObject
{
    Q_OBJECT

private:
    AdaptorFixture m_fixture{kKey};
    MockUpstream &m_mock = m_fixture.mock();

    RawHttpClient::Response post(const QByteArray &path, const QJsonObject &body, Client client)
    {
        return RawHttpClient::postJson(m_fixture.port(), path, body, headers(client));
    }

    void checkUpstreamRequest(const QByteArray &action)
    {
        const MockUpstream::Request sent = m_mock.lastRequest();
        QCOMPARE(sent.path, "/v1beta/models/" + kUpstreamModel.toLatin1() + ':' + action);
        QCOMPARE(sent.header("x-goog-api-key"), kChannelKey);
        QVERIFY(sent.header("authorization").isEmpty());
        QVERIFY(!sent.json().contains("model")); // Gemini names it in the URL.
    }

    /// The log row of \a response: code 200, \a mode, Gemini's usage (thoughts requested or not,
    /// they are counted).
    void checkLogged(const RawHttpClient::Response &response, int mode)
    {
        const QSqlRecord row = m_fixture.logRow(response.header("x-request-id"));
        QVERIFY(!row.isEmpty());
        QCOMPARE(row.value("code").toInt(), 200);
        QCOMPARE(row.value("mode").toInt(), mode);
        QCOMPARE(row.value("channel_id").toInt(), 24);
        QCOMPARE(row.value("usage_source").toString(), QStringLiteral("upstream"));
        QCOMPARE(row.value("input_tokens").toInt(), MockUpstream::kGeminiPromptTokens);
        QCOMPARE(row.value("cached_tokens").toInt(), MockUpstream::kGeminiCachedTokens);
        QCOMPARE(row.value("output_tokens").toInt(),
                 MockUpstream::kGeminiCandidatesTokens + MockUpstream::kGeminiThoughtsTokens);
        QCOMPARE(row.value("reasoning_tokens").toInt(), MockUpstream::kGeminiThoughtsTokens);
        QVERIFY(row.value("upstream_id").toString().contains(QLatin1String("mockResp")));
    }

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase() { m_fixture.stop(); }

    void mockSpeaksGeminisWireFormat();
    void openAIClientNonStreaming();
    void openAIClientStreaming();
    void openAIClientToolCallsRoundTrip();
    void openAIClientStreamedToolCall();
    void embeddings();
    void embeddingsAsBase64();
    void anthropicClient();
    void anthropicClientStreaming();
    void responsesClient();
    void geminiClientGetsUpstreamBytesUnchanged();
    void geminiClientStreamGetsUpstreamBytesUnchanged();
    void upstreamErrorsInEachClientsShape();
    void streamCutByTheUpstream();
    void channelKeyNeverLogged();
};

void TstGeminiUpstream::initTestCase()
{
    m_mock.setRequiredApiKey(kChannelKey);
    QString error;
    QVERIFY2(m_fixture.start(&error), qPrintable(error));
    QSqlDatabase db = m_fixture.core()->mainDatabase()->connection();
    RelaySeed::ChannelRow channel;
    channel.id = 24;
    channel.type = 24;
    channel.name = QStringLiteral("gemini");
    channel.key = QString::fromLatin1(kChannelKey);
    channel.baseUrl = QStringLiteral("http://127.0.0.1:%1").arg(m_mock.port()); // + /v1beta
    const QStringList models = {kModel, kEmbeddingModel, QStringLiteral("error-429"),
                                QStringLiteral("drop-mid-stream")};
    channel.models = models;
    channel.modelMapping = {{kModel, kUpstreamModel}};
    bool ok = RelaySeed::insertGroup(db, kGroup, &error) &&
              RelaySeed::insertToken(db, {1, kKey, QStringLiteral("t"), kGroup, {}, 1}, &error) &&
              RelaySeed::insertChannel(db, channel, &error);
    for (const QString &model : models)
        ok = ok && RelaySeed::insertModelConfig(db, model, QStringLiteral("google"), &error);
    QVERIFY2(ok, qPrintable(error));
    m_fixture.core()->reloadSnapshot();
}

void TstGeminiUpstream::mockSpeaksGeminisWireFormat()
{
    // What the adaptor is tested against: Google's framing and errors, byte for byte.
    const QByteArray path = "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse";
    const auto stream = RawHttpClient::postJson(m_mock.port(), path, geminiRequest(false),
                                                {{"x-goog-api-key", kChannelKey}});
    QCOMPARE(stream.status, 200);
    QCOMPARE(stream.header("content-type"), QByteArray("text/event-stream"));
    QVERIFY(stream.body.startsWith(
        "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"Hello\"}],\"role\": "
        "\"model\"}}],\"usageMetadata\": {\"promptTokenCount\": 21,\"totalTokenCount\": 21,"));
    QCOMPARE(stream.body.count("\r\n\r\n"), MockUpstream::replyPieces().size());
    QVERIFY(stream.body.endsWith(
        "\"thoughtsTokenCount\": 7},\"modelVersion\": "
        "\"gemini-2.5-flash\",\"responseId\": \"mockResp" +
        QByteArray::number(m_mock.lastRequest().id).rightJustified(15, '0') + "\"}\r\n\r\n"));

    const QByteArray generate = "/v1beta/models/gemini-2.5-flash:generateContent";
    const auto missingKey = RawHttpClient::postJson(m_mock.port(), generate, geminiRequest(false));
    QCOMPARE(missingKey.status, 403);
    QCOMPARE(missingKey.json().value("error").toObject().value("status").toString(),
             QStringLiteral("PERMISSION_DENIED"));
    const auto wrongKey = RawHttpClient::postJson(m_mock.port(), generate, geminiRequest(false),
                                                  {{"x-goog-api-key", "AIza-wrong"}});
    QCOMPARE(wrongKey.status, 400);
    QCOMPARE(wrongKey.json().value("error").toObject().value("message").toString(),
             QStringLiteral("API key not valid. Please pass a valid API key."));
    const auto keyInQuery = RawHttpClient::postJson(m_mock.port(), generate + "?key=" + kChannelKey,
                                                    geminiRequest(false));
    QCOMPARE(keyInQuery.status, 200);
    QVERIFY(keyInQuery.body.startsWith("{\n  \"candidates\": [\n"));

    const auto embedWrongModel = RawHttpClient::postJson(
        m_mock.port(), "/v1beta/models/e:batchEmbedContents",
        {{"requests", QJsonArray{QJsonObject{{"model", "e"}}}}}, {{"x-goog-api-key", kChannelKey}});
    QCOMPARE(embedWrongModel.status, 400);
}

void TstGeminiUpstream::openAIClientNonStreaming()
{
    const auto response = post("/v1/chat/completions", chat(false), Client::OpenAI);
    QCOMPARE(response.status, 200);
    const QJsonObject json = response.json();
    QCOMPARE(json.value("object").toString(), QStringLiteral("chat.completion"));
    QCOMPARE(json.value("model").toString(), kModel);
    const QJsonObject choice = json.value("choices").toArray().first().toObject();
    const QJsonObject message = choice.value("message").toObject();
    QCOMPARE(message.value("content").toString(), MockUpstream::replyText());
    QCOMPARE(message.value("reasoning_content").toString(), kThought);
    QCOMPARE(choice.value("finish_reason").toString(), QStringLiteral("stop"));
    const QJsonObject usage = json.value("usage").toObject();
    QCOMPARE(usage.value("prompt_tokens").toInt(), MockUpstream::kGeminiPromptTokens);
    QCOMPARE(usage.value("completion_tokens").toInt(),
             MockUpstream::kGeminiCandidatesTokens + MockUpstream::kGeminiThoughtsTokens);
    QCOMPARE(usage.value("prompt_tokens_details").toObject().value("cached_tokens").toInt(),
             MockUpstream::kGeminiCachedTokens);
    QCOMPARE(usage.value("completion_tokens_details").toObject().value("reasoning_tokens").toInt(),
             MockUpstream::kGeminiThoughtsTokens);

    checkUpstreamRequest("generateContent");
    const QJsonObject sent = m_mock.lastRequest().json();
    QCOMPARE(sent.value("systemInstruction").toObject(),
             QJsonObject({{"parts", QJsonArray{QJsonObject{{"text", "Be brief."}}}}}));
    QCOMPARE(sent.value("generationConfig").toObject().value("thinkingConfig").toObject(),
             QJsonObject({{"thinkingBudget", 2048}, {"includeThoughts", true}}));
    checkLogged(response, 1);
}

void TstGeminiUpstream::openAIClientStreaming()
{
    const auto response = post("/v1/chat/completions", chat(true), Client::OpenAI);
    QCOMPARE(response.status, 200);
    QVERIFY(response.header("content-type").startsWith("text/event-stream"));
    const OpenAIStream stream = readOpenAIStream(response);
    QVERIFY(stream.done);
    QCOMPARE(stream.text, MockUpstream::replyText());
    QCOMPARE(stream.reasoning, kThought);
    QCOMPARE(stream.finish, QStringLiteral("stop"));
    QCOMPARE(stream.usage.value("completion_tokens").toInt(),
             MockUpstream::kGeminiCandidatesTokens + MockUpstream::kGeminiThoughtsTokens);
    QCOMPARE(stream.usage.value("prompt_tokens_details").toObject().value("cached_tokens").toInt(),
             MockUpstream::kGeminiCachedTokens);
    checkUpstreamRequest("streamGenerateContent?alt=sse");
    checkLogged(response, 1);
}

void TstGeminiUpstream::openAIClientToolCallsRoundTrip()
{
    QJsonObject body = chat(false);
    body.insert("tools", QJsonArray{weatherTool()});
    const auto first = post("/v1/chat/completions", body, Client::OpenAI);
    QCOMPARE(first.status, 200);
    const QJsonObject choice = first.json().value("choices").toArray().first().toObject();
    QCOMPARE(choice.value("finish_reason").toString(), QStringLiteral("tool_calls"));
    const QJsonObject message = choice.value("message").toObject();
    const QJsonObject call = message.value("tool_calls").toArray().first().toObject();
    QCOMPARE(call.value("function").toObject().value("name").toString(),
             QStringLiteral("get_weather"));
    QCOMPARE(call.value("function").toObject().value("arguments").toString(),
             MockUpstream::toolArguments());
    QCOMPARE(call.value("extra_content")
                 .toObject()
                 .value("google")
                 .toObject()
                 .value("thought_signature"),
             QJsonValue(QString::fromLatin1(MockUpstream::kGeminiThoughtSignature)));
    const QJsonArray declarations = m_mock.lastRequest()
                                        .json()
                                        .value("tools")
                                        .toArray()
                                        .first()
                                        .toObject()
                                        .value("functionDeclarations")
                                        .toArray();
    QCOMPARE(declarations.first().toObject().value("name").toString(),
             QStringLiteral("get_weather"));

    // The answer goes back with the call (signature included) and the tool's result.
    QJsonArray messages = body.value("messages").toArray();
    messages.append(message);
    messages.append(QJsonObject{
        {"role", "tool"}, {"tool_call_id", call.value("id")}, {"content", "{\"temperature\":21}"}});
    body.insert("messages", messages);
    body.insert("tool_choice", "none");
    const auto second = post("/v1/chat/completions", body, Client::OpenAI);
    QCOMPARE(second.status, 200);
    QCOMPARE(ClientCalls::chatText(second.json()), MockUpstream::replyText());
    const QJsonArray contents = m_mock.lastRequest().json().value("contents").toArray();
    QCOMPARE(contents.size(), 3);
    const QJsonObject callPart =
        contents.at(1).toObject().value("parts").toArray().first().toObject();
    QCOMPARE(callPart.value("thoughtSignature").toString(),
             QString::fromLatin1(MockUpstream::kGeminiThoughtSignature));
    QCOMPARE(callPart.value("functionCall").toObject().value("args").toObject(),
             QJsonDocument::fromJson(MockUpstream::toolArguments().toUtf8()).object());
    QCOMPARE(contents.at(2).toObject().value("parts").toArray().first().toObject().value(
                 "functionResponse"),
             QJsonValue(QJsonObject{{"name", "get_weather"},
                                    {"response", QJsonObject{{"temperature", 21}}}}));
}

void TstGeminiUpstream::openAIClientStreamedToolCall()
{
    QJsonObject body = chat(true);
    body.insert("tools", QJsonArray{weatherTool()});
    const auto response = post("/v1/chat/completions", body, Client::OpenAI);
    QCOMPARE(response.status, 200);
    const OpenAIStream stream = readOpenAIStream(response);
    QCOMPARE(stream.toolCalls.size(), 1); // Gemini sends whole calls: one complete delta.
    const QJsonObject call = stream.toolCalls.first().toObject();
    QCOMPARE(call.value("index").toInt(), 0);
    QVERIFY(!call.value("id").toString().isEmpty());
    QCOMPARE(call.value("function").toObject().value("name").toString(),
             QStringLiteral("get_weather"));
    QCOMPARE(call.value("function").toObject().value("arguments").toString(),
             MockUpstream::toolArguments());
    QCOMPARE(stream.finish, QStringLiteral("tool_calls"));
    QVERIFY(stream.done);
}

void TstGeminiUpstream::embeddings()
{
    const auto response = post("/v1/embeddings",
                               {{"model", kEmbeddingModel},
                                {"input", QJsonArray{"first input", "second"}},
                                {"dimensions", 4}},
                               Client::OpenAI);
    QCOMPARE(response.status, 200);
    const QJsonObject json = response.json();
    QCOMPARE(json.value("object").toString(), QStringLiteral("list"));
    QCOMPARE(json.value("model").toString(), kEmbeddingModel);
    const QJsonArray data = json.value("data").toArray();
    QCOMPARE(data.size(), 2);
    for (int i = 0; i < 2; ++i) {
        QCOMPARE(data.at(i).toObject().value("index").toInt(), i);
        QJsonArray expected;
        for (const float value : MockUpstream::embedding(i, 4))
            expected.append(double(value));
        QCOMPARE(data.at(i).toObject().value("embedding").toArray(), expected);
    }
    // Gemini reports no usage: the client and the log get the gateway's estimate.
    const int estimate = json.value("usage").toObject().value("prompt_tokens").toInt();
    QVERIFY(estimate > 0);

    const MockUpstream::Request sent = m_mock.lastRequest();
    QCOMPARE(sent.path, "/v1beta/models/" + kEmbeddingModel.toLatin1() + ":batchEmbedContents");
    QCOMPARE(sent.header("x-goog-api-key"), kChannelKey);
    const QJsonArray requests = sent.json().value("requests").toArray();
    QCOMPARE(requests.size(), 2);
    QCOMPARE(requests.at(1).toObject().value("outputDimensionality").toInt(), 4);

    const QSqlRecord row = m_fixture.logRow(response.header("x-request-id"));
    QCOMPARE(row.value("mode").toInt(), 3);
    QCOMPARE(row.value("code").toInt(), 200);
    QCOMPARE(row.value("usage_source").toString(), QStringLiteral("estimated"));
    QCOMPARE(row.value("input_tokens").toInt(), estimate);
}

void TstGeminiUpstream::embeddingsAsBase64()
{
    const auto response =
        post("/v1/embeddings",
             {{"model", kEmbeddingModel}, {"input", "x"}, {"encoding_format", "base64"}},
             Client::OpenAI);
    QCOMPARE(response.status, 200);
    const QByteArray raw = QByteArray::fromBase64(response.json()
                                                      .value("data")
                                                      .toArray()
                                                      .first()
                                                      .toObject()
                                                      .value("embedding")
                                                      .toString()
                                                      .toLatin1());
    const QList<float> expected = MockUpstream::embedding(0);
    QCOMPARE(raw.size(), expected.size() * 4);
    for (qsizetype i = 0; i < expected.size(); ++i)
        QCOMPARE(qFromLittleEndian<float>(raw.constData() + i * 4), expected.at(i));
}

void TstGeminiUpstream::anthropicClient()
{
    const auto response =
        post("/v1/messages",
             {{"model", kModel},
              {"max_tokens", 256},
              {"system", "Be brief."},
              {"messages", QJsonArray{QJsonObject{{"role", "user"}, {"content", "Hello"}}}}},
             Client::Anthropic);
    QCOMPARE(response.status, 200);
    const QJsonObject json = response.json();
    QCOMPARE(json.value("type").toString(), QStringLiteral("message"));
    QCOMPARE(json.value("stop_reason").toString(), QStringLiteral("end_turn"));
    QString text;
    for (const QJsonValue &block : json.value("content").toArray())
        text += block.toObject().value("text").toString();
    QCOMPARE(text, MockUpstream::replyText());
    QCOMPARE(json.value("usage").toObject().value("output_tokens").toInt(),
             MockUpstream::kGeminiCandidatesTokens + MockUpstream::kGeminiThoughtsTokens);
    checkUpstreamRequest("generateContent");
    QCOMPARE(
        m_mock.lastRequest().json().value("generationConfig").toObject().value("maxOutputTokens"),
        QJsonValue(256));
    checkLogged(response, 12);
}

void TstGeminiUpstream::anthropicClientStreaming()
{
    const auto response =
        post("/v1/messages",
             {{"model", kModel},
              {"max_tokens", 256},
              {"stream", true},
              {"messages", QJsonArray{QJsonObject{{"role", "user"}, {"content", "Hello"}}}}},
             Client::Anthropic);
    QCOMPARE(response.status, 200);
    QString text;
    bool stopped = false;
    for (const QByteArray &event : response.events()) {
        const qsizetype dataAt = event.indexOf("data: ");
        const QJsonObject data = QJsonDocument::fromJson(event.mid(dataAt + 6).trimmed()).object();
        const QString type = data.value("type").toString();
        if (type == QLatin1String("content_block_delta"))
            text += data.value("delta").toObject().value("text").toString();
        stopped = stopped || type == QLatin1String("message_stop");
    }
    QCOMPARE(text, MockUpstream::replyText());
    QVERIFY(stopped);
    checkUpstreamRequest("streamGenerateContent?alt=sse");
    checkLogged(response, 12);
}

void TstGeminiUpstream::responsesClient()
{
    const auto response = post("/v1/responses",
                               {{"model", kModel},
                                {"instructions", "Be brief."},
                                {"input", "Hello"},
                                {"reasoning", QJsonObject{{"effort", "low"}}}},
                               Client::OpenAI);
    QCOMPARE(response.status, 200);
    const QJsonObject json = response.json();
    QCOMPARE(json.value("status").toString(), QStringLiteral("completed"));
    QString text;
    for (const QJsonValue &item : json.value("output").toArray()) {
        if (item.toObject().value("type").toString() != QLatin1String("message"))
            continue;
        for (const QJsonValue &part : item.toObject().value("content").toArray())
            text += part.toObject().value("text").toString();
    }
    QCOMPARE(text, MockUpstream::replyText());
    const QJsonObject usage = json.value("usage").toObject();
    QCOMPARE(usage.value("input_tokens_details").toObject().value("cached_tokens").toInt(),
             MockUpstream::kGeminiCachedTokens);
    QCOMPARE(usage.value("output_tokens_details").toObject().value("reasoning_tokens").toInt(),
             MockUpstream::kGeminiThoughtsTokens);
    checkUpstreamRequest("generateContent");
    QCOMPARE(m_mock.lastRequest().json().value("systemInstruction").toObject(),
             QJsonObject({{"parts", QJsonArray{QJsonObject{{"text", "Be brief."}}}}}));
    checkLogged(response, 16);
}

void TstGeminiUpstream::geminiClientGetsUpstreamBytesUnchanged()
{
    const auto response = post("/v1beta/models/" + kModel.toLatin1() + ":generateContent",
                               geminiRequest(true), Client::Gemini);
    QCOMPARE(response.status, 200);
    const MockUpstream::Request sent = m_mock.lastRequest();
    QCOMPARE(response.body, m_mock.responseBody(sent.id));
    QVERIFY(response.body.contains("\"thought\": true"));
    checkUpstreamRequest("generateContent");
    // The client's body as sent, nothing added.
    QCOMPARE(sent.json(), geminiRequest(true));
    checkLogged(response, 21);
}

void TstGeminiUpstream::geminiClientStreamGetsUpstreamBytesUnchanged()
{
    const auto response =
        post("/v1beta/models/" + kModel.toLatin1() + ":streamGenerateContent?alt=sse",
             geminiRequest(true), Client::Gemini);
    QCOMPARE(response.status, 200);
    QVERIFY(response.header("content-type").startsWith("text/event-stream"));
    const MockUpstream::Request sent = m_mock.lastRequest();
    QCOMPARE(response.body, m_mock.responseBody(sent.id));
    QVERIFY(response.body.endsWith(
        "\"responseId\": \"" +
        QByteArray::number(sent.id).rightJustified(15, '0').prepend("mockResp") + "\"}\r\n\r\n"));
    checkUpstreamRequest("streamGenerateContent?alt=sse");
    QCOMPARE(sent.json(), geminiRequest(true));
    checkLogged(response, 21);
}

void TstGeminiUpstream::upstreamErrorsInEachClientsShape()
{
    const QString message = QStringLiteral("Resource has been exhausted (e.g. check quota).");
    const auto openai = post("/v1/chat/completions", chat(false, "error-429"), Client::OpenAI);
    QCOMPARE(openai.status, 429);
    QCOMPARE(openai.json().value("error").toObject().value("message").toString(), message);
    QVERIFY(openai.json().contains("aiproxy"));

    const auto anthropic =
        post("/v1/messages",
             {{"model", "error-429"},
              {"max_tokens", 16},
              {"messages", QJsonArray{QJsonObject{{"role", "user"}, {"content", "x"}}}}},
             Client::Anthropic);
    QCOMPARE(anthropic.status, 429);
    QCOMPARE(anthropic.json().value("error").toObject().value("type").toString(),
             QStringLiteral("rate_limit_error"));
    QCOMPARE(anthropic.json().value("error").toObject().value("message").toString(), message);

    const auto gemini =
        post("/v1beta/models/error-429:generateContent", geminiRequest(false), Client::Gemini);
    QCOMPARE(gemini.status, 429);
    const QJsonObject error = gemini.json().value("error").toObject();
    QCOMPARE(error.value("code").toInt(), 429);
    QCOMPARE(error.value("status").toString(), QStringLiteral("RESOURCE_EXHAUSTED"));
    QCOMPARE(error.value("message").toString(), message);

    const QSqlRecord row = m_fixture.logRow(gemini.header("x-request-id"));
    QCOMPARE(row.value("code").toInt(), 429);
    QCOMPARE(row.value("content").toString(), message);
}

void TstGeminiUpstream::streamCutByTheUpstream()
{
    const auto response =
        post("/v1/chat/completions", chat(true, "drop-mid-stream"), Client::OpenAI);
    QCOMPARE(response.status, 200);
    QVERIFY(response.body.contains("\"error\""));
    QVERIFY(!response.body.contains("\"finish_reason\":\"stop\""));
    const QSqlRecord row = m_fixture.logRow(response.header("x-request-id"));
    QCOMPARE(row.value("code").toInt(), 502);
}

void TstGeminiUpstream::channelKeyNeverLogged()
{
    // Every row written by the tests above (16 requests): no column holds the channel's key.
    const auto rowCount = [this] {
        m_fixture.core()->logWriter()->flushNow();
        QSqlQuery count(m_fixture.core()->logDatabase()->connection());
        return count.exec(QStringLiteral("SELECT COUNT(*) FROM logs")) && count.next()
                   ? count.value(0).toInt()
                   : -1;
    };
    QTRY_VERIFY_WITH_TIMEOUT(rowCount() >= 16, 10000);
    QSqlQuery query(m_fixture.core()->logDatabase()->connection());
    QVERIFY(query.exec(QStringLiteral("SELECT * FROM logs")));
    while (query.next()) {
        const QSqlRecord record = query.record();
        for (int i = 0; i < record.count(); ++i)
            QVERIFY2(!record.value(i).toString().contains(QString::fromLatin1(kChannelKey)),
                     qPrintable(record.fieldName(i)));
    }
}

QTEST_GUILESS_MAIN(TstGeminiUpstream)
#include "tst_geminiupstream.moc"
