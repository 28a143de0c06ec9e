// The mock upstream's other OpenAI endpoints: images (generations, edits), audio (speech,
// transcriptions, translations), moderations (platform.openai.com/docs/api-reference), and
// rerank as SiliconFlow serves it (docs.siliconflow.cn: POST /v1/rerank, Cohere v1's shape).
// Also the multipart/form-data parser behind MockUpstream::Request's form helpers. Builds the
// answers as data; MockUpstream writes them.
#include "mockgemini_p.h"
#include "mockmodes_p.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>

#include <algorithm>

using MockWire::number;
using MockWire::quoted;
using MockWire::Reply;

namespace {

/// The value's parameters (`; key=value` or `; key="quoted"`), keys lowercased.
QMap<QByteArray, QByteArray> headerParameters(const QByteArray &value)
{
    QMap<QByteArray, QByteArray> parameters;
    qsizetype i = value.indexOf(';');
    while (i >= 0 && i < value.size()) {
        ++i; // Past ';'.
        const qsizetype equals = value.indexOf('=', i);
        if (equals < 0)
            break;
        const QByteArray key = value.mid(i, equals - i).trimmed().toLower();
        i = equals + 1;
        while (i < value.size() && (value.at(i) == ' ' || value.at(i) == '\t'))
            ++i;
        QByteArray parameter;
        if (i < value.size() && value.at(i) == '"') {
            for (++i; i < value.size() && value.at(i) != '"'; ++i) {
                if (value.at(i) == '\\' && i + 1 < value.size())
                    ++i;
                parameter += value.at(i);
            }
            i = value.indexOf(';', i);
        } else {
            const qsizetype end = value.indexOf(';', i);
            parameter = value.mid(i, end < 0 ? -1 : end - i).trimmed();
            i = end;
        }
        if (!parameters.contains(key))
            parameters.insert(key, parameter);
    }
    return parameters;
}

MockUpstream::FormPart parsePart(const QByteArray &part)
{
    MockUpstream::FormPart parsed;
    qsizetype bodyStart = 0;
    QByteArray headerBlock;
    if (part.startsWith("\r\n")) {
        bodyStart = 2; // No headers.
    } else {
        const qsizetype headerEnd = part.indexOf("\r\n\r\n");
        headerBlock = headerEnd < 0 ? part : part.left(headerEnd);
        bodyStart = headerEnd < 0 ? part.size() : headerEnd + 4;
    }
    for (const QByteArray &line : headerBlock.split('\n')) {
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            continue;
        const QByteArray name = line.left(colon).trimmed().toLower();
        const QByteArray value = line.mid(colon + 1).trimmed();
        if (name == "content-type") {
            parsed.contentType = value;
        } else if (name == "content-disposition") {
            const QMap<QByteArray, QByteArray> parameters = headerParameters(value);
            parsed.name = parameters.value("name");
            parsed.isFile = parameters.contains("filename");
            parsed.filename = parameters.value("filename");
        }
    }
    parsed.data = part.mid(bodyStart);
    return parsed;
}

QList<MockUpstream::FormPart> parseMultipart(const QByteArray &body, const QByteArray &boundary)
{
    QList<MockUpstream::FormPart> parts;
    if (boundary.isEmpty())
        return parts;
    // A CRLF in front, so the first delimiter looks like the others.
    const QByteArray data = "\r\n" + body;
    const QByteArray delimiter = "\r\n--" + boundary;
    // The next delimiter line at or after \a from: the delimiter, then "--" (the closing one) or
    // optional whitespace and CRLF. Boundary-like bytes followed by anything else are content.
    const auto findDelimiter = [&](qsizetype from, qsizetype *after, bool *closing) {
        for (qsizetype at = data.indexOf(delimiter, from); at >= 0;
             at = data.indexOf(delimiter, at + 1)) {
            qsizetype p = at + delimiter.size();
            if (data.mid(p, 2) == "--") {
                *closing = true;
                *after = p + 2;
                return at;
            }
            while (p < data.size() && (data.at(p) == ' ' || data.at(p) == '\t'))
                ++p;
            if (data.mid(p, 2) == "\r\n") {
                *closing = false;
                *after = p + 2;
                return at;
            }
        }
        return qsizetype(-1);
    };
    qsizetype after = 0;
    bool closing = false;
    if (findDelimiter(0, &after, &closing) < 0 || closing)
        return parts;
    while (true) {
        qsizetype nextAfter = 0;
        const qsizetype end = findDelimiter(after, &nextAfter, &closing);
        if (end < 0)
            return parts; // Unterminated: the incomplete part is dropped.
        parts.append(parsePart(data.mid(after, end - after)));
        if (closing)
            return parts;
        after = nextAfter;
    }
}

bool isMultipart(const MockUpstream::Request &request)
{
    return request.header("content-type").trimmed().toLower().startsWith("multipart/form-data");
}

Reply jsonReply(const QByteArray &compact)
{
    Reply reply;
    reply.contentType = "application/json";
    reply.body = MockWire::pretty(compact, 2);
    return reply;
}

Reply missingParameter(const QByteArray &param)
{
    return MockWire::openAiError(400, "Missing required parameter: '" + param + "'.",
                                 "invalid_request_error", '"' + param + '"',
                                 "\"missing_required_parameter\"");
}

Reply invalidValue(const QByteArray &message, const QByteArray &param)
{
    return MockWire::openAiError(400, message, "invalid_request_error", '"' + param + '"',
                                 "\"invalid_value\"");
}

Reply notMultipart(const MockUpstream::Request &request)
{
    return MockWire::openAiError(
        400,
        "Invalid Content-Type header (" + request.header("content-type") +
            "), expected multipart/form-data. (HINT: If you're using curl, you can pass -H "
            "'Content-Type: multipart/form-data')",
        "invalid_request_error", "null", "null");
}

/// A JSON request body, or the 400 OpenAI answers when it is not an object.
bool jsonBody(const MockUpstream::Request &request, QJsonObject *body, Reply *error)
{
    QJsonParseError parseError{};
    const QJsonDocument document = QJsonDocument::fromJson(request.body, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
        *error = MockWire::invalidJsonError();
        return false;
    }
    *body = document.object();
    return true;
}

Reply images(const MockUpstream::Request &request, bool edit)
{
    QString model;
    QString prompt;
    QString responseFormat;
    int n = 1;
    int inputImages = 0;
    if (edit) {
        if (!isMultipart(request))
            return notMultipart(request);
        const QMap<QByteArray, QByteArray> fields = request.formFields();
        model = QString::fromUtf8(fields.value("model", "dall-e-2"));
        prompt = QString::fromUtf8(fields.value("prompt"));
        responseFormat = QString::fromUtf8(fields.value("response_format"));
        n = fields.value("n", "1").toInt();
        for (const MockUpstream::FormPart &part : request.formParts()) {
            if (part.isFile && (part.name == "image" || part.name == "image[]"))
                ++inputImages;
        }
        if (inputImages == 0)
            return missingParameter("image");
    } else {
        QJsonObject body;
        Reply error;
        if (!jsonBody(request, &body, &error))
            return error;
        model = body.value(QStringLiteral("model")).toString(QStringLiteral("dall-e-2"));
        prompt = body.value(QStringLiteral("prompt")).toString();
        responseFormat = body.value(QStringLiteral("response_format")).toString();
        n = body.value(QStringLiteral("n")).toInt(1);
    }
    if (prompt.isEmpty())
        return missingParameter("prompt");
    if (n < 1 || n > 10)
        return invalidValue("Invalid 'n': integer out of range. Expected a value between 1 and 10, "
                            "but got " +
                                number(n) + " instead.",
                            "n");
    const bool gptImage = model.startsWith(QLatin1String("gpt-image"));
    const bool base64 = gptImage || responseFormat == QLatin1String("b64_json");
    QByteArray data;
    for (int i = 0; i < n; ++i) {
        data += i ? "," : "";
        data += base64 ? "{\"b64_json\":\"" + QByteArray(MockUpstream::kImageB64Json) + "\"}"
                       : "{\"url\":\"" + QByteArray(MockUpstream::kImageUrlPrefix) + "img-mock" +
                             number(request.id) + '-' + number(i) + ".png\"}";
    }
    QByteArray json =
        "{\"created\":" + number(QDateTime::currentSecsSinceEpoch()) + ",\"data\":[" + data + ']';
    if (gptImage)
        json += ",\"usage\":" + MockUpstream::imageUsage(n, inputImages);
    return jsonReply(json + '}');
}

QByteArray speechContentType(const QString &format)
{
    static const QHash<QString, QByteArray> types = {
        {QStringLiteral("mp3"), "audio/mpeg"}, {QStringLiteral("opus"), "audio/opus"},
        {QStringLiteral("aac"), "audio/aac"},  {QStringLiteral("flac"), "audio/flac"},
        {QStringLiteral("wav"), "audio/wav"},  {QStringLiteral("pcm"), "audio/pcm"}};
    return types.value(format);
}

Reply speech(const MockUpstream::Request &request, const QByteArray &scenario)
{
    QJsonObject body;
    Reply reply;
    if (!jsonBody(request, &body, &reply))
        return reply;
    if (body.value(QStringLiteral("model")).toString().isEmpty())
        return missingParameter("model");
    if (body.value(QStringLiteral("input")).toString().isEmpty())
        return missingParameter("input");
    if (body.value(QStringLiteral("voice")).toString().isEmpty())
        return missingParameter("voice");
    const QString format =
        body.value(QStringLiteral("response_format")).toString(QStringLiteral("mp3"));
    reply.contentType = speechContentType(format);
    if (reply.contentType.isEmpty())
        return invalidValue("Invalid value: '" + format.toUtf8() +
                                "'. Supported values are: 'mp3', 'opus', 'aac', 'flac', 'wav', "
                                "and 'pcm'.",
                            "response_format");
    const QByteArray audio = MockUpstream::speechAudio();
    const qsizetype chunk = audio.size() / MockUpstream::kSpeechChunks;
    for (int i = 0; i < MockUpstream::kSpeechChunks; ++i)
        reply.events << audio.mid(i * chunk, chunk);
    reply.stream = true;
    if (scenario == "drop-mid-stream")
        reply.dropAfter = MockUpstream::kSpeechChunks / 2;
    return reply;
}

Reply audioText(const MockUpstream::Request &request, bool translation)
{
    if (!isMultipart(request))
        return notMultipart(request);
    const QList<MockUpstream::FormPart> parts = request.formParts();
    const bool hasFile = std::any_of(parts.cbegin(), parts.cend(), [](const auto &part) {
        return part.isFile && part.name == "file";
    });
    if (!hasFile)
        return missingParameter("file");
    const QMap<QByteArray, QByteArray> fields = request.formFields();
    const QByteArray model = fields.value("model");
    if (model.isEmpty())
        return missingParameter("model");
    const QByteArray format = fields.value("response_format", "json");
    const bool tokenModel = model.startsWith("gpt-4o");
    const QByteArray text = MockUpstream::kTranscriptionText;
    const QByteArray seconds = number(MockUpstream::kTranscriptionSeconds);
    if (tokenModel && format != "json" && format != "text")
        return MockWire::openAiError(
            400,
            "response_format '" + format + "' is not compatible with model '" + model +
                "'. Use 'json' or 'text' instead.",
            "invalid_request_error", "\"response_format\"", "\"unsupported_value\"");
    Reply reply;
    if (format == "text" || format == "srt" || format == "vtt") {
        reply.contentType = "text/plain; charset=utf-8";
        if (format == "text")
            reply.body = text + '\n';
        else if (format == "srt")
            reply.body = "1\n00:00:00,000 --> 00:00:0" + seconds + ",000\n" + text + "\n\n";
        else
            reply.body = "WEBVTT\n\n00:00:00.000 --> 00:00:0" + seconds + ".000\n" + text + "\n\n";
        return reply;
    }
    const QByteArray durationUsage = "{\"type\":\"duration\",\"seconds\":" + seconds + '}';
    if (format == "verbose_json") {
        QByteArray json = QByteArray("{\"task\":") +
                          (translation ? "\"translate\"" : "\"transcribe\"") +
                          ",\"language\":\"english\",\"duration\":" + seconds +
                          ".0,\"text\":" + quoted(QString::fromUtf8(text)) +
                          ",\"segments\":[{\"id\":0,\"seek\":0,\"start\":0.0,\"end\":" + seconds +
                          ".0,\"text\":" + quoted(QLatin1Char(' ') + QString::fromUtf8(text)) +
                          ",\"tokens\":[50364,440,1702,3699,21283,13,50514],\"temperature\":0.0,"
                          "\"avg_logprob\":-0.25,\"compression_ratio\":0.9,\"no_speech_prob\":"
                          "0.01}]";
        if (!translation)
            json += ",\"usage\":" + durationUsage;
        return jsonReply(json + '}');
    }
    if (format != "json")
        return invalidValue("Invalid value: '" + format +
                                "'. Supported values are: 'json', 'text', 'srt', 'verbose_json', "
                                "and 'vtt'.",
                            "response_format");
    QByteArray json = "{\"text\":" + quoted(QString::fromUtf8(text));
    if (tokenModel) {
        json += ",\"usage\":{\"type\":\"tokens\",\"input_tokens\":" +
                number(MockUpstream::kTranscriptionInputTokens) +
                ",\"input_token_details\":{\"text_tokens\":0,\"audio_tokens\":" +
                number(MockUpstream::kTranscriptionInputTokens) +
                "},\"output_tokens\":" + number(MockUpstream::kTranscriptionOutputTokens) +
                ",\"total_tokens\":" +
                number(MockUpstream::kTranscriptionInputTokens +
                       MockUpstream::kTranscriptionOutputTokens) +
                '}';
    } else if (!translation) {
        json += ",\"usage\":" + durationUsage;
    }
    return jsonReply(json + '}');
}

Reply moderations(const MockUpstream::Request &request)
{
    QJsonObject body;
    Reply error;
    if (!jsonBody(request, &body, &error))
        return error;
    const QJsonValue input = body.value(QStringLiteral("input"));
    struct Input
    {
        QString text;
        bool image = false;
    };
    QList<Input> inputs;
    if (input.isString()) {
        inputs.append({input.toString()});
    } else if (input.isArray() && !input.toArray().isEmpty()) {
        const QJsonArray array = input.toArray();
        if (array.first().isObject()) { // Multimodal: one input made of parts.
            Input combined;
            for (const QJsonValue &part : array) {
                const QJsonObject object = part.toObject();
                if (object.value(QStringLiteral("type")).toString() == QLatin1String("image_url"))
                    combined.image = true;
                else
                    combined.text += object.value(QStringLiteral("text")).toString();
            }
            inputs.append(combined);
        } else {
            for (const QJsonValue &text : array)
                inputs.append({text.toString()});
        }
    }
    if (inputs.isEmpty())
        return missingParameter("input");
    // OpenAI's order; the image-capable categories are those omni-moderation scores images for.
    static const QList<QPair<QByteArray, bool>> categories = {{"harassment", false},
                                                              {"harassment/threatening", false},
                                                              {"sexual", true},
                                                              {"hate", false},
                                                              {"hate/threatening", false},
                                                              {"illicit", false},
                                                              {"illicit/violent", false},
                                                              {"self-harm/intent", true},
                                                              {"self-harm/instructions", true},
                                                              {"self-harm", true},
                                                              {"sexual/minors", false},
                                                              {"violence", true},
                                                              {"violence/graphic", true}};
    QByteArray results;
    for (const Input &item : inputs) {
        const bool flagged = item.text.contains(QLatin1String(MockUpstream::kModerationFlagWord),
                                                Qt::CaseInsensitive);
        QByteArray flags;
        QByteArray scores;
        QByteArray inputTypes;
        for (const auto &[name, imageCapable] : categories) {
            const QByteArray separator = flags.isEmpty() ? "" : ",";
            const bool hit = flagged && name == "violence";
            flags += separator + '"' + name + "\":" + (hit ? "true" : "false");
            scores += separator + '"' + name + "\":" + (hit ? "0.9712" : "0.0001");
            inputTypes += separator + '"' + name + "\":" +
                          (item.image && imageCapable ? "[\"text\",\"image\"]" : "[\"text\"]");
        }
        results += (results.isEmpty() ? "" : ",") + QByteArray("{\"flagged\":") +
                   (flagged ? "true" : "false") + ",\"categories\":{" + flags +
                   "},\"category_scores\":{" + scores + "},\"category_applied_input_types\":{" +
                   inputTypes + "}}";
    }
    const QString model =
        body.value(QStringLiteral("model")).toString(QStringLiteral("omni-moderation-latest"));
    return jsonReply("{\"id\":\"modr-mock" + number(request.id) + "\",\"model\":" + quoted(model) +
                     ",\"results\":[" + results + "]}");
}

Reply rerank(const MockUpstream::Request &request)
{
    QJsonObject body;
    Reply reply;
    if (!jsonBody(request, &body, &reply))
        return reply;
    const QString query = body.value(QStringLiteral("query")).toString();
    if (query.isEmpty())
        return missingParameter("query");
    const QJsonArray documents = body.value(QStringLiteral("documents")).toArray();
    if (documents.isEmpty())
        return missingParameter("documents");
    QStringList texts;
    for (const QJsonValue &document : documents)
        texts << (document.isObject() ? document.toObject().value(QStringLiteral("text")).toString()
                                      : document.toString());
    const int topN = body.value(QStringLiteral("top_n")).toInt(int(texts.size()));
    const bool returnDocuments = body.value(QStringLiteral("return_documents")).toBool(false);
    QByteArray results;
    for (const auto &[index, score] : MockWire::rankDocuments(query, texts, topN)) {
        results += (results.isEmpty() ? "" : ",") + QByteArray("{\"index\":") + number(index) +
                   ",\"relevance_score\":" + QByteArray::number(score, 'g', 17);
        if (returnDocuments)
            results += ",\"document\":{\"text\":" + quoted(texts.at(index)) + '}';
        results += '}';
    }
    const QByteArray tokens = number(MockUpstream::kRerankTokensPerDocument * texts.size());
    reply.contentType = "application/json";
    reply.body = "{\"id\":\"rerank-mock" + number(request.id) + "\",\"results\":[" + results +
                 "],\"meta\":{\"billed_units\":{\"input_tokens\":" + tokens +
                 ",\"output_tokens\":0,\"search_units\":0,\"classifications\":0},\"tokens\":{"
                 "\"input_tokens\":" +
                 tokens + ",\"output_tokens\":0}}}";
    return reply;
}

QSet<QString> words(const QString &text)
{
    static const QRegularExpression separators(QStringLiteral("[^\\p{L}\\p{N}]+"));
    const QStringList list = text.toLower().split(separators, Qt::SkipEmptyParts);
    return QSet<QString>(list.cbegin(), list.cend());
}

} // namespace

QList<MockUpstream::FormPart> MockUpstream::Request::formParts() const
{
    const QByteArray contentType = header("content-type");
    if (!contentType.trimmed().toLower().startsWith("multipart/form-data"))
        return {};
    return parseMultipart(body, headerParameters(contentType).value("boundary"));
}

QList<QByteArray> MockUpstream::Request::formFieldNames() const
{
    QList<QByteArray> names;
    for (const FormPart &part : formParts())
        names << part.name;
    return names;
}

QMap<QByteArray, QByteArray> MockUpstream::Request::formFields() const
{
    QMap<QByteArray, QByteArray> fields;
    for (const FormPart &part : formParts()) {
        if (!fields.contains(part.name))
            fields.insert(part.name, part.isFile ? part.filename : part.data);
    }
    return fields;
}

QMap<QByteArray, qsizetype> MockUpstream::Request::formFileSizes() const
{
    QMap<QByteArray, qsizetype> sizes;
    for (const FormPart &part : formParts()) {
        if (part.isFile && !sizes.contains(part.name))
            sizes.insert(part.name, part.data.size());
    }
    return sizes;
}

QString MockUpstream::Request::model() const
{
    if (MockWire::isGeminiPath(path))
        return MockWire::geminiPathModel(path);
    if (isMultipart(*this))
        return QString::fromUtf8(formFields().value("model"));
    return json().value(QStringLiteral("model")).toString();
}

QByteArray MockUpstream::imageUsage(int images, int inputImages)
{
    const int input = kImageTextTokens + inputImages * kImageInputImageTokens;
    const int output = images * kImageOutputTokensPerImage;
    return "{\"total_tokens\":" + number(input + output) + ",\"input_tokens\":" + number(input) +
           ",\"output_tokens\":" + number(output) +
           ",\"input_tokens_details\":{\"text_tokens\":" + number(kImageTextTokens) +
           ",\"image_tokens\":" + number(inputImages * kImageInputImageTokens) + "}}";
}

QByteArray MockUpstream::speechAudio()
{
    QByteArray audio(kSpeechBytes, Qt::Uninitialized);
    for (int i = 0; i < kSpeechBytes; ++i)
        audio[i] = char((i * 253 + i / 256) & 0xff);
    return audio;
}

double MockUpstream::rerankScore(const QString &query, const QString &document)
{
    const QSet<QString> queryWords = words(query);
    const QSet<QString> documentWords = words(document);
    qsizetype found = 0;
    for (const QString &word : queryWords)
        found += documentWords.contains(word) ? 1 : 0;
    return double(found + 1) / double(queryWords.size() + 2);
}

bool MockWire::isModesPath(const QByteArray &path)
{
    static const QList<QByteArray> paths = {"/v1/images/generations",
                                            "/v1/images/edits",
                                            "/v1/audio/speech",
                                            "/v1/audio/transcriptions",
                                            "/v1/audio/translations",
                                            "/v1/moderations",
                                            "/v1/rerank"};
    return paths.contains(path);
}

Reply MockWire::modesReply(const MockUpstream::Request &request, const QByteArray &path,
                           const QByteArray &scenario)
{
    if (path == "/v1/images/generations" || path == "/v1/images/edits")
        return images(request, path.endsWith("edits"));
    if (path == "/v1/audio/speech")
        return speech(request, scenario);
    if (path == "/v1/audio/transcriptions" || path == "/v1/audio/translations")
        return audioText(request, path.endsWith("translations"));
    if (path == "/v1/moderations")
        return moderations(request);
    return rerank(request);
}
