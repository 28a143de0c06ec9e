// The mock upstream's Anthropic Messages API: POST /v1/messages (plain and streamed) and
// /v1/messages/count_tokens, in Anthropic's wire format (docs.anthropic.com: Messages, Streaming
// Messages, Errors). Builds the answers as data; MockUpstream writes them.
#include "mockanthropic_p.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using MockWire::quoted;
using MockWire::Reply;

namespace {

/// Anthropic's error type for an HTTP status, and the message its API sends with it.
QPair<QByteArray, QByteArray> errorKind(int status, const QString &model)
{
    switch (status) {
    case 400:
        return {"invalid_request_error", "messages: at least one message is required"};
    case 401:
        return {"authentication_error", "invalid x-api-key"};
    case 403:
        return {"permission_error",
                "Your API key does not have permission to use the specified resource."};
    case 404:
        return {"not_found_error", "model: " + model.toUtf8()};
    case 413:
        return {"request_too_large", "Request exceeds the maximum allowed number of bytes."};
    case 429:
        return {"rate_limit_error",
                "This request would exceed the rate limit for your organization of 50 requests "
                "per minute. Please reduce the prompt length or the maximum tokens requested, or "
                "try again later."};
    case 500:
        return {"api_error", "Internal server error"};
    case 529:
        return {"overloaded_error", "Overloaded"};
    default:
        return {status < 500 ? "invalid_request_error" : "api_error",
                "mock upstream error " + QByteArray::number(status)};
    }
}

QByteArray requestId(int id)
{
    return "req_mock" + QByteArray::number(id);
}

/// `{"type":"error","error":{"type":…,"message":…},"request_id":…}`.
QByteArray errorJson(int id, const QByteArray &type, const QByteArray &message)
{
    return "{\"type\":\"error\",\"error\":{\"type\":" + quoted(QString::fromUtf8(type)) +
           ",\"message\":" + quoted(QString::fromUtf8(message)) +
           "},\"request_id\":" + quoted(QString::fromLatin1(requestId(id))) + '}';
}

Reply errorReply(int id, int status, const QByteArray &type, const QByteArray &message)
{
    Reply reply;
    reply.status = status;
    reply.contentType = "application/json";
    reply.body = errorJson(id, type, message);
    if (status == 429)
        reply.headers.append(
            qMakePair(QByteArray("retry-after"),
                      QByteArray::number(MockUpstream::kAnthropicRetryAfterSeconds)));
    return reply;
}

/// One SSE event as Anthropic writes it: its type on an `event:` line, then the JSON.
QByteArray namedEvent(const QByteArray &type, const QByteArray &json)
{
    return "event: " + type + "\ndata: " + json + "\n\n";
}

QByteArray usageJson(int outputTokens)
{
    return "{\"input_tokens\":" + QByteArray::number(MockUpstream::kAnthropicInputTokens) +
           ",\"cache_creation_input_tokens\":" +
           QByteArray::number(MockUpstream::kAnthropicCacheCreationTokens) +
           ",\"cache_read_input_tokens\":" +
           QByteArray::number(MockUpstream::kAnthropicCacheReadTokens) +
           ",\"output_tokens\":" + QByteArray::number(outputTokens) + '}';
}

/// One content block of the answer: its complete JSON, its streamed start and its deltas.
struct Block
{
    QByteArray complete;
    QByteArray start;
    QList<QByteArray> deltas;
};

QList<Block> contentBlocks(const QJsonObject &body, int id, bool *toolUse)
{
    QList<Block> blocks;
    const QString thinkingType =
        body.value(QStringLiteral("thinking")).toObject().value(QStringLiteral("type")).toString();
    if (thinkingType == QLatin1String("enabled") || thinkingType == QLatin1String("adaptive")) {
        const QByteArray thinking = quoted(QString::fromLatin1(MockUpstream::kAnthropicThinking));
        const QByteArray signature = quoted(QString::fromLatin1(MockUpstream::kAnthropicSignature));
        Block block;
        block.complete =
            "{\"type\":\"thinking\",\"thinking\":" + thinking + ",\"signature\":" + signature + '}';
        block.start = "{\"type\":\"thinking\",\"thinking\":\"\"}";
        for (const QString &piece : MockUpstream::anthropicThinkingPieces())
            block.deltas << "{\"type\":\"thinking_delta\",\"thinking\":" + quoted(piece) + '}';
        block.deltas << "{\"type\":\"signature_delta\",\"signature\":" + signature + '}';
        blocks << block;
    }

    Block text;
    text.complete = "{\"type\":\"text\",\"text\":" + quoted(MockUpstream::replyText()) + '}';
    text.start = "{\"type\":\"text\",\"text\":\"\"}";
    for (const QString &piece : MockUpstream::replyPieces())
        text.deltas << "{\"type\":\"text_delta\",\"text\":" + quoted(piece) + '}';
    blocks << text;

    const QJsonArray tools = body.value(QStringLiteral("tools")).toArray();
    const QJsonObject toolChoice = body.value(QStringLiteral("tool_choice")).toObject();
    const QString choiceType = toolChoice.value(QStringLiteral("type")).toString();
    // Models named "…notools…" answer in text whatever tools are offered (coding agents offer
    // tools on every turn; a mock that always called one would never end their loop).
    *toolUse = !tools.isEmpty() && choiceType != QLatin1String("none") &&
               !body.value(QStringLiteral("model")).toString().contains(QLatin1String("notools"));
    if (*toolUse) {
        const QString name =
            choiceType == QLatin1String("tool")
                ? toolChoice.value(QStringLiteral("name")).toString()
                : tools.first().toObject().value(QStringLiteral("name")).toString();
        const QByteArray head = "{\"type\":\"tool_use\",\"id\":\"toolu_mock" +
                                QByteArray::number(id).rightJustified(14, '0') +
                                "\",\"name\":" + quoted(name) + ",\"input\":";
        Block block;
        block.complete = head + MockUpstream::toolArguments().toUtf8() + '}';
        block.start = head + "{}}";
        // Anthropic opens every tool input with an empty partial_json.
        block.deltas << "{\"type\":\"input_json_delta\",\"partial_json\":\"\"}";
        for (const QString &piece : MockUpstream::toolArgumentPieces())
            block.deltas << "{\"type\":\"input_json_delta\",\"partial_json\":" + quoted(piece) +
                                '}';
        blocks << block;
    }
    return blocks;
}

} // namespace

Reply MockWire::anthropicMessageReply(const QJsonObject &body, int id, const QByteArray &scenario)
{
    const QByteArray messageId =
        "\"msg_mock" + QByteArray::number(id).rightJustified(16, '0') + '"';
    const QByteArray model = quoted(body.value(QStringLiteral("model")).toString());
    bool toolUse = false;
    const QList<Block> blocks = contentBlocks(body, id, &toolUse);
    const QByteArray stopReason = toolUse ? "\"tool_use\"" : "\"end_turn\"";

    Reply reply;
    if (!body.value(QStringLiteral("stream")).toBool()) {
        QByteArray content;
        for (const Block &block : blocks)
            content += (content.isEmpty() ? "" : ",") + block.complete;
        reply.contentType = "application/json";
        reply.body =
            "{\"id\":" + messageId +
            ",\"type\":\"message\",\"role\":\"assistant\",\"model\":" + model + ",\"content\":[" +
            content + "],\"stop_reason\":" + stopReason +
            ",\"stop_sequence\":null,\"usage\":" + usageJson(MockUpstream::kAnthropicOutputTokens) +
            '}';
        return reply;
    }

    reply.stream = true;
    reply.headers.append(qMakePair(QByteArray("cache-control"), QByteArray("no-cache")));
    QList<QByteArray> &events = reply.events;
    events << namedEvent("message_start",
                         "{\"type\":\"message_start\",\"message\":{\"id\":" + messageId +
                             ",\"type\":\"message\",\"role\":\"assistant\",\"content\":[],"
                             "\"model\":" +
                             model + ",\"stop_reason\":null,\"stop_sequence\":null,\"usage\":" +
                             usageJson(MockUpstream::kAnthropicStartOutputTokens) + "}}");
    for (qsizetype i = 0; i < blocks.size(); ++i) {
        const QByteArray index = QByteArray::number(i);
        events << namedEvent("content_block_start",
                             "{\"type\":\"content_block_start\",\"index\":" + index +
                                 ",\"content_block\":" + blocks.at(i).start + '}');
        if (i == 0)
            events << namedEvent("ping", "{\"type\":\"ping\"}");
        for (const QByteArray &delta : blocks.at(i).deltas)
            events << namedEvent("content_block_delta",
                                 "{\"type\":\"content_block_delta\",\"index\":" + index +
                                     ",\"delta\":" + delta + '}');
        events << namedEvent("content_block_stop",
                             "{\"type\":\"content_block_stop\",\"index\":" + index + '}');
    }
    events << namedEvent("message_delta",
                         "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":" + stopReason +
                             ",\"stop_sequence\":null},\"usage\":{\"output_tokens\":" +
                             QByteArray::number(MockUpstream::kAnthropicOutputTokens) + "}}");
    events << namedEvent("message_stop", "{\"type\":\"message_stop\"}");

    if (scenario == "drop-mid-stream") {
        reply.dropAfter = MockUpstream::kAnthropicDropAfterEvents;
    } else if (scenario == "error-event-mid-stream") {
        // message_start, content_block_start, ping, the first delta; then the error.
        events = events.mid(0, MockUpstream::kAnthropicErrorEventStreamEvents - 1);
        events << namedEvent("error", errorJson(id, "overloaded_error", "Overloaded"));
        reply.closeAfter = true;
    }
    return reply;
}

QStringList MockUpstream::anthropicThinkingPieces()
{
    return MockWire::splitAfterFirstPeriod(kAnthropicThinking);
}

bool MockWire::isAnthropicPath(const QByteArray &path)
{
    return path == "/v1/messages" || path.startsWith("/v1/messages/");
}

Reply MockWire::anthropicReply(const MockUpstream::Request &request, const QByteArray &path,
                               const QByteArray &scenario, const QByteArray &requiredKey)
{
    const int id = request.id;
    const QByteArray apiKey = request.header("x-api-key");
    if (apiKey.isEmpty())
        return errorReply(id, 401, "authentication_error", "x-api-key header is required");
    if (!requiredKey.isEmpty() && apiKey != requiredKey)
        return errorReply(id, 401, "authentication_error", "invalid x-api-key");
    if (request.header("anthropic-version").isEmpty())
        return errorReply(id, 400, "invalid_request_error",
                          "anthropic-version: header is required");

    QJsonParseError parseError{};
    const QJsonDocument document = QJsonDocument::fromJson(request.body, &parseError);
    const QJsonObject body = document.object();
    if (scenario.startsWith("error-text-"))
        return plainTextError(scenario);
    if (const int status = errorStatus(scenario)) {
        const auto [type, message] =
            errorKind(status, body.value(QStringLiteral("model")).toString());
        return errorReply(id, status, type, message);
    }
    const bool countTokens = path == "/v1/messages/count_tokens";
    if (request.method != "POST" || (path != "/v1/messages" && !countTokens))
        return errorReply(id, 404, "not_found_error", "Not Found");
    if (parseError.error != QJsonParseError::NoError || !document.isObject())
        return errorReply(id, 400, "invalid_request_error",
                          "There was an issue with the format or content of your request: the "
                          "body is not valid JSON.");
    if (countTokens) {
        Reply reply;
        reply.contentType = "application/json";
        reply.body =
            "{\"input_tokens\":" + QByteArray::number(MockUpstream::kAnthropicInputTokens) + '}';
        return reply;
    }
    return anthropicMessageReply(body, id, scenario);
}
