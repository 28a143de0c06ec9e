// The mock upstream's other OpenAI endpoints (tests/mocks/mockmodes.cpp): images, audio,
// moderations and rerank wire formats, the multipart/form-data parser, the chunked binary speech
// stream and the fault scenarios there. Raw sockets, so framing is checked byte by byte.
#include "mockupstream.h"
#include "rawhttpclient.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

namespace {

const RawHttpClient::Headers kJson = {{"Content-Type", "application/json"},
                                      {"Authorization", "Bearer sk-channel-key"}};
const QByteArray kBoundary = "----MockBoundary7MA4YWxkTrZu0gW";

struct Part
{
    QByteArray name;
    QByteArray value;
    QByteArray filename; ///< Non-empty: a file part.
    QByteArray contentType = "application/octet-stream";
};

QByteArray multipart(const QList<Part> &parts, const QByteArray &boundary = kBoundary)
{
    QByteArray body;
    for (const Part &part : parts) {
        body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + part.name + '"';
        if (!part.filename.isEmpty())
            body += "; filename=\"" + part.filename + "\"\r\nContent-Type: " + part.contentType;
        body += "\r\n\r\n" + part.value + "\r\n";
    }
    return body + "--" + boundary + "--\r\n";
}

RawHttpClient::Headers multipartHeaders(const QByteArray &boundary = kBoundary)
{
    return {{"Content-Type", "multipart/form-data; boundary=" + boundary},
            {"Authorization", "Bearer sk-channel-key"}};
}

/// A binary "file" with CRLFs, blank lines and boundary-like bytes that are not delimiters.
QByteArray trickyFile()
{
    QByteArray file;
    for (int i = 0; i < 300; ++i)
        file += char(i & 0xff);
    file += "\r\n\r\n--" + kBoundary + "X\r\n";           // A longer boundary: content.
    file += "abc--" + kBoundary + "\r\n";                 // No CRLF in front: content.
    file += "\r\n--" + kBoundary.left(10) + "\r\n";       // A boundary prefix: content.
    file += "Content-Disposition: form-data; name=\"x\""; // Header-like: content.
    file += "\r\n";                                       // Ends in CRLF: kept.
    return file;
}

QByteArray json(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

MockUpstream::Request parsedRequest(const QByteArray &contentType, const QByteArray &body)
{
    MockUpstream::Request request;
    request.headers = {{"Content-Type", contentType}};
    request.body = body;
    return request;
}

} // namespace

class TestMockModes : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void imageGenerationsUrl();
    void imageGenerationsGptImage();
    void imageEditsMultipart();
    void multipartParsing();
    void multipartEdgeCases();
    void speechStream();
    void speechFormatsAndDelay();
    void speechDropMidStream();
    void speechHoldAndAzure();
    void transcriptions();
    void translations();
    void moderations();
    void rerank();
    void missingParameters();
    void errorScenarios_data();
    void errorScenarios();
    void hangAndSlowFirstByte();
    void dropMidBody();

private:
    std::unique_ptr<MockUpstream> m_mock;
    RawHttpClient m_client;
};

void TestMockModes::init()
{
    m_mock = std::make_unique<MockUpstream>();
    QVERIFY(m_mock->start());
    QVERIFY(m_client.connectToPort(m_mock->port()));
}

void TestMockModes::cleanup()
{
    m_client.abort();
    m_client.clearBuffer();
    m_mock.reset();
}

void TestMockModes::imageGenerationsUrl()
{
    const auto response = m_client.request(
        "POST", "/v1/images/generations",
        R"({"model":"dall-e-3","prompt":"a red cube","n":2,"size":"1024x1024"})", kJson);
    QVERIFY(response.complete);
    QCOMPARE(response.status, 200);
    QCOMPARE(response.header("content-type"), QByteArray("application/json"));
    QCOMPARE(response.header("x-request-id"), QByteArray("req_mock1"));
    QVERIFY(response.body.startsWith("{\n  \"created\": "));
    const QJsonObject body = response.json();
    QCOMPARE(body.keys(), QStringList({"created", "data"}));
    QVERIFY(body.value("created").toInteger() > 1700000000);
    const QJsonArray data = body.value("data").toArray();
    QCOMPARE(data.size(), 2);
    for (int i = 0; i < 2; ++i) {
        QCOMPARE(data.at(i).toObject().keys(), QStringList({"url"}));
        QCOMPARE(data.at(i).toObject().value("url").toString(),
                 QString::fromLatin1(MockUpstream::kImageUrlPrefix) +
                     QStringLiteral("img-mock1-%1.png").arg(i));
    }
    // dall-e with response_format b64_json: base64 items, still no usage.
    const auto b64 = m_client.request(
        "POST", "/v1/images/generations",
        R"({"model":"dall-e-2","prompt":"a red cube","response_format":"b64_json"})", kJson);
    const QJsonObject b64Body = b64.json();
    QVERIFY(!b64Body.contains("usage"));
    QCOMPARE(b64Body.value("data").toArray().first().toObject().value("b64_json").toString(),
             QString::fromLatin1(MockUpstream::kImageB64Json));
}

void TestMockModes::imageGenerationsGptImage()
{
    const auto response =
        m_client.request("POST", "/v1/images/generations",
                         R"({"model":"gpt-image-1","prompt":"a red cube","n":3})", kJson);
    QCOMPARE(response.status, 200);
    const QJsonObject body = response.json();
    const QJsonArray data = body.value("data").toArray();
    QCOMPARE(data.size(), 3);
    for (const QJsonValue &item : data)
        QCOMPARE(item.toObject().value("b64_json").toString(),
                 QString::fromLatin1(MockUpstream::kImageB64Json));
    QVERIFY(!QByteArray::fromBase64(QByteArray(MockUpstream::kImageB64Json)).isEmpty());
    const QJsonObject usage = body.value("usage").toObject();
    QCOMPARE(usage.value("input_tokens").toInt(), MockUpstream::kImageTextTokens);
    QCOMPARE(usage.value("output_tokens").toInt(), 3 * MockUpstream::kImageOutputTokensPerImage);
    QCOMPARE(usage.value("total_tokens").toInt(),
             MockUpstream::kImageTextTokens + 3 * MockUpstream::kImageOutputTokensPerImage);
    QCOMPARE(usage.value("input_tokens_details").toObject().value("image_tokens").toInt(), 0);
    QCOMPARE(
        QJsonDocument(usage).toJson(QJsonDocument::Compact),
        QJsonDocument::fromJson(MockUpstream::imageUsage(3, 0)).toJson(QJsonDocument::Compact));
}

void TestMockModes::imageEditsMultipart()
{
    const QByteArray image = trickyFile();
    const QByteArray body = multipart({{"image", image, "cube.png", "image/png"},
                                       {"prompt", "make it blue\r\nplease"},
                                       {"model", "gpt-image-1"},
                                       {"n", "2"}});
    const auto response = m_client.request("POST", "/v1/images/edits", body, multipartHeaders());
    QCOMPARE(response.status, 200);
    const QJsonObject json = response.json();
    QCOMPARE(json.value("data").toArray().size(), 2);
    const QJsonObject usage = json.value("usage").toObject();
    QCOMPARE(usage.value("input_tokens").toInt(),
             MockUpstream::kImageTextTokens + MockUpstream::kImageInputImageTokens);
    QCOMPARE(usage.value("input_tokens_details").toObject().value("image_tokens").toInt(),
             MockUpstream::kImageInputImageTokens);

    const MockUpstream::Request request = m_mock->lastRequest();
    QCOMPARE(request.body, body);
    QCOMPARE(request.formFieldNames(), QList<QByteArray>({"image", "prompt", "model", "n"}));
    const QMap<QByteArray, QByteArray> fields = request.formFields();
    QCOMPARE(fields.value("image"), QByteArray("cube.png"));
    QCOMPARE(fields.value("prompt"), QByteArray("make it blue\r\nplease"));
    QCOMPARE(fields.value("model"), QByteArray("gpt-image-1"));
    QCOMPARE(request.model(), QStringLiteral("gpt-image-1"));
    QCOMPARE(request.formFileSizes().value("image"), image.size());
    QCOMPARE(request.formFileSizes().size(), 1);
    const QList<MockUpstream::FormPart> parts = request.formParts();
    QCOMPARE(parts.size(), 4);
    QVERIFY(parts.at(0).isFile);
    QCOMPARE(parts.at(0).contentType, QByteArray("image/png"));
    QCOMPARE(parts.at(0).data, image);
    QVERIFY(!parts.at(1).isFile);

    // dall-e-2 edits: urls, no usage; image[] names count as images.
    const auto dalle = m_client.request(
        "POST", "/v1/images/edits",
        multipart({{"image[]", "PNG", "a.png"}, {"prompt", "p"}, {"model", "dall-e-2"}}),
        multipartHeaders());
    QCOMPARE(dalle.status, 200);
    QVERIFY(!dalle.json().contains("usage"));
    QVERIFY(dalle.json().value("data").toArray().first().toObject().contains("url"));
}

void TestMockModes::multipartParsing()
{
    // Quoted boundary, transport padding after a delimiter, preamble and epilogue, a quoted
    // filename with a semicolon and an escaped quote, a part without Content-Type, empty file.
    const QByteArray boundary = "simple boundary";
    const QByteArray body = "This is the preamble.\r\n--" + boundary +
                            "  \r\n"
                            "Content-Disposition: form-data; name=\"file\"; "
                            "filename=\"a;b \\\"c\\\".wav\"\r\n"
                            "Content-Type: audio/wav\r\n\r\n"
                            "RIFF\r\n--" +
                            boundary + "-ish\r\n\r\n--" + boundary +
                            "\r\n"
                            "content-disposition: form-data; name=model\r\n\r\n"
                            "whisper-1\r\n--" +
                            boundary +
                            "\r\n"
                            "Content-Disposition: form-data; name=\"empty\"; filename=\"\"\r\n\r\n"
                            "\r\n--" +
                            boundary + "--\r\nThis is the epilogue.\r\n";
    const MockUpstream::Request request =
        parsedRequest("multipart/form-data; boundary=\"" + boundary + '"', body);
    const QList<MockUpstream::FormPart> parts = request.formParts();
    QCOMPARE(parts.size(), 3);
    QCOMPARE(parts.at(0).name, QByteArray("file"));
    QCOMPARE(parts.at(0).filename, QByteArray("a;b \"c\".wav"));
    QCOMPARE(parts.at(0).contentType, QByteArray("audio/wav"));
    QCOMPARE(parts.at(0).data, "RIFF\r\n--" + boundary + "-ish\r\n");
    QCOMPARE(parts.at(1).name, QByteArray("model"));
    QCOMPARE(parts.at(1).data, QByteArray("whisper-1"));
    QVERIFY(parts.at(1).contentType.isEmpty());
    QVERIFY(parts.at(2).isFile);
    QVERIFY(parts.at(2).filename.isEmpty());
    QVERIFY(parts.at(2).data.isEmpty());
    QCOMPARE(
        request.formFileSizes(),
        (QMap<QByteArray, qsizetype>{{"file", 4 + 2 + 2 + boundary.size() + 4 + 2}, {"empty", 0}}));
    QCOMPARE(request.model(), QStringLiteral("whisper-1"));
}

void TestMockModes::multipartEdgeCases()
{
    // Not multipart: no parts; JSON model still found.
    const MockUpstream::Request jsonRequest = parsedRequest("application/json", R"({"model":"m"})");
    QVERIFY(jsonRequest.formParts().isEmpty());
    QCOMPARE(jsonRequest.model(), QStringLiteral("m"));
    // No boundary parameter, or a body without the closing delimiter: no (complete) parts.
    QVERIFY(parsedRequest("multipart/form-data", multipart({{"a", "1"}})).formParts().isEmpty());
    QByteArray truncated = multipart({{"a", "1"}, {"b", "2"}});
    truncated.chop(kBoundary.size() + 6);
    const QList<MockUpstream::FormPart> parts =
        parsedRequest("multipart/form-data; charset=utf-8; boundary=" + kBoundary, truncated)
            .formParts();
    QCOMPARE(parts.size(), 1);
    QCOMPARE(parts.first().data, QByteArray("1"));
    // A part without headers (CRLF right after the delimiter line).
    const QByteArray headerless = "--" + kBoundary + "\r\n\r\nraw\r\n--" + kBoundary + "--";
    const QList<MockUpstream::FormPart> bare =
        parsedRequest("Multipart/Form-Data; boundary=" + kBoundary, headerless).formParts();
    QCOMPARE(bare.size(), 1);
    QVERIFY(bare.first().name.isEmpty());
    QCOMPARE(bare.first().data, QByteArray("raw"));
}

void TestMockModes::speechStream()
{
    const auto response = m_client.request(
        "POST", "/v1/audio/speech",
        R"({"model":"gpt-4o-mini-tts","input":"Hello there.","voice":"alloy"})", kJson);
    QVERIFY(response.complete);
    QCOMPARE(response.status, 200);
    QCOMPARE(response.header("content-type"), QByteArray("audio/mpeg"));
    QCOMPARE(response.header("transfer-encoding"), QByteArray("chunked"));
    QVERIFY(response.header("content-length").isEmpty());
    QCOMPARE(response.chunks.size(), MockUpstream::kSpeechChunks);
    for (const QByteArray &chunk : response.chunks)
        QCOMPARE(chunk.size(), MockUpstream::kSpeechBytes / MockUpstream::kSpeechChunks);
    const QByteArray audio = MockUpstream::speechAudio();
    QCOMPARE(audio.size(), MockUpstream::kSpeechBytes);
    QVERIFY(audio.contains("\r\n"));
    QCOMPARE(response.body.size(), MockUpstream::kSpeechBytes);
    QVERIFY(response.body == audio);
    QCOMPARE(quint8(audio.at(1000)), quint8((1000 * 253 + 1000 / 256) & 0xff));
    QVERIFY(m_mock->responseBody(1) == audio);
    QCOMPARE(m_mock->eventsWritten(1), MockUpstream::kSpeechChunks);
    QVERIFY(m_mock->isResponseComplete(1));
    QCOMPARE(m_mock->lastRequest().json().value("voice").toString(), QStringLiteral("alloy"));
}

void TestMockModes::speechFormatsAndDelay()
{
    const QList<QPair<QString, QByteArray>> formats = {
        {"opus", "audio/opus"}, {"aac", "audio/aac"}, {"flac", "audio/flac"},
        {"wav", "audio/wav"},   {"pcm", "audio/pcm"}, {"mp3", "audio/mpeg"}};
    for (const auto &[format, type] : formats) {
        const auto response = m_client.request("POST", "/v1/audio/speech",
                                               json({{"model", "tts-1"},
                                                     {"input", "Hi"},
                                                     {"voice", "nova"},
                                                     {"response_format", format}}),
                                               kJson);
        QCOMPARE(response.header("content-type"), type);
        QVERIFY(response.body == MockUpstream::speechAudio());
    }
    const auto bad = m_client.request(
        "POST", "/v1/audio/speech",
        R"({"model":"tts-1","input":"Hi","voice":"nova","response_format":"ogg"})", kJson);
    QCOMPARE(bad.status, 400);
    QCOMPARE(bad.json().value("error").toObject().value("param").toString(),
             QStringLiteral("response_format"));

    m_mock->setEventDelayMs(30);
    QElapsedTimer timer;
    timer.start();
    const auto slow = m_client.request("POST", "/v1/audio/speech",
                                       R"({"model":"tts-1","input":"Hi","voice":"nova"})", kJson);
    QVERIFY(slow.body == MockUpstream::speechAudio());
    QVERIFY2(timer.elapsed() >= 30 * (MockUpstream::kSpeechChunks - 1),
             "chunks were not spaced by the event delay");
}

void TestMockModes::speechDropMidStream()
{
    m_client.send(RawHttpClient::buildRequest(
        "POST", "/v1/audio/speech", R"({"model":"drop-mid-stream","input":"Hi","voice":"nova"})",
        kJson));
    QVERIFY(m_client.waitForDisconnected());
    const RawHttpClient::Response response = m_client.peekResponse();
    QCOMPARE(response.status, 200);
    QVERIFY(!response.complete);
    QCOMPARE(response.chunks.size(), MockUpstream::kSpeechChunks / 2);
    QVERIFY(response.body == MockUpstream::speechAudio().left(MockUpstream::kSpeechBytes / 2));
    QCOMPARE(m_mock->eventsWritten(1), MockUpstream::kSpeechChunks / 2);
    QVERIFY(!m_mock->isResponseComplete(1));
    QTRY_COMPARE(m_mock->activeRequests(), 0);
}

void TestMockModes::speechHoldAndAzure()
{
    // The stream limit holds binary chunks like SSE events; Azure deployment paths work.
    m_mock->setStreamEventLimit(2);
    m_client.send(RawHttpClient::buildRequest(
        "POST", "/openai/deployments/tts/audio/speech?api-version=2025-03-01-preview",
        R"({"model":"tts-1","input":"Hi","voice":"nova"})", kJson));
    QVERIFY(m_client.waitFor([this] { return m_client.peekResponse().chunks.size() == 2; }));
    QCOMPARE(m_mock->eventsWritten(1), 2);
    QVERIFY(!m_mock->isResponseComplete(1));
    m_mock->setStreamEventLimit(-1);
    RawHttpClient::Response response;
    QVERIFY(m_client.readResponse(&response));
    QVERIFY(response.body == MockUpstream::speechAudio());
}

void TestMockModes::transcriptions()
{
    const QByteArray audio = trickyFile();
    const auto post = [&](const QByteArray &model, const QByteArray &format) {
        QList<Part> parts = {{"file", audio, "speech.mp3", "audio/mpeg"}, {"model", model}};
        if (!format.isEmpty())
            parts.append({"response_format", format});
        return m_client.request("POST", "/v1/audio/transcriptions", multipart(parts),
                                multipartHeaders());
    };
    const QString text = QString::fromLatin1(MockUpstream::kTranscriptionText);

    auto response = post("gpt-4o-transcribe", {});
    QCOMPARE(response.status, 200);
    QCOMPARE(response.header("content-type"), QByteArray("application/json"));
    QJsonObject body = response.json();
    QCOMPARE(body.keys(), QStringList({"text", "usage"}));
    QCOMPARE(body.value("text").toString(), text);
    const QJsonObject usage = body.value("usage").toObject();
    QCOMPARE(usage.value("type").toString(), QStringLiteral("tokens"));
    QCOMPARE(usage.value("input_tokens").toInt(), MockUpstream::kTranscriptionInputTokens);
    QCOMPARE(usage.value("output_tokens").toInt(), MockUpstream::kTranscriptionOutputTokens);
    QCOMPARE(usage.value("total_tokens").toInt(),
             MockUpstream::kTranscriptionInputTokens + MockUpstream::kTranscriptionOutputTokens);
    QCOMPARE(usage.value("input_token_details").toObject().value("audio_tokens").toInt(),
             MockUpstream::kTranscriptionInputTokens);
    const MockUpstream::Request request = m_mock->lastRequest();
    QCOMPARE(request.formFields().value("file"), QByteArray("speech.mp3"));
    QCOMPARE(request.formFileSizes().value("file"), audio.size());
    QCOMPARE(request.formParts().first().data, audio);

    response = post("whisper-1", "json");
    body = response.json();
    QCOMPARE(body.value("usage").toObject().value("type").toString(), QStringLiteral("duration"));
    QCOMPARE(body.value("usage").toObject().value("seconds").toInt(),
             MockUpstream::kTranscriptionSeconds);

    response = post("gpt-4o-mini-transcribe", "text");
    QCOMPARE(response.status, 200);
    QCOMPARE(response.header("content-type"), QByteArray("text/plain; charset=utf-8"));
    QCOMPARE(response.body, QByteArray(MockUpstream::kTranscriptionText) + '\n');

    response = post("whisper-1", "verbose_json");
    body = response.json();
    QCOMPARE(body.value("task").toString(), QStringLiteral("transcribe"));
    QCOMPARE(body.value("text").toString(), text);
    QCOMPARE(body.value("duration").toDouble(), double(MockUpstream::kTranscriptionSeconds));
    QCOMPARE(body.value("segments").toArray().size(), 1);

    response = post("whisper-1", "srt");
    QVERIFY(response.body.startsWith("1\n00:00:00,000 --> "));
    response = post("gpt-4o-transcribe", "verbose_json");
    QCOMPARE(response.status, 400);
    QCOMPARE(response.json().value("error").toObject().value("param").toString(),
             QStringLiteral("response_format"));
}

void TestMockModes::translations()
{
    const QByteArray body =
        multipart({{"file", "ID3\r\n\r\n", "fr.mp3", "audio/mpeg"}, {"model", "whisper-1"}});
    auto response = m_client.request("POST", "/v1/audio/translations", body, multipartHeaders());
    QCOMPARE(response.status, 200);
    QCOMPARE(response.json().keys(), QStringList({"text"}));
    QCOMPARE(response.json().value("text").toString(),
             QString::fromLatin1(MockUpstream::kTranscriptionText));
    response = m_client.request(
        "POST", "/v1/audio/translations",
        multipart(
            {{"file", "x", "fr.mp3"}, {"model", "whisper-1"}, {"response_format", "verbose_json"}}),
        multipartHeaders());
    QCOMPARE(response.json().value("task").toString(), QStringLiteral("translate"));
    QVERIFY(!response.json().contains("usage"));
}

void TestMockModes::moderations()
{
    const auto response = m_client.request(
        "POST", "/v1/moderations",
        R"({"model":"omni-moderation-latest","input":["hello there","I will KILL you"]})", kJson);
    QCOMPARE(response.status, 200);
    QVERIFY(response.body.startsWith("{\n  \"id\": \"modr-mock1\",\n  \"model\": "));
    const QJsonObject body = response.json();
    QCOMPARE(body.value("model").toString(), QStringLiteral("omni-moderation-latest"));
    const QJsonArray results = body.value("results").toArray();
    QCOMPARE(results.size(), 2);
    const QJsonObject clean = results.at(0).toObject();
    const QJsonObject flagged = results.at(1).toObject();
    QCOMPARE(clean.keys(), QStringList({"categories", "category_applied_input_types",
                                        "category_scores", "flagged"}));
    QVERIFY(!clean.value("flagged").toBool());
    QVERIFY(flagged.value("flagged").toBool());
    const QJsonObject categories = flagged.value("categories").toObject();
    QCOMPARE(categories.size(), 13);
    QVERIFY(categories.value("violence").toBool());
    QVERIFY(!categories.value("hate").toBool());
    QVERIFY(categories.contains("self-harm/intent"));
    QVERIFY(flagged.value("category_scores").toObject().value("violence").toDouble() > 0.9);
    QCOMPARE(clean.value("category_scores").toObject().size(), 13);

    // Default model; a multimodal input is one result, images counted where omni scores them.
    const auto multimodal = m_client.request(
        "POST", "/v1/moderations",
        R"({"input":[{"type":"text","text":"a cat"},{"type":"image_url","image_url":{"url":"https://x/y.png"}}]})",
        kJson);
    const QJsonObject result = multimodal.json().value("results").toArray().first().toObject();
    QCOMPARE(multimodal.json().value("results").toArray().size(), 1);
    QCOMPARE(multimodal.json().value("model").toString(), QStringLiteral("omni-moderation-latest"));
    const QJsonObject types = result.value("category_applied_input_types").toObject();
    QCOMPARE(types.value("violence").toArray().size(), 2);
    QCOMPARE(types.value("hate").toArray().size(), 1);
}

void TestMockModes::rerank()
{
    const QJsonObject request{
        {"model", "BAAI/bge-reranker-v2-m3"},
        {"query", "Apple fruit"},
        {"documents", QJsonArray{"banana", "apple pie", QJsonObject{{"text", "Fruit: apple!"}}}},
        {"top_n", 2},
        {"return_documents", true}};
    const auto response = m_client.request("POST", "/v1/rerank", json(request), kJson);
    QCOMPARE(response.status, 200);
    QCOMPARE(response.header("content-type"), QByteArray("application/json"));
    QVERIFY(response.body.startsWith("{\"id\":\"rerank-mock1\",\"results\":[{\"index\":2,"));
    const QJsonObject body = response.json();
    const QJsonArray results = body.value("results").toArray();
    QCOMPARE(results.size(), 2);
    QCOMPARE(results.at(0).toObject().value("index").toInt(), 2);
    QCOMPARE(results.at(0).toObject().value("relevance_score").toDouble(),
             MockUpstream::rerankScore("Apple fruit", "Fruit: apple!"));
    QCOMPARE(MockUpstream::rerankScore("Apple fruit", "Fruit: apple!"), 0.75);
    QCOMPARE(results.at(0).toObject().value("document").toObject().value("text").toString(),
             QStringLiteral("Fruit: apple!"));
    QCOMPARE(results.at(1).toObject().value("index").toInt(), 1);
    QCOMPARE(results.at(1).toObject().value("relevance_score").toDouble(), 0.5);
    const QJsonObject meta = body.value("meta").toObject();
    QCOMPARE(meta.value("tokens").toObject().value("input_tokens").toInt(),
             3 * MockUpstream::kRerankTokensPerDocument);
    QCOMPARE(meta.value("tokens").toObject().value("output_tokens").toInt(), 0);
    QCOMPARE(meta.value("billed_units").toObject().value("input_tokens").toInt(),
             3 * MockUpstream::kRerankTokensPerDocument);

    // Defaults: every document, no documents echoed.
    const auto plain = m_client.request(
        "POST", "/v1/rerank", R"({"model":"m","query":"q","documents":["a","b"]})", kJson);
    const QJsonArray all = plain.json().value("results").toArray();
    QCOMPARE(all.size(), 2);
    QCOMPARE(all.at(0).toObject().keys(), QStringList({"index", "relevance_score"}));
    QCOMPARE(all.at(0).toObject().value("index").toInt(), 0); // Ties keep document order.
}

void TestMockModes::missingParameters()
{
    const QList<QPair<QByteArray, QByteArray>> cases = {
        {"/v1/images/generations", R"({"model":"dall-e-3"})"},
        {"/v1/audio/speech", R"({"model":"tts-1","voice":"alloy"})"},
        {"/v1/moderations", R"({"model":"omni-moderation-latest"})"},
        {"/v1/rerank", R"({"model":"m","documents":["a"]})"}};
    const QStringList params = {"prompt", "input", "input", "query"};
    for (qsizetype i = 0; i < cases.size(); ++i) {
        const auto response =
            m_client.request("POST", cases.at(i).first, cases.at(i).second, kJson);
        QCOMPARE(response.status, 400);
        const QJsonObject error = response.json().value("error").toObject();
        QCOMPARE(error.value("param").toString(), params.at(i));
        QCOMPARE(error.value("code").toString(), QStringLiteral("missing_required_parameter"));
    }
    auto response = m_client.request("POST", "/v1/audio/transcriptions",
                                     multipart({{"model", "whisper-1"}}), multipartHeaders());
    QCOMPARE(response.json().value("error").toObject().value("param").toString(),
             QStringLiteral("file"));
    response = m_client.request("POST", "/v1/images/edits",
                                multipart({{"prompt", "p"}, {"model", "gpt-image-1"}}),
                                multipartHeaders());
    QCOMPARE(response.json().value("error").toObject().value("param").toString(),
             QStringLiteral("image"));
    response =
        m_client.request("POST", "/v1/audio/transcriptions", R"({"model":"whisper-1"})", kJson);
    QCOMPARE(response.status, 400);
    QVERIFY(response.json().value("error").toObject().value("message").toString().contains(
        QLatin1String("multipart/form-data")));
    response = m_client.request("POST", "/v1/rerank", "not json", kJson);
    QCOMPARE(response.status, 400);
    response = m_client.request("GET", "/v1/audio/speech", {}, kJson);
    QCOMPARE(response.status, 404);
}

void TestMockModes::errorScenarios_data()
{
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<bool>("form");
    QTest::newRow("generations") << QByteArray("/v1/images/generations") << false;
    QTest::newRow("edits") << QByteArray("/v1/images/edits") << true;
    QTest::newRow("speech") << QByteArray("/v1/audio/speech") << false;
    QTest::newRow("transcriptions") << QByteArray("/v1/audio/transcriptions") << true;
    QTest::newRow("translations") << QByteArray("/v1/audio/translations") << true;
    QTest::newRow("moderations") << QByteArray("/v1/moderations") << false;
    QTest::newRow("rerank") << QByteArray("/v1/rerank") << false;
    QTest::newRow("azure speech")
        << QByteArray("/openai/deployments/tts/audio/speech?api-version=2025-03-01-preview")
        << false;
}

void TestMockModes::errorScenarios()
{
    QFETCH(QByteArray, path);
    QFETCH(bool, form);
    for (const int status : {429, 500, 401}) {
        const QByteArray model = "error-" + QByteArray::number(status);
        const auto response =
            form ? m_client.request("POST", path,
                                    multipart({{"file", "x", "a.wav"}, {"model", model}}),
                                    multipartHeaders())
                 : m_client.request("POST", path, json({{"model", QString::fromLatin1(model)}}),
                                    kJson);
        QCOMPARE(response.status, status);
        QCOMPARE(response.header("content-type"), QByteArray("application/json; charset=utf-8"));
        const QJsonObject error = response.json().value("error").toObject();
        QVERIFY(!error.value("message").toString().isEmpty());
        QVERIFY(error.contains("param"));
    }
    // By header, as plain text.
    const auto text = m_client.request(
        "POST", path, "{}",
        {{"Content-Type", "application/json"}, {"X-Mock-Scenario", "error-text-503"}});
    QCOMPARE(text.status, 503);
    QVERIFY(text.header("content-type").startsWith("text/plain"));
}

void TestMockModes::hangAndSlowFirstByte()
{
    // hang picked by a multipart model field.
    m_client.send(RawHttpClient::buildRequest(
        "POST", "/v1/audio/transcriptions", multipart({{"file", "x", "a.wav"}, {"model", "hang"}}),
        multipartHeaders()));
    QTRY_COMPARE(m_mock->requestCount(), 1);
    QVERIFY(!m_client.waitFor([] { return false; }, 200));
    QVERIFY(m_client.buffer().isEmpty());
    QCOMPARE(m_mock->responseStatus(1), 0);
    m_client.abort();
    QTRY_VERIFY(m_mock->isPeerClosed(1));

    RawHttpClient client;
    QVERIFY(client.connectToPort(m_mock->port()));
    m_mock->setFirstByteDelayMs(300);
    QElapsedTimer timer;
    timer.start();
    const auto response =
        client.request("POST", "/v1/audio/speech",
                       R"({"model":"slow-first-byte","input":"Hi","voice":"nova"})", kJson);
    QCOMPARE(response.status, 200);
    QVERIFY(response.body == MockUpstream::speechAudio());
    QVERIFY2(timer.elapsed() >= 300, "the answer came before the first-byte delay");
}

void TestMockModes::dropMidBody()
{
    // Non-streamed endpoints: the announced body is cut in half.
    m_client.send(RawHttpClient::buildRequest(
        "POST", "/v1/images/generations", R"({"model":"drop-mid-stream","prompt":"p"})", kJson));
    QVERIFY(m_client.waitForDisconnected());
    const RawHttpClient::Response response = m_client.peekResponse();
    QCOMPARE(response.status, 200);
    QVERIFY(!response.complete);
    QVERIFY(response.body.size() > 0);
    QVERIFY(response.body.size() < response.header("content-length").toInt());
}

QTEST_GUILESS_MAIN(TestMockModes)
#include "tst_mockmodes.moc"
