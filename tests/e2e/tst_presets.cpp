// Every OpenAI-compatible preset (resources/providers/openai-compatible.json) end to end: one
// channel per preset type on the mock upstream, each served to all four client protocols
// (OpenAI chat plain and streamed, Anthropic Messages streamed, Gemini streamed, Responses),
// at the preset's own paths (path prefixes, Anthropic endpoints, Responses passthrough), with
// the channel's key and the upstream's usage in the log row.

#include "adaptorfixture.h"
#include "clientcalls.h"
#include "gateway/gatewaycore.h"
#include "gateway/providerpresets.h"
#include "storage/database.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlRecord>
#include <QtTest>

namespace {

const QString kGroup = QStringLiteral("preset-group");
const QString kKey = QStringLiteral("presetkey0123456789presetkey0123456789presetkey01");

QString modelOf(int type)
{
    return QStringLiteral("preset-%1").arg(type);
}

QByteArray channelKey(int type)
{
    return "sk-preset-" + QByteArray::number(type);
}

/// The JSON payloads of a stream's `data:` lines (SSE with \n or \r\n), [DONE] left out.
QList<QJsonObject> payloads(const QByteArray &body)
{
    QList<QJsonObject> result;
    for (const QByteArray &line : body.split('\n')) {
        const QByteArray trimmed = line.trimmed();
        if (trimmed.startsWith("data:") && trimmed != "data: [DONE]")
            result.append(QJsonDocument::fromJson(trimmed.mid(5).trimmed()).object());
    }
    return result;
}

RawHttpClient::Headers bearer()
{
    return {qMakePair(QByteArray("Authorization"), "Bearer sk-" + kKey.toLatin1())};
}

} // namespace

class TstPresets : public QObject
{
    Q_OBJECT

private:
    AdaptorFixture m_fixture{kKey};
    MockUpstream &m_mock = m_fixture.mock();

    RawHttpClient::Response post(const QByteArray &path, const QJsonObject &body,
                                 const RawHttpClient::Headers &headers = bearer())
    {
        return RawHttpClient::postJson(m_fixture.port(), path, body, headers);
    }
    /// Checks the last upstream request went to \a path with the preset channel's key, and the
    /// log row of \a response carries the channel and upstream usage.
    void checkServed(const RawHttpClient::Response &response, int type, const QByteArray &path);

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase() { m_fixture.stop(); }
    void everyClientOnEveryPreset_data();
    void everyClientOnEveryPreset();
};

void TstPresets::initTestCase()
{
    QString error;
    QVERIFY2(m_fixture.start(&error), qPrintable(error));
    QSqlDatabase db = m_fixture.core()->mainDatabase()->connection();
    QVERIFY2(RelaySeed::insertGroup(db, kGroup, &error) &&
                 RelaySeed::insertToken(db, {1, kKey, QStringLiteral("t"), kGroup, {}, 1}, &error),
             qPrintable(error));
    const QString root = m_mock.baseUrl().chopped(3); // Without /v1.
    for (const ProviderPresets::Preset &preset : ProviderPresets::instance().all()) {
        RelaySeed::ChannelRow channel;
        channel.id = preset.type;
        channel.type = preset.type;
        channel.name = preset.name;
        channel.key = QString::fromLatin1(channelKey(preset.type));
        // aiproxy's base URL of a prefixed type is the host: the prefix comes from the preset.
        channel.baseUrl = preset.pathPrefix.isEmpty() ? m_mock.baseUrl() : root;
        channel.models = {modelOf(preset.type)};
        QVERIFY2(RelaySeed::insertChannel(db, channel, &error) &&
                     RelaySeed::insertModelConfig(db, modelOf(preset.type), preset.name, &error),
                 qPrintable(error));
    }
    m_fixture.core()->reloadSnapshot();
}

void TstPresets::checkServed(const RawHttpClient::Response &response, int type,
                             const QByteArray &path)
{
    const MockUpstream::Request sent = m_mock.lastRequest();
    QCOMPARE(sent.path, path);
    QCOMPARE(sent.header("authorization"), "Bearer " + channelKey(type));
    const QSqlRecord row = m_fixture.logRow(response.header("x-request-id"));
    QCOMPARE(row.value("code").toInt(), 200);
    QCOMPARE(row.value("channel_id").toInt(), type);
    QCOMPARE(row.value("usage_source").toString(), QStringLiteral("upstream"));
    QVERIFY(row.value("output_tokens").toInt() > 0);
}

void TstPresets::everyClientOnEveryPreset_data()
{
    QTest::addColumn<int>("type");
    QList<int> types = ProviderPresets::instance().all().keys();
    std::sort(types.begin(), types.end());
    QVERIFY(types.size() >= 28); // aiproxy's OpenAI-compatible types, OpenAI included.
    for (int type : types)
        QTest::newRow(qPrintable(ProviderPresets::instance().find(type)->name)) << type;
}

void TstPresets::everyClientOnEveryPreset()
{
    QFETCH(int, type);
    const ProviderPresets::Preset &preset = *ProviderPresets::instance().find(type);
    const QString model = modelOf(type);
    const QByteArray openaiPath =
        preset.pathPrefix.isEmpty() ? QByteArray("/v1") : preset.pathPrefix;
    const QJsonArray hello{QJsonObject{{"role", "user"}, {"content", "Hello"}}};

    // OpenAI chat, plain and streamed.
    const auto plain = post("/v1/chat/completions", {{"model", model}, {"messages", hello}});
    QCOMPARE(plain.status, 200);
    QCOMPARE(ClientCalls::chatMessage(plain.json()).value("content").toString(),
             MockUpstream::replyText());
    checkServed(plain, type, openaiPath + "/chat/completions");
    const auto streamed =
        post("/v1/chat/completions", {{"model", model}, {"stream", true}, {"messages", hello}});
    QCOMPARE(streamed.status, 200);
    QString text;
    for (const QJsonObject &chunk : payloads(streamed.body)) {
        const QJsonArray choices = chunk.value("choices").toArray();
        if (!choices.isEmpty())
            text +=
                choices.first().toObject().value("delta").toObject().value("content").toString();
    }
    QCOMPARE(text, MockUpstream::replyText());
    QVERIFY(streamed.body.endsWith("data: [DONE]\n\n"));
    checkServed(streamed, type, openaiPath + "/chat/completions");

    // Anthropic Messages, streamed: to the provider's own Anthropic API when it has one.
    const auto anthropic =
        post("/v1/messages",
             {{"model", model}, {"max_tokens", 256}, {"stream", true}, {"messages", hello}},
             {qMakePair(QByteArray("x-api-key"), "sk-" + kKey.toLatin1()),
              qMakePair(QByteArray("anthropic-version"), QByteArray("2023-06-01"))});
    QCOMPARE(anthropic.status, 200);
    text.clear();
    for (const QJsonObject &event : payloads(anthropic.body))
        text += event.value("delta").toObject().value("text").toString();
    QVERIFY(anthropic.body.contains("event: message_stop"));
    if (preset.anthropicPath.isEmpty()) {
        QCOMPARE(text, MockUpstream::replyText()); // Converted from the OpenAI stream.
        QCOMPARE(m_mock.lastRequest().path, openaiPath + "/chat/completions");
    } else {
        QCOMPARE(m_mock.lastRequest().path, preset.anthropicPath + "/messages");
        QCOMPARE(m_mock.lastRequest().header("x-api-key"), channelKey(type));
        QCOMPARE(anthropic.body, m_mock.responseBody(m_mock.lastRequest().id)); // Unchanged.
    }

    // Gemini, streamed.
    const QJsonObject geminiBody{
        {"contents",
         QJsonArray{QJsonObject{{"role", "user"},
                                {"parts", QJsonArray{QJsonObject{{"text", "Hello"}}}}}}}};
    const auto gemini =
        post("/v1beta/models/" + model.toLatin1() + ":streamGenerateContent?alt=sse", geminiBody,
             {qMakePair(QByteArray("x-goog-api-key"), "sk-" + kKey.toLatin1())});
    QCOMPARE(gemini.status, 200);
    text.clear();
    for (const QJsonObject &event : payloads(gemini.body)) {
        const QJsonArray parts = event.value("candidates")
                                     .toArray()
                                     .first()
                                     .toObject()
                                     .value("content")
                                     .toObject()
                                     .value("parts")
                                     .toArray();
        for (const QJsonValue &part : parts)
            text += part.toObject().value("text").toString();
    }
    QCOMPARE(text, MockUpstream::replyText());
    checkServed(gemini, type, openaiPath + "/chat/completions");

    // Responses: passed through where the provider serves it, converted elsewhere.
    const auto responses = post("/v1/responses", {{"model", model}, {"input", "Hello"}});
    QCOMPARE(responses.status, 200);
    QCOMPARE(responses.json().value("object").toString(), QStringLiteral("response"));
    checkServed(responses, type,
                preset.responsesApi ? openaiPath + "/responses" : openaiPath + "/chat/completions");
}

QTEST_GUILESS_MAIN(TstPresets)
#include "tst_presets.moc"
