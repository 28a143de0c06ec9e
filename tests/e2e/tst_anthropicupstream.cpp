// Anthropic channels (type 14): OpenAI clients are converted to and from the native Messages
// API; Anthropic clients get the upstream's bytes unchanged. Both are accounted from the
// upstream's usage, cache reads and cache writes kept apart.

#include "adaptorfixture.h"
#include "chatstream.h"
#include "clientcalls.h"
#include "storage/logwriter.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QtTest>

namespace {

const QString kGroup = QStringLiteral("claude-group");
const QString kKey = QStringLiteral("claudekey0123456789claudekey0123456789claudekey01");
const QString kModel = QStringLiteral("claude-sonnet");
const QString kUpstreamModel = QStringLiteral("claude-sonnet-4-5");
const QByteArray kChannelKey = "sk-ant-channel-key";

} // namespace

class TstAnthropicUpstream : public QObject
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

    void checkUpstreamRequest()
    {
        const MockUpstream::Request sent = m_mock.lastRequest();
        QCOMPARE(sent.path, QByteArray("/v1/messages"));
        QCOMPARE(sent.header("x-api-key"), kChannelKey);
        QCOMPARE(sent.header("anthropic-version"), QByteArray("2023-06-01"));
        QVERIFY(sent.header("authorization").isEmpty());
        QCOMPARE(sent.json().value("model").toString(), kUpstreamModel); // model_mapping applied
    }

    void checkLogged(const QByteArray &requestId, int mode)
    {
        const QSqlRecord row = m_fixture.logRow(requestId);
        QVERIFY(!row.isEmpty());
        QCOMPARE(row.value("code").toInt(), 200);
        QCOMPARE(row.value("mode").toInt(), mode);
        QCOMPARE(row.value("channel_id").toInt(), 14);
        ClientCalls::checkAnthropicUsage(row);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_fixture.start(&error), qPrintable(error));
        RelaySeed::ChannelRow channel;
        channel.id = 14;
        channel.type = 14;
        channel.name = QStringLiteral("anthropic");
        channel.key = QString::fromLatin1(kChannelKey);
        channel.baseUrl = m_mock.baseUrl();
        channel.models = {kModel, QStringLiteral("error-429")};
        channel.modelMapping = {{kModel, kUpstreamModel}};
        QVERIFY2(m_fixture.seed(kGroup, {channel}, &error, QStringLiteral("anthropic")),
                 qPrintable(error));
        // An OpenAI-format provider that also serves Anthropic's API (DeepSeek: /anthropic/v1).
        RelaySeed::ChannelRow deepseek;
        deepseek.id = 36;
        deepseek.type = 36;
        deepseek.name = QStringLiteral("deepseek");
        deepseek.key = QStringLiteral("sk-deepseek");
        deepseek.baseUrl = m_mock.baseUrl();
        deepseek.models = {QStringLiteral("deepseek-chat"), QStringLiteral("error-529")};
        QVERIFY2(m_fixture.addChannels({deepseek}, QStringLiteral("deepseek"), &error),
                 qPrintable(error));
    }

    void cleanupTestCase() { m_fixture.stop(); }

    void openAIClientNonStreaming()
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
        checkUpstreamRequest();
        const QJsonObject sent = m_mock.lastRequest().json();
        QCOMPARE(sent.value("system").toString(), QStringLiteral("Be brief."));
        QVERIFY(sent.value("max_tokens").toInt() > 0);
        checkLogged(response.header("x-request-id"), 1);
    }

    void openAIClientStreaming()
    {
        const auto response = m_fixture.post("/v1/chat/completions", chat(true), false);
        QCOMPARE(response.status, 200);
        const ChatStream stream = ChatStream::fromSse(response.body);
        QCOMPARE(stream.objects, QStringList{QStringLiteral("chat.completion.chunk")});
        QVERIFY(stream.done);
        QCOMPARE(stream.text, MockUpstream::replyText());
        QCOMPARE(stream.usage.value("completion_tokens").toInt(),
                 MockUpstream::kAnthropicOutputTokens);
        checkUpstreamRequest();
        QVERIFY(m_mock.lastRequest().json().value("stream").toBool());
        checkLogged(response.header("x-request-id"), 1);
    }

    void openAIClientStreamedToolCall()
    {
        const QJsonObject body = ClientCalls::withWeatherTool(chat(true));
        const auto response = m_fixture.post("/v1/chat/completions", body, false);
        QCOMPARE(response.status, 200);
        const ChatStream stream = ChatStream::fromSse(response.body);
        QCOMPARE(stream.toolName, QStringLiteral("get_weather"));
        QCOMPARE(stream.toolArguments, MockUpstream::toolArguments());
        QCOMPARE(stream.finishReason, QStringLiteral("tool_calls"));
        const QJsonObject sentTool =
            m_mock.lastRequest().json().value("tools").toArray().first().toObject();
        QCOMPARE(sentTool.value("name").toString(), QStringLiteral("get_weather"));
    }

    void anthropicClientGetsUpstreamBytesUnchanged()
    {
        const auto response = m_fixture.post("/v1/messages", message(false), true);
        QCOMPARE(response.status, 200);
        const QJsonObject json = response.json();
        // The mock's own message id: converted answers would carry an id derived elsewhere.
        QVERIFY(json.value("id").toString().startsWith(QLatin1String("msg_mock")));
        QCOMPARE(json.value("usage").toObject().value("cache_creation_input_tokens").toInt(),
                 MockUpstream::kAnthropicCacheCreationTokens);
        checkUpstreamRequest();
        QCOMPARE(m_mock.lastRequest().json().value("max_tokens").toInt(), 512);
        checkLogged(response.header("x-request-id"), 12);
    }

    void anthropicClientStreamKeepsThinkingSignatures()
    {
        QJsonObject body = message(true);
        body.insert("thinking", QJsonObject{{"type", "enabled"}, {"budget_tokens", 1024}});
        const auto response = m_fixture.post("/v1/messages", body, true);
        QCOMPARE(response.status, 200);
        // signature_delta only exists in Anthropic's own stream: the bytes were passed through.
        QVERIFY(response.body.contains("\"signature_delta\""));
        QVERIFY(response.body.contains(MockUpstream::kAnthropicSignature));
        QVERIFY(response.body.contains("event: message_stop"));
        checkLogged(response.header("x-request-id"), 12);
    }

    void upstreamErrorsInEachClientsShape()
    {
        const auto openai = m_fixture.post("/v1/chat/completions", chat(false, "error-429"), false);
        QCOMPARE(openai.status, 429);
        const QJsonObject openaiError = openai.json().value("error").toObject();
        QVERIFY(!openaiError.value("message").toString().isEmpty());
        QVERIFY(openai.json().contains("aiproxy"));

        const auto anthropic = m_fixture.post("/v1/messages", message(false, "error-429"), true);
        QCOMPARE(anthropic.status, 429);
        QCOMPARE(anthropic.json().value("type").toString(), QStringLiteral("error"));
        QCOMPARE(anthropic.json().value("error").toObject().value("type").toString(),
                 QStringLiteral("rate_limit_error"));
    }

    void openAIFormatProviderServesAnthropicClientsNatively()
    {
        RawHttpClient::Headers withBeta = ClientCalls::auth(kKey, true);
        withBeta.append(
            qMakePair(QByteArray("anthropic-beta"), QByteArray("interleaved-thinking-2025-05-14")));
        for (const bool stream : {false, true}) {
            const auto response = RawHttpClient::postJson(
                m_fixture.port(), "/v1/messages", message(stream, "deepseek-chat"), withBeta);
            QCOMPARE(response.status, 200);
            const MockUpstream::Request sent = m_mock.lastRequest();
            QCOMPARE(sent.path, QByteArray("/anthropic/v1/messages"));
            QCOMPARE(sent.header("x-api-key"), QByteArray("sk-deepseek"));
            QCOMPARE(sent.header("authorization"), QByteArray("Bearer sk-deepseek"));
            QCOMPARE(sent.header("anthropic-beta"), QByteArray("interleaved-thinking-2025-05-14"));
            QCOMPARE(sent.json().value("max_tokens").toInt(), 512); // The client's own body.
            QCOMPARE(response.body, m_mock.responseBody(sent.id));  // Byte for byte.
            const QSqlRecord row = m_fixture.logRow(response.header("x-request-id"));
            QCOMPARE(row.value("channel_id").toInt(), 36);
            QCOMPARE(row.value("usage_source").toString(), QStringLiteral("upstream"));
            QCOMPARE(row.value("cached_tokens").toInt(), MockUpstream::kAnthropicCacheReadTokens);
            QCOMPARE(row.value("cache_creation_tokens").toInt(),
                     MockUpstream::kAnthropicCacheCreationTokens);
            QCOMPARE(row.value("output_tokens").toInt(), MockUpstream::kAnthropicOutputTokens);
        }
        // OpenAI clients of the same channel still use its OpenAI endpoint.
        QCOMPARE(m_fixture.post("/v1/chat/completions", chat(false, "deepseek-chat"), false).status,
                 200);
        QCOMPARE(m_mock.lastRequest().path, QByteArray("/v1/chat/completions"));
        // Its Anthropic errors reach Anthropic clients in Anthropic's shape.
        const auto failed = m_fixture.post("/v1/messages", message(false, "error-529"), true);
        QCOMPARE(m_mock.lastRequest().path, QByteArray("/anthropic/v1/messages"));
        QCOMPARE(failed.json().value("type").toString(), QStringLiteral("error"));
        QCOMPARE(failed.json().value("error").toObject().value("type").toString(),
                 QStringLiteral("overloaded_error"));
    }

    void embeddingsAreNotOfferedByAnthropicChannels()
    {
        const auto response =
            m_fixture.post("/v1/embeddings", {{"model", kModel}, {"input", "x"}}, false);
        QCOMPARE(response.status, 404); // No channel of the model supports the mode.
    }
};

QTEST_GUILESS_MAIN(TstAnthropicUpstream)
#include "tst_anthropicupstream.moc"
