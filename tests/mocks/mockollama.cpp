// The mock upstream's Ollama native API: POST /api/chat (plain, and streamed as NDJSON) and
// POST /api/embed, in Ollama's wire format (ollama docs/api.md: JSON objects with Go's field
// order, one object per line when streamed, the final one with done:true, done_reason and the
// counters; errors as {"error":"…"}). Builds the answers as data; MockUpstream writes them.
#include "mockollama_p.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using MockWire::number;
using MockWire::quoted;
using MockWire::Reply;

namespace {

/// Ollama's error answer: `{"error":"…"}` with \a status.
Reply errorReply(int status, const QString &message)
{
    Reply reply;
    reply.status = status;
    reply.contentType = "application/json; charset=utf-8";
    reply.body = "{\"error\":" + quoted(message) + '}';
    return reply;
}

QString errorMessage(int status, const QString &model)
{
    switch (status) {
    case 400:
        return QStringLiteral("invalid options: num_predicts");
    case 401:
        return QStringLiteral("unauthorized");
    case 404:
        return QStringLiteral("model \"%1\" not found, try pulling it first").arg(model);
    case 500:
        return QStringLiteral("llama runner process has terminated: exit status 2");
    default:
        return QStringLiteral("mock upstream error %1").arg(status);
    }
}

QByteArray createdAt()
{
    return '"' +
           QDateTime::currentDateTimeUtc()
               .toString(QStringLiteral("yyyy-MM-ddThh:mm:ss.zzz000'Z'"))
               .toLatin1() +
           '"';
}

/// A `message` object: role, content, then thinking and tool_calls when set (Go's order).
QByteArray message(const QString &content, const QString &thinking = {},
                   const QByteArray &toolCalls = {})
{
    QByteArray out = "{\"role\":\"assistant\",\"content\":" + quoted(content);
    if (!thinking.isEmpty())
        out += ",\"thinking\":" + quoted(thinking);
    if (!toolCalls.isEmpty())
        out += ",\"tool_calls\":" + toolCalls;
    return out + '}';
}

/// The counters of a final object, as Ollama reports them (durations in nanoseconds).
QByteArray metrics()
{
    return ",\"total_duration\":1543928625,\"load_duration\":21458333,\"prompt_eval_count\":" +
           number(MockUpstream::kOllamaPromptTokens) +
           ",\"prompt_eval_duration\":113000000,\"eval_count\":" +
           number(MockUpstream::kOllamaOutputTokens) + ",\"eval_duration\":1402000000";
}

/// `think` asks for thinking: true or a level.
bool wantsThinking(const QJsonObject &body)
{
    const QJsonValue think = body.value(QStringLiteral("think"));
    return think.toBool() || !think.toString().isEmpty();
}

Reply chatReply(const QJsonObject &body, int id, const QByteArray &scenario)
{
    const QString model = body.value(QStringLiteral("model")).toString();
    const QByteArray head = "{\"model\":" + quoted(model) + ",\"created_at\":" + createdAt();
    const QJsonArray tools = body.value(QStringLiteral("tools")).toArray();
    const bool thinking = wantsThinking(body);
    // Ollama sends tool calls whole (arguments as an object), in one message.
    QByteArray toolCalls;
    if (!tools.isEmpty()) {
        const QString name = MockWire::firstFunctionName(tools);
        toolCalls = "[{\"id\":\"call_mock" + number(id) +
                    "\",\"function\":{\"index\":0,\"name\":" + quoted(name) +
                    ",\"arguments\":" + MockUpstream::toolArguments().toUtf8() + "}}]";
    }
    const QString text = toolCalls.isEmpty() ? MockUpstream::replyText() : QString();
    const QString thought =
        thinking ? QString::fromLatin1(MockUpstream::kOllamaThinking) : QString();

    Reply reply;
    // Ollama streams unless the request says "stream": false.
    if (!body.value(QStringLiteral("stream")).toBool(true)) {
        reply.contentType = "application/json; charset=utf-8";
        reply.body = head + ",\"message\":" + message(text, thought, toolCalls) +
                     ",\"done_reason\":\"stop\",\"done\":true" + metrics() + '}';
        return reply;
    }
    reply.stream = true;
    reply.contentType = "application/x-ndjson";
    QList<QByteArray> &lines = reply.events;
    const auto line = [&head](const QByteArray &messageJson) {
        return head + ",\"message\":" + messageJson + ",\"done\":false}\n";
    };
    if (thinking) {
        for (const QString &piece : MockUpstream::ollamaThinkingPieces())
            lines << line(message(QString(), piece));
    }
    if (!toolCalls.isEmpty()) {
        lines << line(message(QString(), QString(), toolCalls));
    } else {
        for (const QString &piece : MockUpstream::replyPieces())
            lines << line(message(piece));
    }
    if (scenario == "error-event-mid-stream") {
        lines = lines.mid(0, 2);
        lines << "{\"error\":" + quoted(QString::fromLatin1(MockUpstream::kOllamaStreamError)) +
                     "}\n";
        reply.closeAfter = true;
        return reply;
    }
    lines << head + ",\"message\":" + message(QString()) +
                 ",\"done_reason\":\"stop\",\"done\":true" + metrics() + "}\n";
    return reply;
}

Reply embedReply(const QJsonObject &body)
{
    const QJsonValue input = body.value(QStringLiteral("input"));
    const int inputs = input.isString() ? 1 : int(input.toArray().size());
    if (inputs == 0)
        return errorReply(400, QStringLiteral("invalid input type"));
    const int dimensions =
        body.value(QStringLiteral("dimensions")).toInt(MockUpstream::kDefaultEmbeddingDimensions);
    QByteArray vectors;
    for (int i = 0; i < inputs; ++i) {
        QByteArray vector;
        for (float value : MockUpstream::embedding(i, dimensions))
            vector += (vector.isEmpty() ? "" : ",") + QByteArray::number(double(value), 'g', 9);
        vectors += (i ? "," : "") + ('[' + vector + ']');
    }
    Reply reply;
    reply.contentType = "application/json; charset=utf-8";
    reply.body = "{\"model\":" + quoted(body.value(QStringLiteral("model")).toString()) +
                 ",\"embeddings\":[" + vectors +
                 "],\"total_duration\":14143917,\"load_duration\":1019500,"
                 "\"prompt_eval_count\":" +
                 number(qint64(inputs) * MockUpstream::kOllamaEmbedTokensPerInput) + '}';
    return reply;
}

} // namespace

QStringList MockUpstream::ollamaThinkingPieces()
{
    return MockWire::splitAfterFirstSpace(kOllamaThinking);
}

bool MockWire::isOllamaPath(const QByteArray &path)
{
    return path == "/api/chat" || path == "/api/embed";
}

Reply MockWire::ollamaReply(const MockUpstream::Request &request, const QByteArray &path,
                            const QByteArray &scenario, const QByteArray &requiredKey)
{
    if (!requiredKey.isEmpty() && request.header("authorization") != "Bearer " + requiredKey)
        return errorReply(401, errorMessage(401, QString()));
    if (request.method != "POST")
        return errorReply(405, QStringLiteral("405 method not allowed"));
    QJsonParseError parseError{};
    const QJsonDocument document = QJsonDocument::fromJson(request.body, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject())
        return errorReply(400, QStringLiteral("invalid character 'x' looking for beginning of "
                                              "value"));
    const QJsonObject body = document.object();
    const QString model = body.value(QStringLiteral("model")).toString();
    if (model.isEmpty())
        return errorReply(400, QStringLiteral("model is required"));
    if (scenario.startsWith("error-text-"))
        return MockWire::plainTextError(scenario);
    if (const int status = MockWire::errorStatus(scenario))
        return errorReply(status, errorMessage(status, model));
    if (path == "/api/embed")
        return embedReply(body);
    return chatReply(body, request.id, scenario);
}
