// The mock upstream's OpenAI Responses API: POST /v1/responses (plain and streamed) in OpenAI's
// wire format (platform.openai.com: Responses create, streaming events). Builds the answers as
// data; MockUpstream writes them.
#include "mockresponses_p.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>

using MockWire::Reply;

namespace {

QString str(const char *latin1)
{
    return QString::fromLatin1(latin1);
}

/// Compact JSON of \a fields with `"type"` first, as OpenAI writes its objects.
QByteArray typedJson(const QString &type, QJsonObject fields)
{
    fields.remove(str("type"));
    QByteArray json = "{\"type\":" + MockWire::quoted(type);
    const QByteArray rest = QJsonDocument(fields).toJson(QJsonDocument::Compact);
    return rest.size() > 2 ? json + ',' + rest.sliced(1) : json + '}';
}

QJsonObject usage()
{
    return QJsonObject{
        {str("input_tokens"), MockUpstream::kPromptTokens},
        {str("input_tokens_details"),
         QJsonObject{{str("cached_tokens"), MockUpstream::kCachedTokens}}},
        {str("output_tokens"), MockUpstream::kCompletionTokens},
        {str("output_tokens_details"),
         QJsonObject{{str("reasoning_tokens"), MockUpstream::kReasoningTokens}}},
        {str("total_tokens"), MockUpstream::kPromptTokens + MockUpstream::kCompletionTokens},
    };
}

QJsonObject textPart(const QString &text)
{
    return QJsonObject{{str("type"), str("output_text")},
                       {str("annotations"), QJsonArray()},
                       {str("logprobs"), QJsonArray()},
                       {str("text"), text}};
}

/// The name of the first function tool, or empty when the answer is plain text (also for
/// "…notools…" models, which coding agents use: they offer tools on every turn).
QString toolName(const QJsonObject &body)
{
    if (body.value(str("tool_choice")).toString() == str("none") ||
        body.value(str("model")).toString().contains(str("notools")))
        return {};
    const QJsonArray tools = body.value(str("tools")).toArray();
    for (const QJsonValue &tool : tools) {
        if (tool.toObject().value(str("type")).toString() == str("function"))
            return tool.toObject().value(str("name")).toString();
    }
    return {};
}

QJsonObject responseObject(const QString &id, const QJsonObject &body, const QString &status,
                           const QJsonArray &output, const QJsonValue &usageValue)
{
    QJsonObject reasoning = body.value(str("reasoning")).toObject();
    if (reasoning.isEmpty())
        reasoning = QJsonObject{{str("effort"), QJsonValue()}, {str("summary"), QJsonValue()}};
    const auto echoed = [&](const char *key, const QJsonValue &fallback) {
        const QJsonValue value = body.value(str(key));
        return value.isUndefined() ? fallback : value;
    };
    return QJsonObject{
        {str("id"), id},
        {str("object"), str("response")},
        {str("created_at"), QDateTime::currentSecsSinceEpoch()},
        {str("status"), status},
        {str("background"), false},
        {str("error"), QJsonValue()},
        {str("incomplete_details"), QJsonValue()},
        {str("instructions"), echoed("instructions", QJsonValue())},
        {str("max_output_tokens"), echoed("max_output_tokens", QJsonValue())},
        {str("model"), body.value(str("model"))},
        {str("output"), output},
        {str("parallel_tool_calls"), echoed("parallel_tool_calls", true)},
        {str("previous_response_id"), echoed("previous_response_id", QJsonValue())},
        {str("reasoning"), reasoning},
        {str("store"), echoed("store", true)},
        {str("temperature"), echoed("temperature", 1.0)},
        {str("text"),
         echoed("text", QJsonObject{{str("format"), QJsonObject{{str("type"), str("text")}}}})},
        {str("tool_choice"), echoed("tool_choice", str("auto"))},
        {str("tools"), echoed("tools", QJsonArray())},
        {str("top_p"), echoed("top_p", 1.0)},
        {str("truncation"), str("disabled")},
        {str("usage"), usageValue},
        {str("user"), echoed("user", QJsonValue())},
        {str("metadata"), echoed("metadata", QJsonObject())},
    };
}

} // namespace

namespace MockWire {

bool isResponsesPath(const QByteArray &path)
{
    return path == "/v1/responses";
}

Reply responsesReply(int id, const QJsonObject &body, const QByteArray &scenario)
{
    const QString suffix = str("mock") + QString::number(id).rightJustified(8, QLatin1Char('0'));
    const QString responseId = str("resp_") + suffix;
    const QString itemId = (toolName(body).isEmpty() ? str("msg_") : str("fc_")) + suffix;
    const QString callId = str("call_mock") + QString::number(id);
    const QString name = toolName(body);

    QJsonObject doneItem;
    if (name.isEmpty())
        doneItem = QJsonObject{{str("id"), itemId},
                               {str("type"), str("message")},
                               {str("status"), str("completed")},
                               {str("content"), QJsonArray{textPart(MockUpstream::replyText())}},
                               {str("role"), str("assistant")}};
    else
        doneItem = QJsonObject{{str("id"), itemId},
                               {str("type"), str("function_call")},
                               {str("status"), str("completed")},
                               {str("arguments"), MockUpstream::toolArguments()},
                               {str("call_id"), callId},
                               {str("name"), name}};

    Reply reply;
    if (!body.value(str("stream")).toBool()) {
        reply.contentType = "application/json";
        reply.body = QJsonDocument(responseObject(responseId, body, str("completed"),
                                                  QJsonArray{doneItem}, usage()))
                         .toJson(QJsonDocument::Indented);
        return reply;
    }

    reply.stream = true;
    int sequence = 0;
    const auto event = [&](const char *type, QJsonObject fields) {
        fields.insert(str("sequence_number"), sequence++);
        reply.events << "event: " + QByteArray(type) + "\ndata: " + typedJson(str(type), fields) +
                            "\n\n";
    };
    const QJsonObject inProgress =
        responseObject(responseId, body, str("in_progress"), QJsonArray(), QJsonValue());
    event("response.created", {{str("response"), inProgress}});
    event("response.in_progress", {{str("response"), inProgress}});
    QJsonObject addedItem = doneItem;
    addedItem.insert(str("status"), str("in_progress"));
    const QJsonObject base{{str("item_id"), itemId}, {str("output_index"), 0}};
    const auto with = [&](std::initializer_list<QPair<QString, QJsonValue>> extra) {
        QJsonObject fields = base;
        for (const auto &[key, value] : extra)
            fields.insert(key, value);
        return fields;
    };
    if (name.isEmpty()) {
        addedItem.insert(str("content"), QJsonArray());
        event("response.output_item.added", {{str("output_index"), 0}, {str("item"), addedItem}});
        event("response.content_part.added",
              with({{str("content_index"), 0}, {str("part"), textPart(QString())}}));
        for (const QString &piece : MockUpstream::replyPieces())
            event("response.output_text.delta", with({{str("content_index"), 0},
                                                      {str("delta"), piece},
                                                      {str("logprobs"), QJsonArray()}}));
        event("response.output_text.done", with({{str("content_index"), 0},
                                                 {str("text"), MockUpstream::replyText()},
                                                 {str("logprobs"), QJsonArray()}}));
        event(
            "response.content_part.done",
            with({{str("content_index"), 0}, {str("part"), textPart(MockUpstream::replyText())}}));
    } else {
        addedItem.insert(str("arguments"), QString());
        event("response.output_item.added", {{str("output_index"), 0}, {str("item"), addedItem}});
        for (const QString &piece : MockUpstream::toolArgumentPieces())
            event("response.function_call_arguments.delta", with({{str("delta"), piece}}));
        event("response.function_call_arguments.done",
              with({{str("arguments"), MockUpstream::toolArguments()}}));
    }
    event("response.output_item.done", {{str("output_index"), 0}, {str("item"), doneItem}});
    event("response.completed",
          {{str("response"),
            responseObject(responseId, body, str("completed"), QJsonArray{doneItem}, usage())}});
    if (scenario == "drop-mid-stream")
        reply.dropAfter = MockUpstream::kDropAfterEvents;
    return reply;
}

} // namespace MockWire
