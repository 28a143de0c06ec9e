// The mock upstream's Cohere v2 API: POST /v2/chat (plain, and streamed as SSE with Cohere's
// event names), /v2/embed and /v2/rerank, in Cohere's wire format (docs.cohere.com v2 reference
// and streaming guide: compact JSON, `event: <type>` + `data: {…"type":"<type>"…}` events, errors
// as {"id","message"}). Builds the answers as data; MockUpstream writes them.
#include "mockcohere_p.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using MockWire::number;
using MockWire::quoted;
using MockWire::Reply;

namespace {

/// Cohere's ids are UUIDs; the mock's end in the request number.
QByteArray cohereId(int id)
{
    return "\"5a6f6c1e-0000-4000-8000-" + number(id).rightJustified(12, '0') + '"';
}

/// Cohere's error answer: `{"id":…,"message":…}` with \a status.
Reply errorReply(int id, int status, const QString &message)
{
    Reply reply;
    reply.status = status;
    reply.contentType = "application/json";
    reply.body = "{\"id\":" + cohereId(id) + ",\"message\":" + quoted(message) + '}';
    return reply;
}

QString errorMessage(int status, const QString &model)
{
    switch (status) {
    case 400:
        return QStringLiteral("invalid request: message must be at least 1 token long or tool "
                              "results must be specified.");
    case 401:
        return QStringLiteral("invalid api token");
    case 404:
        return QStringLiteral("model '%1' not found, make sure the correct model ID was used and "
                              "that you have access to the model.")
            .arg(model);
    case 429:
        return QStringLiteral("You are using a Trial key, which is limited to 10 API calls / "
                              "minute. You can continue to use the Trial key for free or upgrade "
                              "to a Production key with higher rate limits.");
    case 500:
        return QStringLiteral("internal server error, this has been reported to our developers.");
    default:
        return QStringLiteral("mock upstream error %1").arg(status);
    }
}

QByteArray usageJson()
{
    return "{\"billed_units\":{\"input_tokens\":" + number(MockUpstream::kCohereBilledInputTokens) +
           ",\"output_tokens\":" + number(MockUpstream::kCohereOutputTokens) +
           "},\"tokens\":{\"input_tokens\":" + number(MockUpstream::kCohereInputTokens) +
           ",\"output_tokens\":" + number(MockUpstream::kCohereOutputTokens) + "}}";
}

/// One SSE event as Cohere writes it: its type on an `event:` line, then the JSON.
QByteArray namedEvent(const QByteArray &type, const QByteArray &json)
{
    return "event: " + type + "\ndata: " + json + "\n\n";
}

QByteArray contentDelta(int index, const QByteArray &key, const QString &piece)
{
    return namedEvent("content-delta", "{\"type\":\"content-delta\",\"index\":" + number(index) +
                                           ",\"delta\":{\"message\":{\"content\":{\"" + key +
                                           "\":" + quoted(piece) + "}}}}");
}

Reply chatReply(const QJsonObject &body, int id, const QByteArray &scenario)
{
    const QJsonArray tools = body.value(QStringLiteral("tools")).toArray();
    const bool toolCall =
        !tools.isEmpty() && body.value(QStringLiteral("tool_choice")).toString() != "NONE";
    const bool thinking = body.value(QStringLiteral("thinking"))
                              .toObject()
                              .value(QStringLiteral("type"))
                              .toString() == QLatin1String("enabled");
    const QByteArray toolName = quoted(MockWire::firstFunctionName(tools));
    const QByteArray toolCallId = "\"get_weather_mock" + number(id) + '"';
    const QString plan = QString::fromLatin1(MockUpstream::kCohereToolPlan);
    const QByteArray finishReason = toolCall ? "\"TOOL_CALL\"" : "\"COMPLETE\"";

    Reply reply;
    if (!body.value(QStringLiteral("stream")).toBool()) {
        QByteArray message = "{\"role\":\"assistant\",";
        if (toolCall) {
            message += "\"tool_plan\":" + quoted(plan) + ",\"tool_calls\":[{\"id\":" + toolCallId +
                       ",\"type\":\"function\",\"function\":{\"name\":" + toolName +
                       ",\"arguments\":" + quoted(MockUpstream::toolArguments()) + "}}]}";
        } else {
            QByteArray content;
            if (thinking)
                content = "{\"type\":\"thinking\",\"thinking\":" +
                          quoted(QString::fromLatin1(MockUpstream::kCohereThinking)) + "},";
            content += "{\"type\":\"text\",\"text\":" + quoted(MockUpstream::replyText()) + '}';
            message += "\"content\":[" + content + "]}";
        }
        reply.contentType = "application/json";
        reply.body = "{\"id\":" + cohereId(id) + ",\"message\":" + message +
                     ",\"finish_reason\":" + finishReason + ",\"usage\":" + usageJson() + '}';
        return reply;
    }

    reply.stream = true;
    reply.contentType = "text/event-stream";
    QList<QByteArray> &events = reply.events;
    events << namedEvent("message-start",
                         "{\"id\":" + cohereId(id) +
                             ",\"type\":\"message-start\",\"delta\":{\"message\":{\"role\":"
                             "\"assistant\",\"content\":[],\"tool_plan\":\"\",\"tool_calls\":[],"
                             "\"citations\":[]}}}");
    if (toolCall) {
        for (const QString &piece : MockUpstream::cohereToolPlanPieces())
            events << namedEvent("tool-plan-delta",
                                 "{\"type\":\"tool-plan-delta\",\"delta\":{\"message\":{"
                                 "\"tool_plan\":" +
                                     quoted(piece) + "}}}");
        events << namedEvent("tool-call-start",
                             "{\"type\":\"tool-call-start\",\"index\":0,\"delta\":{\"message\":{"
                             "\"tool_calls\":{\"id\":" +
                                 toolCallId + ",\"type\":\"function\",\"function\":{\"name\":" +
                                 toolName + ",\"arguments\":\"\"}}}}}");
        for (const QString &piece : MockUpstream::toolArgumentPieces())
            events << namedEvent("tool-call-delta",
                                 "{\"type\":\"tool-call-delta\",\"index\":0,\"delta\":{\"message\":"
                                 "{\"tool_calls\":{\"function\":{\"arguments\":" +
                                     quoted(piece) + "}}}}}");
        events << namedEvent("tool-call-end", "{\"type\":\"tool-call-end\",\"index\":0}");
    } else {
        int index = 0;
        if (thinking) {
            events << namedEvent("content-start",
                                 "{\"type\":\"content-start\",\"index\":0,\"delta\":{\"message\":{"
                                 "\"content\":{\"type\":\"thinking\",\"thinking\":\"\"}}}}");
            for (const QString &piece : MockUpstream::cohereThinkingPieces())
                events << contentDelta(0, "thinking", piece);
            events << namedEvent("content-end", "{\"type\":\"content-end\",\"index\":0}");
            index = 1;
        }
        events << namedEvent("content-start",
                             "{\"type\":\"content-start\",\"index\":" + number(index) +
                                 ",\"delta\":{\"message\":{\"content\":{\"type\":\"text\","
                                 "\"text\":\"\"}}}}");
        for (const QString &piece : MockUpstream::replyPieces())
            events << contentDelta(index, "text", piece);
        events << namedEvent("content-end",
                             "{\"type\":\"content-end\",\"index\":" + number(index) + '}');
    }
    if (scenario == "error-event-mid-stream") {
        // message-start, two more events, then Cohere's failed end of message.
        events = events.mid(0, 3);
        events << namedEvent("message-end",
                             "{\"type\":\"message-end\",\"delta\":{\"error\":" +
                                 quoted(QString::fromLatin1(MockUpstream::kCohereStreamError)) +
                                 ",\"finish_reason\":\"ERROR\"}}");
        return reply;
    }
    events << namedEvent("message-end", "{\"type\":\"message-end\",\"delta\":{\"finish_reason\":" +
                                            finishReason + ",\"usage\":" + usageJson() + "}}");
    return reply;
}

Reply embedReply(const QJsonObject &body, int id)
{
    const QJsonArray texts = body.value(QStringLiteral("texts")).toArray();
    if (texts.isEmpty())
        return errorReply(id, 400, QStringLiteral("invalid request: texts must not be empty"));
    if (body.value(QStringLiteral("input_type")).toString().isEmpty())
        return errorReply(id, 400,
                          QStringLiteral("invalid request: valid input_type must be provided "
                                         "with the provided model"));
    const int dimensions = body.value(QStringLiteral("output_dimension"))
                               .toInt(MockUpstream::kDefaultEmbeddingDimensions);
    QByteArray vectors;
    QByteArray echoed;
    for (qsizetype i = 0; i < texts.size(); ++i) {
        QByteArray vector;
        for (float value : MockUpstream::embedding(int(i), dimensions))
            vector += (vector.isEmpty() ? "" : ",") + QByteArray::number(double(value), 'g', 9);
        vectors += (i ? "," : "") + ('[' + vector + ']');
        echoed += (i ? "," : "") + quoted(texts.at(i).toString());
    }
    Reply reply;
    reply.contentType = "application/json";
    reply.body = "{\"id\":" + cohereId(id) + ",\"embeddings\":{\"float\":[" + vectors +
                 "]},\"texts\":[" + echoed +
                 "],\"meta\":{\"api_version\":{\"version\":\"2\"},\"billed_units\":{"
                 "\"input_tokens\":" +
                 number(texts.size() * MockUpstream::kCohereEmbedTokensPerText) +
                 "}},\"response_type\":\"embeddings_by_type\"}";
    return reply;
}

Reply rerankReply(const QJsonObject &body, int id)
{
    const QString query = body.value(QStringLiteral("query")).toString();
    const QJsonArray documents = body.value(QStringLiteral("documents")).toArray();
    if (query.isEmpty() || documents.isEmpty())
        return errorReply(id, 400,
                          QStringLiteral("invalid request: query and documents are required"));
    QStringList texts;
    for (const QJsonValue &document : documents) {
        if (!document.isString())
            return errorReply(id, 400,
                              QStringLiteral("invalid request: documents must be strings"));
        texts << document.toString();
    }
    QByteArray results;
    for (const auto &[index, score] : MockWire::rankDocuments(
             query, texts, body.value(QStringLiteral("top_n")).toInt(int(texts.size()))))
        results += (results.isEmpty() ? "" : ",") + QByteArray("{\"index\":") + number(index) +
                   ",\"relevance_score\":" + QByteArray::number(score, 'g', 17) + '}';
    Reply reply;
    reply.contentType = "application/json";
    reply.body = "{\"id\":" + cohereId(id) + ",\"results\":[" + results +
                 "],\"meta\":{\"api_version\":{\"version\":\"2\"},\"billed_units\":{"
                 "\"search_units\":" +
                 number(MockUpstream::kCohereSearchUnits) + "}}}";
    return reply;
}

} // namespace

QStringList MockUpstream::cohereToolPlanPieces()
{
    return MockWire::splitAfterFirstSpace(kCohereToolPlan);
}

QStringList MockUpstream::cohereThinkingPieces()
{
    return MockWire::splitAfterFirstSpace(kCohereThinking);
}

bool MockWire::isCoherePath(const QByteArray &path)
{
    return path == "/v2/chat" || path == "/v2/embed" || path == "/v2/rerank";
}

Reply MockWire::cohereReply(const MockUpstream::Request &request, const QByteArray &path,
                            const QByteArray &scenario, const QByteArray &requiredKey)
{
    const int id = request.id;
    const QByteArray authorization = request.header("authorization");
    if (!authorization.startsWith("Bearer ") || authorization.size() <= 7)
        return errorReply(id, 401, QStringLiteral("no api key supplied"));
    if (!requiredKey.isEmpty() && authorization != "Bearer " + requiredKey)
        return errorReply(id, 401, errorMessage(401, QString()));
    QJsonParseError parseError{};
    const QJsonDocument document = QJsonDocument::fromJson(request.body, &parseError);
    if (request.method != "POST" || parseError.error != QJsonParseError::NoError ||
        !document.isObject())
        return errorReply(id, 400, QStringLiteral("invalid request: body must be a JSON object"));
    const QJsonObject body = document.object();
    if (scenario.startsWith("error-text-"))
        return MockWire::plainTextError(scenario);
    if (const int status = MockWire::errorStatus(scenario))
        return errorReply(id, status,
                          errorMessage(status, body.value(QStringLiteral("model")).toString()));
    if (path == "/v2/embed")
        return embedReply(body, id);
    if (path == "/v2/rerank")
        return rerankReply(body, id);
    return chatReply(body, id, scenario);
}
