#include "responsesopenai.h"

#include "conversionutil.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>

using ConversionUtil::str;

namespace ResponsesOpenAI {

namespace {

QString idSuffix(const QString &chatId)
{
    return ConversionUtil::replaceIdPrefix(chatId, str("chatcmpl-"), QString());
}

/// Text of Responses content \a parts (input_text / output_text / refusal / summary_text),
/// joined with "\n".
QString joinedText(const QJsonArray &parts)
{
    QStringList texts;
    for (const QJsonValue &value : parts) {
        const QJsonObject part = value.toObject();
        const QString type = part.value(str("type")).toString();
        if (type == str("refusal"))
            texts.append(part.value(str("refusal")).toString());
        else if (part.value(str("text")).isString())
            texts.append(part.value(str("text")).toString());
    }
    return texts.join(QLatin1Char('\n'));
}

/// One Responses input content part → a Chat Completions part.
bool convertPart(const QJsonObject &part, const QString &where, QJsonArray *out, QString *error)
{
    const QString type = part.value(str("type")).toString();
    if (type == str("input_text") || type == str("output_text") || type == str("text")) {
        out->append(ConversionUtil::openAITextPart(part.value(str("text")).toString()));
        return true;
    }
    if (type == str("refusal")) {
        out->append(ConversionUtil::openAITextPart(part.value(str("refusal")).toString()));
        return true;
    }
    if (type == str("input_image")) {
        const QString url = part.value(str("image_url")).toString();
        if (url.isEmpty()) {
            *error = where + str(": input_image needs image_url (file_id is not supported on "
                                 "this channel)");
            return false;
        }
        QJsonObject image = ConversionUtil::openAIImagePart(url);
        const QString detail = part.value(str("detail")).toString();
        if (!detail.isEmpty() && detail != str("auto")) {
            QJsonObject inner = image.value(str("image_url")).toObject();
            inner.insert(str("detail"), detail);
            image.insert(str("image_url"), inner);
        }
        out->append(image);
        return true;
    }
    if (type == str("input_file")) {
        const QString data = part.value(str("file_data")).toString();
        if (data.isEmpty()) {
            *error = where + str(": input_file needs file_data (file_id and file_url are not "
                                 "supported on this channel)");
            return false;
        }
        QJsonObject file{{str("file_data"), data}};
        const QString filename = part.value(str("filename")).toString();
        if (!filename.isEmpty())
            file.insert(str("filename"), filename);
        out->append(QJsonObject{{str("type"), str("file")}, {str("file"), file}});
        return true;
    }
    *error = where + str(".type: unsupported content part \"") + type + QLatin1Char('"');
    return false;
}

struct InputState
{
    QJsonArray messages;
    QString pendingReasoning;
    bool lastIsAssistant = false; ///< The last message may take more tool calls.
};

void appendAssistant(InputState *state, QJsonObject message)
{
    if (!state->pendingReasoning.isEmpty()) {
        message.insert(str("reasoning_content"), state->pendingReasoning);
        state->pendingReasoning.clear();
    }
    state->messages.append(message);
    state->lastIsAssistant = true;
}

bool convertMessage(const QJsonObject &item, const QString &where, InputState *state,
                    QString *error)
{
    QString role = item.value(str("role")).toString();
    if (role == str("developer"))
        role = str("system");
    if (role != str("user") && role != str("assistant") && role != str("system")) {
        *error = where + str(".role: must be user, assistant, system or developer");
        return false;
    }
    const QJsonValue content = item.value(str("content"));
    QJsonObject message{{str("role"), role}};
    if (content.isString()) {
        message.insert(str("content"), content);
    } else if (content.isArray()) {
        if (role != str("user")) {
            // Assistant and system turns carry text only: join it.
            message.insert(str("content"), joinedText(content.toArray()));
        } else {
            QJsonArray parts;
            const QJsonArray input = content.toArray();
            for (qsizetype i = 0; i < input.size(); ++i) {
                if (!convertPart(input.at(i).toObject(),
                                 where + str(".content.") + QString::number(i), &parts, error))
                    return false;
            }
            message.insert(str("content"), parts);
        }
    } else {
        *error = where + str(".content: must be a string or an array of parts");
        return false;
    }
    if (role == str("assistant")) {
        appendAssistant(state, message);
    } else {
        state->messages.append(message);
        state->lastIsAssistant = false;
    }
    return true;
}

void convertFunctionCall(const QJsonObject &item, InputState *state)
{
    const QJsonObject call{
        {str("id"), item.value(str("call_id"))},
        {str("type"), str("function")},
        {str("function"), QJsonObject{{str("name"), item.value(str("name"))},
                                      {str("arguments"), item.value(str("arguments"))}}},
    };
    if (state->lastIsAssistant && state->pendingReasoning.isEmpty()) {
        QJsonObject last = state->messages.last().toObject();
        QJsonArray calls = last.value(str("tool_calls")).toArray();
        calls.append(call);
        last.insert(str("tool_calls"), calls);
        if (last.value(str("content")).toString().isEmpty())
            last.insert(str("content"), QJsonValue());
        state->messages[state->messages.size() - 1] = last;
        return;
    }
    appendAssistant(state, QJsonObject{{str("role"), str("assistant")},
                                       {str("content"), QJsonValue()},
                                       {str("tool_calls"), QJsonArray{call}}});
}

bool convertInput(const QJsonValue &input, InputState *state, QString *error)
{
    if (input.isString()) {
        state->messages.append(QJsonObject{{str("role"), str("user")}, {str("content"), input}});
        return true;
    }
    if (!input.isArray()) {
        *error = str("input: must be a string or an array of items");
        return false;
    }
    const QJsonArray items = input.toArray();
    for (qsizetype i = 0; i < items.size(); ++i) {
        const QJsonObject item = items.at(i).toObject();
        const QString where = str("input.") + QString::number(i);
        const QString type = item.value(str("type")).toString();
        if (type.isEmpty() || type == str("message")) {
            if (!convertMessage(item, where, state, error))
                return false;
        } else if (type == str("function_call")) {
            if (!item.value(str("call_id")).isString() || !item.value(str("name")).isString()) {
                *error = where + str(": function_call needs call_id and name");
                return false;
            }
            convertFunctionCall(item, state);
        } else if (type == str("function_call_output")) {
            const QJsonValue output = item.value(str("output"));
            state->messages.append(QJsonObject{
                {str("role"), str("tool")},
                {str("tool_call_id"), item.value(str("call_id"))},
                {str("content"),
                 output.isArray() ? joinedText(output.toArray()) : output.toString()},
            });
            state->lastIsAssistant = false;
        } else if (type == str("reasoning")) {
            const QString text = joinedText(item.value(str("summary")).toArray());
            if (!text.isEmpty()) {
                if (!state->pendingReasoning.isEmpty())
                    state->pendingReasoning += QLatin1Char('\n');
                state->pendingReasoning += text;
            }
        } else {
            *error = where + str(".type: input item \"") + type +
                     str("\" is not supported on this channel");
            return false;
        }
    }
    return true;
}

bool convertTools(const QJsonObject &request, QJsonObject *out, QString *error)
{
    QJsonArray tools;
    const QJsonArray input = request.value(str("tools")).toArray();
    for (const QJsonValue &value : input) {
        const QJsonObject tool = value.toObject();
        if (tool.value(str("type")).toString() != str("function"))
            continue; // Hosted and custom tools: dropped (see the namespace comment).
        QJsonObject function{{str("name"), tool.value(str("name"))}};
        for (const char *key : {"description", "parameters", "strict"}) {
            const QJsonValue field = tool.value(str(key));
            if (!field.isUndefined() && !field.isNull())
                function.insert(str(key), field);
        }
        tools.append(QJsonObject{{str("type"), str("function")}, {str("function"), function}});
    }
    if (!tools.isEmpty())
        out->insert(str("tools"), tools);

    const QJsonValue choice = request.value(str("tool_choice"));
    if (choice.isString()) {
        if (!tools.isEmpty() || choice.toString() == str("none"))
            out->insert(str("tool_choice"), choice);
    } else if (choice.isObject()) {
        const QJsonObject object = choice.toObject();
        if (object.value(str("type")).toString() != str("function")) {
            *error = str("tool_choice: only function tools are supported on this channel");
            return false;
        }
        out->insert(
            str("tool_choice"),
            QJsonObject{{str("type"), str("function")},
                        {str("function"), QJsonObject{{str("name"), object.value(str("name"))}}}});
    }
    if (!tools.isEmpty() && request.value(str("parallel_tool_calls")).isBool())
        out->insert(str("parallel_tool_calls"), request.value(str("parallel_tool_calls")));
    return true;
}

bool convertTextFormat(const QJsonObject &request, QJsonObject *out, QString *error)
{
    const QJsonObject format =
        request.value(str("text")).toObject().value(str("format")).toObject();
    const QString type = format.value(str("type")).toString();
    if (type.isEmpty() || type == str("text"))
        return true;
    if (type == str("json_object")) {
        out->insert(str("response_format"), QJsonObject{{str("type"), type}});
        return true;
    }
    if (type == str("json_schema")) {
        QJsonObject schema;
        for (const char *key : {"name", "description", "schema", "strict"}) {
            const QJsonValue field = format.value(str(key));
            if (!field.isUndefined() && !field.isNull())
                schema.insert(str(key), field);
        }
        out->insert(str("response_format"),
                    QJsonObject{{str("type"), type}, {str("json_schema"), schema}});
        return true;
    }
    *error = str("text.format.type: unsupported format \"") + type + QLatin1Char('"');
    return false;
}

QJsonValue echoed(const QJsonObject &request, const char *key, const QJsonValue &fallback = {})
{
    const QJsonValue value = request.value(str(key));
    return value.isUndefined() ? fallback : value;
}

/// The response object fields the SDKs expect, echoed from \a request.
QJsonObject responseSkeleton(const QString &id, qint64 createdAt, const QJsonObject &request,
                             const QString &status)
{
    QJsonObject reasoning = request.value(str("reasoning")).toObject();
    if (!reasoning.contains(str("effort")))
        reasoning.insert(str("effort"), QJsonValue());
    if (!reasoning.contains(str("summary")))
        reasoning.insert(str("summary"), QJsonValue());
    QJsonObject text = request.value(str("text")).toObject();
    if (!text.contains(str("format")))
        text.insert(str("format"), QJsonObject{{str("type"), str("text")}});
    return QJsonObject{
        {str("id"), id},
        {str("object"), str("response")},
        {str("created_at"), createdAt},
        {str("status"), status},
        {str("background"), false},
        {str("error"), QJsonValue()},
        {str("incomplete_details"), QJsonValue()},
        {str("instructions"), echoed(request, "instructions")},
        {str("max_output_tokens"), echoed(request, "max_output_tokens")},
        {str("metadata"), echoed(request, "metadata", QJsonObject())},
        {str("model"), request.value(str("model"))},
        {str("output"), QJsonArray()},
        {str("parallel_tool_calls"), echoed(request, "parallel_tool_calls", true)},
        {str("previous_response_id"), QJsonValue()},
        {str("reasoning"), reasoning},
        {str("store"), false},
        {str("temperature"), echoed(request, "temperature", 1.0)},
        {str("text"), text},
        {str("tool_choice"), echoed(request, "tool_choice", str("auto"))},
        {str("tools"), echoed(request, "tools", QJsonArray())},
        {str("top_p"), echoed(request, "top_p", 1.0)},
        {str("truncation"), str("disabled")},
        {str("usage"), QJsonValue()},
        {str("user"), echoed(request, "user")},
    };
}

void markIncomplete(QJsonObject *response, const QString &finishReason)
{
    if (finishReason != str("length") && finishReason != str("content_filter"))
        return;
    response->insert(str("status"), str("incomplete"));
    response->insert(
        str("incomplete_details"),
        QJsonObject{{str("reason"), finishReason == str("length") ? str("max_output_tokens")
                                                                  : str("content_filter")}});
}

QJsonObject reasoningItem(const QString &id, const QString &text)
{
    QJsonArray summary;
    if (!text.isNull())
        summary.append(QJsonObject{{str("type"), str("summary_text")}, {str("text"), text}});
    return QJsonObject{{str("id"), id}, {str("type"), str("reasoning")}, {str("summary"), summary}};
}

QJsonObject outputTextPart(const QString &text)
{
    return QJsonObject{{str("type"), str("output_text")},
                       {str("annotations"), QJsonArray()},
                       {str("logprobs"), QJsonArray()},
                       {str("text"), text}};
}

QJsonObject messageItem(const QString &id, const QString &status, const QJsonArray &content)
{
    return QJsonObject{{str("id"), id},
                       {str("type"), str("message")},
                       {str("status"), status},
                       {str("role"), str("assistant")},
                       {str("content"), content}};
}

QJsonObject functionCallItem(const QString &id, const QString &callId, const QString &name,
                             const QString &arguments, const QString &status)
{
    return QJsonObject{{str("id"), id},         {str("type"), str("function_call")},
                       {str("status"), status}, {str("call_id"), callId},
                       {str("name"), name},     {str("arguments"), arguments}};
}

} // namespace

QJsonObject toOpenAIRequest(const QJsonObject &request, QString *error)
{
    const QString model = request.value(str("model")).toString();
    if (model.isEmpty()) {
        *error = str("model: required");
        return {};
    }
    const QJsonValue previous = request.value(str("previous_response_id"));
    if ((previous.isString() && !previous.toString().isEmpty()) ||
        request.contains(str("conversation"))) {
        *error = str("previous_response_id is not supported on this channel: send the whole "
                     "conversation in input");
        return {};
    }
    if (request.value(str("background")).toBool()) {
        *error = str("background: background responses are not supported on this channel");
        return {};
    }
    if (request.contains(str("prompt"))) {
        *error = str("prompt: prompt templates are not supported on this channel");
        return {};
    }

    InputState state;
    const QString instructions = request.value(str("instructions")).toString();
    if (!instructions.isEmpty())
        state.messages.append(
            QJsonObject{{str("role"), str("system")}, {str("content"), instructions}});
    if (!convertInput(request.value(str("input")), &state, error))
        return {};

    QJsonObject out{{str("model"), model}, {str("messages"), state.messages}};
    if (!convertTools(request, &out, error) || !convertTextFormat(request, &out, error))
        return {};
    for (const char *key : {"temperature", "top_p"}) {
        const QJsonValue value = request.value(str(key));
        if (value.isDouble())
            out.insert(str(key), value);
    }
    if (request.value(str("max_output_tokens")).isDouble())
        out.insert(str("max_tokens"), request.value(str("max_output_tokens")));
    const QString effort =
        request.value(str("reasoning")).toObject().value(str("effort")).toString();
    if (!effort.isEmpty())
        out.insert(str("reasoning_effort"), effort);
    if (request.value(str("stream")).toBool()) {
        out.insert(str("stream"), true);
        out.insert(str("stream_options"), QJsonObject{{str("include_usage"), true}});
    }
    const QString user = request.value(str("user")).toString();
    if (!user.isEmpty())
        out.insert(str("user"), user);
    return out;
}

QJsonObject responsesUsage(const Usage &usage)
{
    return QJsonObject{
        {str("input_tokens"), usage.inputTokens},
        {str("input_tokens_details"), QJsonObject{{str("cached_tokens"), usage.cachedTokens}}},
        {str("output_tokens"), usage.outputTokens},
        {str("output_tokens_details"),
         QJsonObject{{str("reasoning_tokens"), usage.reasoningTokens}}},
        {str("total_tokens"),
         usage.totalTokens > 0 ? usage.totalTokens : usage.inputTokens + usage.outputTokens},
    };
}

QJsonObject toResponsesResponse(const QJsonObject &completion, const QJsonObject &request)
{
    const QString suffix = idSuffix(completion.value(str("id")).toString());
    const QJsonObject choice = completion.value(str("choices")).toArray().first().toObject();
    const QJsonObject message = choice.value(str("message")).toObject();

    QJsonArray output;
    const QString reasoning = ConversionUtil::reasoningText(message);
    if (!reasoning.isEmpty())
        output.append(reasoningItem(str("rs_") + suffix, reasoning));
    QStringList texts;
    for (const char *key : {"content", "refusal"}) {
        const QString text = message.value(str(key)).toString();
        if (!text.isEmpty())
            texts.append(text);
    }
    if (!texts.isEmpty())
        output.append(messageItem(str("msg_") + suffix, str("completed"),
                                  QJsonArray{outputTextPart(texts.join(QLatin1Char('\n')))}));
    const QJsonArray toolCalls = message.value(str("tool_calls")).toArray();
    for (qsizetype i = 0; i < toolCalls.size(); ++i) {
        const QJsonObject call = toolCalls.at(i).toObject();
        const QJsonObject function = call.value(str("function")).toObject();
        QString callId = call.value(str("id")).toString();
        if (callId.isEmpty())
            callId = str("call_") + suffix + QLatin1Char('_') + QString::number(i);
        output.append(functionCallItem(str("fc_") + suffix + QLatin1Char('_') + QString::number(i),
                                       callId, function.value(str("name")).toString(),
                                       function.value(str("arguments")).toString(),
                                       str("completed")));
    }

    qint64 created = completion.value(str("created")).toInteger();
    if (created <= 0)
        created = QDateTime::currentSecsSinceEpoch();
    QJsonObject response =
        responseSkeleton(str("resp_") + suffix, created, request, str("completed"));
    response.insert(str("output"), output);
    response.insert(str("usage"), responsesUsage(ConversionUtil::usageFromOpenAI(
                                      completion.value(str("usage")).toObject())));
    markIncomplete(&response, choice.value(str("finish_reason")).toString());
    return response;
}

QByteArray sseEvent(const QString &type, const QJsonObject &fields)
{
    QJsonObject rest = fields;
    rest.remove(str("type"));
    QByteArray json =
        "{\"type\":" +
        QJsonDocument(QJsonArray{type}).toJson(QJsonDocument::Compact).sliced(1).chopped(1);
    const QByteArray body = ConversionUtil::compactJson(rest);
    if (body.size() > 2)
        json += ',' + body.sliced(1);
    else
        json += '}';
    return "event: " + type.toUtf8() + "\ndata: " + json + "\n\n";
}

} // namespace ResponsesOpenAI

using namespace ResponsesOpenAI;

ResponsesStreamEncoder::ResponsesStreamEncoder(const QJsonObject &originalRequest,
                                               qsizetype accumulateCap)
    : m_request(originalRequest)
    , m_cap(accumulateCap)
{
}

QByteArray ResponsesStreamEncoder::event(const QString &type, QJsonObject fields)
{
    fields.insert(str("sequence_number"), m_sequence++);
    return sseEvent(type, fields);
}

void ResponsesStreamEncoder::accumulate(QString *target, const QString &text)
{
    const qsizetype room = m_cap - m_kept;
    if (room <= 0)
        return;
    const QString kept = text.size() <= room ? text : text.first(room);
    target->append(kept);
    m_kept += kept.size();
}

qsizetype ResponsesStreamEncoder::nextOutputIndex() const
{
    return m_output.size() + (m_open == Item::None ? 0 : 1);
}

QJsonObject ResponsesStreamEncoder::responseObject(const QString &status) const
{
    return responseSkeleton(m_id, m_createdAt, m_request, status);
}

QByteArray ResponsesStreamEncoder::ensureStarted(const QJsonObject &chunk)
{
    if (m_started)
        return {};
    m_started = true;
    m_suffix = idSuffix(chunk.value(str("id")).toString());
    m_id = str("resp_") + m_suffix;
    m_createdAt = chunk.value(str("created")).toInteger();
    if (m_createdAt <= 0)
        m_createdAt = QDateTime::currentSecsSinceEpoch();
    const QJsonObject response = responseObject(str("in_progress"));
    QByteArray out = event(str("response.created"), {{str("response"), response}});
    out += event(str("response.in_progress"), {{str("response"), response}});
    return out;
}

QByteArray ResponsesStreamEncoder::openItem(Item kind, const QJsonObject &item)
{
    QByteArray out = closeItem();
    m_open = kind;
    m_openItem = item;
    m_openText.clear();
    const qsizetype index = m_output.size();
    out += event(str("response.output_item.added"),
                 {{str("output_index"), index}, {str("item"), item}});
    const QString id = item.value(str("id")).toString();
    if (kind == Item::Message)
        out += event(str("response.content_part.added"), {{str("item_id"), id},
                                                          {str("output_index"), index},
                                                          {str("content_index"), 0},
                                                          {str("part"), outputTextPart({})}});
    else if (kind == Item::Reasoning)
        out += event(str("response.reasoning_summary_part.added"),
                     {{str("item_id"), id},
                      {str("output_index"), index},
                      {str("summary_index"), 0},
                      {str("part"),
                       QJsonObject{{str("type"), str("summary_text")}, {str("text"), QString()}}}});
    return out;
}

QByteArray ResponsesStreamEncoder::closeItem()
{
    if (m_open == Item::None)
        return {};
    const qsizetype index = m_output.size();
    const QString id = m_openItem.value(str("id")).toString();
    QByteArray out;
    QJsonObject done;
    switch (m_open) {
    case Item::Reasoning: {
        const QJsonObject part{{str("type"), str("summary_text")}, {str("text"), m_openText}};
        out += event(str("response.reasoning_summary_text.done"), {{str("item_id"), id},
                                                                   {str("output_index"), index},
                                                                   {str("summary_index"), 0},
                                                                   {str("text"), m_openText}});
        out += event(str("response.reasoning_summary_part.done"), {{str("item_id"), id},
                                                                   {str("output_index"), index},
                                                                   {str("summary_index"), 0},
                                                                   {str("part"), part}});
        done = reasoningItem(id, m_openText);
        break;
    }
    case Item::Message: {
        const QJsonObject part = outputTextPart(m_openText);
        out += event(str("response.output_text.done"), {{str("item_id"), id},
                                                        {str("output_index"), index},
                                                        {str("content_index"), 0},
                                                        {str("text"), m_openText},
                                                        {str("logprobs"), QJsonArray()}});
        out += event(str("response.content_part.done"), {{str("item_id"), id},
                                                         {str("output_index"), index},
                                                         {str("content_index"), 0},
                                                         {str("part"), part}});
        done = messageItem(id, str("completed"), QJsonArray{part});
        break;
    }
    case Item::FunctionCall:
        out += event(
            str("response.function_call_arguments.done"),
            {{str("item_id"), id}, {str("output_index"), index}, {str("arguments"), m_openText}});
        done = functionCallItem(id, m_openItem.value(str("call_id")).toString(),
                                m_openItem.value(str("name")).toString(), m_openText,
                                str("completed"));
        m_toolsClosed.insert(m_openToolIndex, true);
        m_openToolIndex = -1;
        break;
    case Item::None:
        break;
    }
    out += event(str("response.output_item.done"),
                 {{str("output_index"), index}, {str("item"), done}});
    m_output.append(done);
    m_open = Item::None;
    m_openItem = {};
    m_openText.clear();
    return out;
}

QByteArray ResponsesStreamEncoder::toolDelta(const QJsonObject &call)
{
    const int index = call.value(str("index")).toInt();
    if (m_toolsClosed.value(index))
        return {}; // Interleaved tool calls are not produced by OpenAI; see the class comment.
    const QJsonObject function = call.value(str("function")).toObject();
    QByteArray out;
    if (m_open != Item::FunctionCall || m_openToolIndex != index) {
        QString callId = call.value(str("id")).toString();
        if (callId.isEmpty())
            callId = str("call_") + m_suffix + QLatin1Char('_') + QString::number(index);
        out +=
            openItem(Item::FunctionCall,
                     functionCallItem(
                         str("fc_") + m_suffix + QLatin1Char('_') + QString::number(index), callId,
                         function.value(str("name")).toString(), QString(), str("in_progress")));
        m_openToolIndex = index;
    } else if (m_openItem.value(str("name")).toString().isEmpty() &&
               function.value(str("name")).isString()) {
        m_openItem.insert(str("name"), function.value(str("name")));
    }
    const QString arguments = function.value(str("arguments")).toString();
    if (!arguments.isEmpty()) {
        accumulate(&m_openText, arguments);
        out += event(str("response.function_call_arguments.delta"),
                     {{str("item_id"), m_openItem.value(str("id"))},
                      {str("output_index"), m_output.size()},
                      {str("delta"), arguments}});
    }
    return out;
}

QByteArray ResponsesStreamEncoder::delta(const QJsonObject &d)
{
    QByteArray out;
    const QString reasoning = ConversionUtil::reasoningText(d);
    if (!reasoning.isEmpty()) {
        if (m_open != Item::Reasoning)
            out += openItem(Item::Reasoning,
                            QJsonObject{{str("id"), str("rs_") + m_suffix + QLatin1Char('_') +
                                                        QString::number(nextOutputIndex())},
                                        {str("type"), str("reasoning")},
                                        {str("summary"), QJsonArray()}});
        accumulate(&m_openText, reasoning);
        out += event(str("response.reasoning_summary_text.delta"),
                     {{str("item_id"), m_openItem.value(str("id"))},
                      {str("output_index"), m_output.size()},
                      {str("summary_index"), 0},
                      {str("delta"), reasoning}});
    }
    for (const char *key : {"content", "refusal"}) {
        const QString text = d.value(str(key)).toString();
        if (text.isEmpty())
            continue;
        if (m_open != Item::Message)
            out += openItem(Item::Message, messageItem(str("msg_") + m_suffix + QLatin1Char('_') +
                                                           QString::number(nextOutputIndex()),
                                                       str("in_progress"), QJsonArray()));
        accumulate(&m_openText, text);
        out +=
            event(str("response.output_text.delta"), {{str("item_id"), m_openItem.value(str("id"))},
                                                      {str("output_index"), m_output.size()},
                                                      {str("content_index"), 0},
                                                      {str("delta"), text},
                                                      {str("logprobs"), QJsonArray()}});
    }
    const QJsonArray calls = d.value(str("tool_calls")).toArray();
    for (const QJsonValue &call : calls)
        out += toolDelta(call.toObject());
    return out;
}

QByteArray ResponsesStreamEncoder::onChunk(const QJsonObject &chunk)
{
    if (m_finished)
        return {};
    const QJsonObject usage = chunk.value(str("usage")).toObject();
    if (!usage.isEmpty())
        m_usage = ConversionUtil::usageFromOpenAI(usage);
    QByteArray out = ensureStarted(chunk);
    const QJsonArray choices = chunk.value(str("choices")).toArray();
    if (choices.isEmpty())
        return out;
    const QJsonObject choice = choices.first().toObject();
    out += delta(choice.value(str("delta")).toObject());
    const QString finishReason = choice.value(str("finish_reason")).toString();
    if (!finishReason.isEmpty()) {
        m_finishReason = finishReason;
        out += closeItem();
    }
    return out;
}

QByteArray ResponsesStreamEncoder::finish(const QString &errorMessage)
{
    if (m_finished)
        return {};
    QByteArray out = ensureStarted({});
    m_finished = true;
    if (!errorMessage.isEmpty()) {
        QJsonObject response = responseObject(str("failed"));
        response.insert(str("error"), QJsonObject{{str("code"), str("server_error")},
                                                  {str("message"), errorMessage}});
        response.insert(str("output"), m_output);
        out += event(str("response.failed"), {{str("response"), response}});
        return out;
    }
    out += closeItem();
    QJsonObject response = responseObject(str("completed"));
    response.insert(str("output"), m_output);
    response.insert(str("usage"), responsesUsage(m_usage));
    markIncomplete(&response, m_finishReason);
    const QString status = response.value(str("status")).toString();
    out +=
        event(status == str("incomplete") ? str("response.incomplete") : str("response.completed"),
              {{str("response"), response}});
    return out;
}
