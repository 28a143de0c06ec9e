// The mock upstream's Google Gemini API: POST /v1beta/models/<model>:generateContent,
// :streamGenerateContent?alt=sse and :batchEmbedContents, in Gemini's wire format
// (ai.google.dev: generateContent and streamGenerateContent references, GenerateContentResponse,
// batchEmbedContents, API errors). Builds the answers as data; MockUpstream writes them.
#include "mockgemini_p.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrlQuery>

using MockWire::number;
using MockWire::quoted;
using MockWire::Reply;

namespace {

/// Compact JSON as Google writes stream events: a space after every `:`, none after `,`.
QByteArray googleJson(const QByteArray &compact)
{
    return MockWire::pretty(compact, 0);
}

/// Field \a camel of \a object, else its snake_case spelling \a snake (the REST API takes both).
QJsonValue field(const QJsonObject &object, const char *camel, const char *snake)
{
    const QJsonValue value = object.value(QLatin1String(camel));
    return value.isUndefined() ? object.value(QLatin1String(snake)) : value;
}

/// Google's canonical status name for an HTTP status, and the message its API sends with it.
QPair<QByteArray, QByteArray> errorKind(int status, const QString &model)
{
    switch (status) {
    case 400:
        return {"INVALID_ARGUMENT", "Request contains an invalid argument."};
    case 401:
        return {"UNAUTHENTICATED",
                "Request had invalid authentication credentials. Expected OAuth 2 access token, "
                "login cookie or other valid authentication credential."};
    case 403:
        return {"PERMISSION_DENIED", "The caller does not have permission"};
    case 404:
        return {"NOT_FOUND", "models/" + model.toUtf8() +
                                 " is not found for API version v1beta, or is not supported for "
                                 "generateContent. Call ListModels to see the list of available "
                                 "models and their supported methods."};
    case 429:
        return {"RESOURCE_EXHAUSTED", "Resource has been exhausted (e.g. check quota)."};
    case 500:
        return {"INTERNAL", "An internal error has occurred. Please retry or report in "
                            "https://developers.generativeai.google/guide/troubleshooting"};
    case 503:
        return {"UNAVAILABLE", "The model is overloaded. Please try again later."};
    case 504:
        return {"DEADLINE_EXCEEDED", "The request timed out. Please try again."};
    default:
        return {status < 500 ? "FAILED_PRECONDITION" : "INTERNAL",
                "mock upstream error " + number(status)};
    }
}

/// `{"error":{"code","message","status"[,"details"]}}`, compact.
QByteArray errorJson(int status, const QByteArray &state, const QByteArray &message,
                     const QByteArray &details = {})
{
    return "{\"error\":{\"code\":" + number(status) +
           ",\"message\":" + quoted(QString::fromUtf8(message)) + ",\"status\":\"" + state + '"' +
           (details.isEmpty() ? QByteArray() : ",\"details\":" + details) + "}}";
}

/// Gemini's error answer, indented by 2 as Google sends it.
Reply errorReply(int status, const QByteArray &state, const QByteArray &message,
                 const QByteArray &details = {})
{
    Reply reply;
    reply.status = status;
    reply.contentType = "application/json; charset=UTF-8";
    reply.body = MockWire::pretty(errorJson(status, state, message, details), 2) + '\n';
    return reply;
}

Reply statusError(int status, const QString &model)
{
    const auto [state, message] = errorKind(status, model);
    return errorReply(status, state, message);
}

QByteArray responseId(int id)
{
    return "mockResp" + number(id).rightJustified(15, '0');
}

QByteArray finalUsage()
{
    const int total = MockUpstream::kGeminiPromptTokens + MockUpstream::kGeminiCandidatesTokens +
                      MockUpstream::kGeminiThoughtsTokens;
    return "{\"promptTokenCount\":" + number(MockUpstream::kGeminiPromptTokens) +
           ",\"candidatesTokenCount\":" + number(MockUpstream::kGeminiCandidatesTokens) +
           ",\"totalTokenCount\":" + number(total) +
           ",\"cachedContentTokenCount\":" + number(MockUpstream::kGeminiCachedTokens) +
           ",\"promptTokensDetails\":[{\"modality\":\"TEXT\",\"tokenCount\":" +
           number(MockUpstream::kGeminiPromptTokens) +
           "}],\"cacheTokensDetails\":[{\"modality\":\"TEXT\",\"tokenCount\":" +
           number(MockUpstream::kGeminiCachedTokens) +
           "}],\"thoughtsTokenCount\":" + number(MockUpstream::kGeminiThoughtsTokens) + '}';
}

/// What streamed events before the last one report: the prompt only.
QByteArray interimUsage()
{
    const QByteArray prompt = number(MockUpstream::kGeminiPromptTokens);
    return "{\"promptTokenCount\":" + prompt + ",\"totalTokenCount\":" + prompt +
           ",\"promptTokensDetails\":[{\"modality\":\"TEXT\",\"tokenCount\":" + prompt + "}]}";
}

QByteArray textPart(const QString &text, bool thought)
{
    return "{\"text\":" + quoted(text) + (thought ? ",\"thought\":true}" : "}");
}

/// The function the answer calls: allowedFunctionNames[0], else the first declaration; empty
/// when the request declares none or its mode is NONE.
QString calledFunction(const QJsonObject &body)
{
    const QJsonObject config = field(field(body, "toolConfig", "tool_config").toObject(),
                                     "functionCallingConfig", "function_calling_config")
                                   .toObject();
    if (config.value(QStringLiteral("mode")).toString() == QLatin1String("NONE"))
        return {};
    const QJsonArray allowed =
        field(config, "allowedFunctionNames", "allowed_function_names").toArray();
    QString first;
    for (const QJsonValue &tool : body.value(QStringLiteral("tools")).toArray()) {
        const QJsonArray declarations =
            field(tool.toObject(), "functionDeclarations", "function_declarations").toArray();
        if (first.isEmpty() && !declarations.isEmpty())
            first = declarations.first().toObject().value(QStringLiteral("name")).toString();
    }
    if (first.isEmpty())
        return {};
    return allowed.isEmpty() ? first : allowed.first().toString();
}

/// One GenerateContentResponse: a candidate with \a parts (and \a finish), then \a usage.
QByteArray response(const QList<QByteArray> &parts, bool finish, const QByteArray &usage,
                    const QString &model, int id)
{
    return "{\"candidates\":[{\"content\":{\"parts\":[" + parts.join(',') +
           "],\"role\":\"model\"}" + (finish ? ",\"finishReason\":\"STOP\"" : "") +
           "}],\"usageMetadata\":" + usage + ",\"modelVersion\":" + quoted(model) +
           ",\"responseId\":\"" + responseId(id) + "\"}";
}

Reply generateReply(const QJsonObject &body, const QString &model, int id, bool stream,
                    const QByteArray &scenario)
{
    const bool thinking =
        field(field(field(body, "generationConfig", "generation_config").toObject(),
                    "thinkingConfig", "thinking_config")
                  .toObject(),
              "includeThoughts", "include_thoughts")
            .toBool();
    // "…notools…" models answer in text whatever is declared (coding agents declare tools on
    // every turn).
    const QString function =
        model.contains(QLatin1String("notools")) ? QString() : calledFunction(body);
    const QByteArray callPart = function.isEmpty()
                                    ? QByteArray()
                                    : "{\"functionCall\":{\"name\":" + quoted(function) +
                                          ",\"args\":" + MockUpstream::toolArguments().toUtf8() +
                                          "},\"thoughtSignature\":\"" +
                                          MockUpstream::kGeminiThoughtSignature + "\"}";

    Reply reply;
    if (!stream) {
        QList<QByteArray> parts;
        if (thinking)
            parts << textPart(QString::fromLatin1(MockUpstream::kGeminiThought), true);
        parts << (function.isEmpty() ? textPart(MockUpstream::replyText(), false) : callPart);
        reply.contentType = "application/json; charset=UTF-8";
        reply.body = MockWire::pretty(response(parts, true, finalUsage(), model, id), 2) + '\n';
        return reply;
    }

    reply.stream = true;
    reply.contentType = "text/event-stream";
    QList<QByteArray> payloads;
    if (thinking) {
        for (const QString &piece : MockUpstream::geminiThoughtPieces())
            payloads << response({textPart(piece, true)}, false, interimUsage(), model, id);
    }
    if (function.isEmpty()) {
        const QStringList pieces = MockUpstream::replyPieces();
        for (qsizetype i = 0; i < pieces.size(); ++i) {
            const bool last = i + 1 == pieces.size();
            payloads << response({textPart(pieces.at(i), false)}, last,
                                 last ? finalUsage() : interimUsage(), model, id);
        }
    } else {
        payloads << response({callPart}, true, finalUsage(), model, id);
    }
    for (const QByteArray &payload : std::as_const(payloads))
        reply.events << "data: " + googleJson(payload) + "\r\n\r\n";

    if (scenario == "drop-mid-stream") {
        reply.dropAfter = MockUpstream::kGeminiDropAfterEvents;
    } else if (scenario == "error-event-mid-stream") {
        reply.events = reply.events.mid(0, MockUpstream::kGeminiDropAfterEvents);
        const auto [state, message] = errorKind(503, model);
        reply.events << "data: " + googleJson(errorJson(503, state, message)) + "\r\n\r\n";
        reply.closeAfter = true;
    }
    return reply;
}

Reply embedReply(const QJsonObject &body, const QString &model)
{
    const QJsonArray requests = body.value(QStringLiteral("requests")).toArray();
    if (requests.isEmpty())
        return errorReply(400, "INVALID_ARGUMENT",
                          "* BatchEmbedContentsRequest.requests: requests is not specified\n");
    QList<QByteArray> embeddings;
    for (qsizetype i = 0; i < requests.size(); ++i) {
        const QJsonObject one = requests.at(i).toObject();
        const QString wanted = QStringLiteral("models/") + model;
        if (one.value(QStringLiteral("model")).toString() != wanted)
            return errorReply(400, "INVALID_ARGUMENT",
                              "Model names should start with `models/`, and the model of "
                              "requests[" +
                                  number(i) + "] must be " + wanted.toUtf8() + '.');
        const int dimensions = field(one, "outputDimensionality", "output_dimensionality")
                                   .toInt(MockUpstream::kDefaultEmbeddingDimensions);
        QByteArray values;
        for (const float value : MockUpstream::embedding(int(i), dimensions))
            values += (values.isEmpty() ? "" : ",") + QByteArray::number(double(value), 'g', 9);
        embeddings << "{\"values\":[" + values + "]}";
    }
    Reply reply;
    reply.contentType = "application/json; charset=UTF-8";
    reply.body = MockWire::pretty("{\"embeddings\":[" + embeddings.join(',') + "]}", 2) + '\n';
    return reply;
}

} // namespace

QStringList MockUpstream::geminiThoughtPieces()
{
    return MockWire::splitAfterFirstPeriod(kGeminiThought);
}

bool MockWire::isGeminiPath(const QByteArray &path)
{
    return path.startsWith("/v1beta/models/");
}

QString MockWire::geminiPathModel(const QByteArray &path)
{
    if (!isGeminiPath(path))
        return {};
    const QByteArray target = path.split('?').first().mid(15);
    const qsizetype colon = target.lastIndexOf(':');
    return QString::fromUtf8(colon < 0 ? target : target.left(colon));
}

Reply MockWire::geminiReply(const MockUpstream::Request &request, const QByteArray &path,
                            const QByteArray &scenario, const QByteArray &requiredKey)
{
    const qsizetype queryAt = request.path.indexOf('?');
    const QUrlQuery query(queryAt < 0 ? QString()
                                      : QString::fromUtf8(request.path.mid(queryAt + 1)));
    QByteArray key = request.header("x-goog-api-key");
    if (key.isEmpty())
        key = query.queryItemValue(QStringLiteral("key")).toUtf8();
    if (key.isEmpty())
        return errorReply(403, "PERMISSION_DENIED",
                          "Method doesn't allow unregistered callers (callers without established "
                          "identity). Please use API Key or other form of API consumer identity "
                          "to call this API.");
    if (!requiredKey.isEmpty() && key != requiredKey)
        return errorReply(400, "INVALID_ARGUMENT",
                          "API key not valid. Please pass a valid API key.",
                          "[{\"@type\":\"type.googleapis.com/google.rpc.ErrorInfo\",\"reason\":"
                          "\"API_KEY_INVALID\",\"domain\":\"googleapis.com\",\"metadata\":{"
                          "\"service\":\"generativelanguage.googleapis.com\"}}]");

    const QString model = geminiPathModel(path);
    if (scenario.startsWith("error-text-"))
        return MockWire::plainTextError(scenario);
    if (scenario.startsWith("error-") && scenario != "error-event-mid-stream")
        return statusError(scenario.mid(6).toInt(), model);

    const QByteArray action = path.mid(path.lastIndexOf(':') + 1);
    const bool stream = action == "streamGenerateContent";
    if (request.method != "POST" || model.isEmpty() ||
        (action != "generateContent" && !stream && action != "batchEmbedContents"))
        return statusError(404, model);
    if (stream && query.queryItemValue(QStringLiteral("alt")) != QLatin1String("sse"))
        return errorReply(400, "INVALID_ARGUMENT",
                          "the mock streams only with alt=sse (JSON-array streaming is not "
                          "implemented)");
    QJsonParseError parseError{};
    const QJsonDocument document = QJsonDocument::fromJson(request.body, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject())
        return errorReply(400, "INVALID_ARGUMENT",
                          "Invalid JSON payload received. Unexpected token.");
    const QJsonObject body = document.object();
    if (action == "batchEmbedContents")
        return embedReply(body, model);
    if (body.value(QStringLiteral("contents")).toArray().isEmpty())
        return errorReply(400, "INVALID_ARGUMENT",
                          "* GenerateContentRequest.contents: contents is not specified\n");
    return generateReply(body, model, request.id, stream, scenario);
}
