// The other OpenAI modes through the relay: images (JSON and multipart edits), audio speech
// (binary, streamed through byte for byte), transcriptions (multipart), moderations and rerank,
// with model mapping applied to multipart forms and usage logged.

#include "gateway/gatewaycore.h"
#include "logrows.h"
#include "mockupstream.h"
#include "rawhttpclient.h"
#include "relayseed.h"
#include "storage/database.h"
#include "testgateway.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QtTest>

namespace {

const QString kGroup = QStringLiteral("modes-group");
const QString kKey = QStringLiteral("modeskey0123456789modeskey0123456789modeskey0123");
const QByteArray kBoundary = "----gatewayTestBoundary";

QByteArray multipart(const QByteArray &model, const QByteArray &fileField, const QByteArray &file,
                     const QByteArray &extraName = {}, const QByteArray &extraValue = {})
{
    QByteArray body =
        "--" + kBoundary + "\r\nContent-Disposition: form-data; name=\"" + fileField +
        "\"; filename=\"input.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n" + file +
        "\r\n--" + kBoundary + "\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\n" +
        model + "\r\n";
    if (!extraName.isEmpty())
        body += "--" + kBoundary + "\r\nContent-Disposition: form-data; name=\"" + extraName +
                "\"\r\n\r\n" + extraValue + "\r\n";
    return body + "--" + kBoundary + "--\r\n";
}

} // namespace

class TstModes : public QObject
{
    Q_OBJECT

private:
    MockUpstream m_mock;
    TestGateway m_gateway;

    RawHttpClient::Response post(const QByteArray &path, const QJsonObject &body)
    {
        return RawHttpClient::postJson(m_gateway.port(), path, body,
                                       {{"Authorization", "Bearer sk-" + kKey.toLatin1()}});
    }
    RawHttpClient::Response postForm(const QByteArray &path, const QByteArray &body)
    {
        RawHttpClient client;
        if (!client.connectToPort(m_gateway.port()))
            return {};
        return client.request("POST", path, body,
                              {{"Authorization", "Bearer sk-" + kKey.toLatin1()},
                               {"Content-Type", "multipart/form-data; boundary=" + kBoundary}});
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_mock.start());
        QString error;
        QVERIFY2(m_gateway.start(&error), qPrintable(error));
        QSqlDatabase db = m_gateway.core()->mainDatabase()->connection();
        const QStringList models = {
            "gpt-image-1", "tts-1", "whisper", "gpt-4o-transcribe", "omni-moderation-latest",
            "bge-reranker"};
        RelaySeed::ChannelRow channel;
        channel.id = 1;
        channel.name = QStringLiteral("mock");
        channel.key = QStringLiteral("sk-upstream");
        channel.baseUrl = m_mock.baseUrl();
        channel.models = models;
        channel.modelMapping = {{QStringLiteral("whisper"), QStringLiteral("whisper-1")}};
        QVERIFY2(
            RelaySeed::insertGroup(db, kGroup, &error) &&
                RelaySeed::insertToken(db, {1, kKey, QStringLiteral("t"), kGroup, {}, 1}, &error) &&
                RelaySeed::insertChannel(db, channel, &error),
            qPrintable(error));
        for (const QString &model : models)
            QVERIFY2(RelaySeed::insertModelConfig(db, model, QStringLiteral("openai"), &error),
                     qPrintable(error));
        m_gateway.core()->reloadSnapshot();
    }

    void cleanupTestCase() { m_gateway.stop(); }

    void imageGenerations()
    {
        const auto response = post("/v1/images/generations",
                                   {{"model", "gpt-image-1"}, {"prompt", "a cat"}, {"n", 2}});
        QCOMPARE(response.status, 200);
        QCOMPARE(response.json().value("data").toArray().size(), 2);
        QCOMPARE(m_mock.lastRequest().path, QByteArray("/v1/images/generations"));
        const QSqlRecord row = LogRows::waitFor(m_gateway.core(), response.header("x-request-id"));
        QCOMPARE(row.value("mode").toInt(), 5);
        QCOMPARE(row.value("output_tokens").toInt(), 2 * MockUpstream::kImageOutputTokensPerImage);
        QCOMPARE(row.value("usage_source").toString(), QStringLiteral("upstream"));
    }

    void imageEditsForwardTheFormUnchanged()
    {
        QByteArray file(5000, '\0');
        for (int i = 0; i < file.size(); ++i)
            file[i] = char((i * 37) & 0xff); // CRLFs and every byte value.
        const QByteArray form = multipart("gpt-image-1", "image", file, "prompt", "add a hat");
        const auto response = postForm("/v1/images/edits", form);
        QCOMPARE(response.status, 200);
        const MockUpstream::Request sent = m_mock.lastRequest();
        QCOMPARE(sent.path, QByteArray("/v1/images/edits"));
        QCOMPARE(sent.body, form); // No mapping for this model: the bytes as the client sent them.
        QCOMPARE(sent.formFields().value("prompt"), QByteArray("add a hat"));
    }

    void transcriptionRewritesOnlyTheModelField()
    {
        const QByteArray audio(3000, '\x7f');
        const auto response =
            postForm("/v1/audio/transcriptions", multipart("whisper", "file", audio));
        QCOMPARE(response.status, 200);
        QCOMPARE(response.json().value("text").toString(),
                 QString::fromLatin1(MockUpstream::kTranscriptionText));
        const MockUpstream::Request sent = m_mock.lastRequest();
        QCOMPARE(sent.formFields().value("model"), QByteArray("whisper-1")); // model_mapping
        QCOMPARE(sent.formFileSizes().value("file"), audio.size());
        QVERIFY(
            sent.header("content-type").startsWith("multipart/form-data; boundary=" + kBoundary));

        const auto tokens =
            postForm("/v1/audio/transcriptions", multipart("gpt-4o-transcribe", "file", audio));
        QCOMPARE(tokens.status, 200);
        const QSqlRecord row = LogRows::waitFor(m_gateway.core(), tokens.header("x-request-id"));
        QCOMPARE(row.value("mode").toInt(), 8);
        QCOMPARE(row.value("input_tokens").toInt(), MockUpstream::kTranscriptionInputTokens);
        QCOMPARE(row.value("output_tokens").toInt(), MockUpstream::kTranscriptionOutputTokens);
    }

    void speechIsStreamedThroughByteForByte()
    {
        const auto response = post(
            "/v1/audio/speech", {{"model", "tts-1"}, {"input", "Hello there"}, {"voice", "alloy"}});
        QCOMPARE(response.status, 200);
        QCOMPARE(response.header("content-type"), QByteArray("audio/mpeg"));
        QCOMPARE(response.header("transfer-encoding"), QByteArray("chunked"));
        QCOMPARE(response.body.size(), qsizetype(MockUpstream::kSpeechBytes));
        QVERIFY(response.body == MockUpstream::speechAudio());
        const QSqlRecord row = LogRows::waitFor(m_gateway.core(), response.header("x-request-id"));
        QCOMPARE(row.value("mode").toInt(), 7);
        QCOMPARE(row.value("code").toInt(), 200);
    }

    void moderationsAndRerank()
    {
        const auto moderation = post(
            "/v1/moderations", {{"model", "omni-moderation-latest"}, {"input", "I will kill it"}});
        QCOMPARE(moderation.status, 200);
        QVERIFY(moderation.json()
                    .value("results")
                    .toArray()
                    .first()
                    .toObject()
                    .value("flagged")
                    .toBool());

        const auto rerank =
            post("/v1/rerank", {{"model", "bge-reranker"},
                                {"query", "fox"},
                                {"documents", QJsonArray{"a fox", "a dog", "the fox"}}});
        QCOMPARE(rerank.status, 200);
        QCOMPARE(rerank.json().value("results").toArray().size(), 3);
        const QSqlRecord row = LogRows::waitFor(m_gateway.core(), rerank.header("x-request-id"));
        QCOMPARE(row.value("mode").toInt(), 10);
        QCOMPARE(row.value("input_tokens").toInt(), 3 * MockUpstream::kRerankTokensPerDocument);
    }

    void malformedMultipartIsRejected()
    {
        const auto response = postForm("/v1/audio/transcriptions", "not multipart at all");
        QCOMPARE(response.status, 400);
        QCOMPARE(response.json().value("error").toObject().value("code").toString(),
                 QStringLiteral("invalid_multipart"));
    }
};

QTEST_GUILESS_MAIN(TstModes)
#include "tst_modes.moc"
