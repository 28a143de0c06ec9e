#include "anthropicopenai.h"

#include "conversionutil.h"

#include <QJsonArray>

namespace AnthropicOpenAI {

namespace {

using ConversionUtil::str;

QByteArray compact(const QJsonObject &object)
{
    return ConversionUtil::compactJson(object);
}

/// `msg_<suffix>` from an OpenAI completion id (`chatcmpl-abc` → `msg_abc`); random if empty.
QString messageId(const QString &openaiId)
{
    return ConversionUtil::replaceIdPrefix(openaiId, str("chatcmpl-"), str("msg_"));
}

/// Reasoning normalisation table: budget → effort, clamped to what OpenAI accepts.
QString effortForBudget(qint64 budget)
{
    const QString effort = ConversionUtil::reasoningEffortForBudget(budget);
    if (effort == str("none"))
        return str("minimal"); // Thinking was asked for.
    if (effort == str("xhigh"))
        return str("high");
    return effort;
}

QString dataUrl(const QJsonObject &source)
{
    return str("data:") + source.value(str("media_type")).toString() + str(";base64,") +
           source.value(str("data")).toString();
}

QJsonObject textPart(const QString &text)
{
    return ConversionUtil::openAITextPart(text);
}

QJsonObject imagePart(const QString &url)
{
    return ConversionUtil::openAIImagePart(url);
}

/// Converts an image block to an `image_url` part; empty object (and \a error set) if invalid.
QJsonObject convertImage(const QJsonObject &block, const QString &where, QString *error)
{
    const QJsonObject source = block.value(str("source")).toObject();
    const QString type = source.value(str("type")).toString();
    if (type == str("base64") && source.value(str("data")).isString())
        return imagePart(dataUrl(source));
    if (type == str("url") && source.value(str("url")).isString())
        return imagePart(source.value(str("url")).toString());
    *error = where + str(".source: an image source must be base64 or url");
    return {};
}

bool appendParts(const QJsonArray &blocks, const QString &where, bool allowDocuments,
                 QJsonArray *parts, QString *error);

/// Appends the OpenAI parts for a document block (PDF → `file` part, plain text → text part).
bool convertDocument(const QJsonObject &block, const QString &where, QJsonArray *parts,
                     QString *error)
{
    const QJsonObject source = block.value(str("source")).toObject();
    const QString type = source.value(str("type")).toString();
    const QString title = block.value(str("title")).toString();
    if (type == str("base64") && source.value(str("data")).isString()) {
        QJsonObject file{{str("file_data"), dataUrl(source)}};
        file.insert(str("filename"), title.isEmpty() ? str("document.pdf") : title);
        parts->append(QJsonObject{{str("type"), str("file")}, {str("file"), file}});
        return true;
    }
    if (type == str("text") && source.value(str("data")).isString()) {
        parts->append(textPart(source.value(str("data")).toString()));
        return true;
    }
    if (type == str("url") && source.value(str("url")).isString()) {
        // Chat Completions has no URL file part: the model gets the link as text.
        parts->append(
            textPart(str("[document: ") + source.value(str("url")).toString() + str("]")));
        return true;
    }
    if (type == str("content")) {
        const QJsonValue content = source.value(str("content"));
        if (content.isString()) {
            parts->append(textPart(content.toString()));
            return true;
        }
        return appendParts(content.toArray(), where + str(".source.content"), false, parts, error);
    }
    *error = where + str(".source: a document source must be base64, text, url or content");
    return false;
}

/// Appends the part for a text, image or (if \a allowDocuments) document block at \a where;
/// any other block type is an error naming that position.
bool appendPart(const QJsonObject &block, const QString &where, bool allowDocuments,
                QJsonArray *parts, QString *error)
{
    const QString type = block.value(str("type")).toString();
    if (type == str("text")) {
        parts->append(textPart(block.value(str("text")).toString()));
        return true;
    }
    if (type == str("image")) {
        const QJsonObject part = convertImage(block, where, error);
        if (part.isEmpty())
            return false;
        parts->append(part);
        return true;
    }
    if (type == str("document") && allowDocuments)
        return convertDocument(block, where, parts, error);
    *error = where + str(".type: unsupported block type '") + type + QLatin1Char('\'');
    return false;
}

bool appendParts(const QJsonArray &blocks, const QString &where, bool allowDocuments,
                 QJsonArray *parts, QString *error)
{
    for (qsizetype i = 0; i < blocks.size(); ++i) {
        const QString blockWhere = where + QLatin1Char('.') + QString::number(i);
        if (!appendPart(blocks.at(i).toObject(), blockWhere, allowDocuments, parts, error))
            return false;
    }
    return true;
}

/// One tool_result block → a `role:"tool"` message; images go to \a deferredParts.
bool convertToolResult(const QJsonObject &block, const QString &where, QJsonArray *messages,
                       QJsonArray *deferredParts, QString *error)
{
    const QString id = block.value(str("tool_use_id")).toString();
    if (id.isEmpty()) {
        *error = where + str(".tool_use_id: required string");
        return false;
    }
    QString text;
    const QJsonValue content = block.value(str("content"));
    if (content.isString()) {
        text = content.toString();
    } else if (content.isArray()) {
        QJsonArray parts;
        if (!appendParts(content.toArray(), where + str(".content"), true, &parts, error))
            return false;
        QStringList texts;
        for (const QJsonValue &part : std::as_const(parts)) {
            if (part.toObject().value(str("type")) == str("text"))
                texts << part.toObject().value(str("text")).toString();
            else
                deferredParts->append(part);
        }
        text = texts.join(QLatin1Char('\n'));
    } else if (!content.isUndefined() && !content.isNull()) {
        *error = where + str(".content: must be a string or an array of blocks");
        return false;
    }
    if (block.value(str("is_error")).toBool())
        text.prepend(str("[tool error] "));
    messages->append(
        QJsonObject{{str("role"), str("tool")}, {str("tool_call_id"), id}, {str("content"), text}});
    return true;
}

bool convertUserMessage(const QJsonArray &blocks, const QString &where, QJsonArray *messages,
                        QString *error)
{
    QJsonArray parts;
    QJsonArray deferred; // Images and documents from tool results.
    for (qsizetype i = 0; i < blocks.size(); ++i) {
        const QJsonObject block = blocks.at(i).toObject();
        const QString type = block.value(str("type")).toString();
        const QString blockWhere = where + str(".content.") + QString::number(i);
        if (type != str("tool_result")) {
            if (!appendPart(block, blockWhere, true, &parts, error))
                return false;
        } else if (!convertToolResult(block, blockWhere, messages, &deferred, error)) {
            return false;
        }
    }
    for (const QJsonValue &part : std::as_const(deferred))
        parts.append(part);
    if (parts.isEmpty())
        return true;
    QJsonObject message{{str("role"), str("user")}};
    if (parts.size() == 1 && parts.first().toObject().value(str("type")).toString() == str("text"))
        message.insert(str("content"), parts.first().toObject().value(str("text")));
    else
        message.insert(str("content"), parts);
    messages->append(message);
    return true;
}

bool convertAssistantMessage(const QJsonArray &blocks, const QString &where, QJsonArray *messages,
                             QString *error)
{
    QStringList texts;
    QStringList reasoning;
    QJsonArray toolCalls;
    for (qsizetype i = 0; i < blocks.size(); ++i) {
        const QJsonObject block = blocks.at(i).toObject();
        const QString type = block.value(str("type")).toString();
        const QString blockWhere = where + str(".content.") + QString::number(i);
        if (type == str("text")) {
            texts << block.value(str("text")).toString();
        } else if (type == str("thinking")) {
            reasoning << block.value(str("thinking")).toString();
        } else if (type == str("redacted_thinking")) {
            continue; // Encrypted for Anthropic only.
        } else if (type == str("tool_use")) {
            const QString id = block.value(str("id")).toString();
            const QString name = block.value(str("name")).toString();
            if (id.isEmpty() || name.isEmpty()) {
                *error = blockWhere + str(": tool_use needs id and name");
                return false;
            }
            const QJsonObject function{
                {str("name"), name},
                {str("arguments"),
                 QString::fromUtf8(compact(block.value(str("input")).toObject()))}};
            toolCalls.append(QJsonObject{
                {str("id"), id}, {str("type"), str("function")}, {str("function"), function}});
        } else {
            *error = blockWhere + str(".type: unsupported block type '") + type +
                     str("' in an assistant message");
            return false;
        }
    }
    QJsonObject message{{str("role"), str("assistant")}};
    if (!texts.isEmpty() || toolCalls.isEmpty())
        message.insert(str("content"), texts.join(QLatin1Char('\n')));
    if (!reasoning.isEmpty())
        message.insert(str("reasoning_content"), reasoning.join(QLatin1Char('\n')));
    if (!toolCalls.isEmpty())
        message.insert(str("tool_calls"), toolCalls);
    messages->append(message);
    return true;
}

/// A system prompt (top-level `system`, or a `role: "system"` message's content at \a where)
/// → an OpenAI system message.
bool convertSystem(const QJsonValue &system, const QString &where, QJsonArray *messages,
                   QString *error)
{
    QString text;
    if (system.isString()) {
        text = system.toString();
    } else if (system.isArray()) {
        QStringList texts;
        const QJsonArray blocks = system.toArray();
        for (qsizetype i = 0; i < blocks.size(); ++i) {
            const QJsonObject block = blocks.at(i).toObject();
            if (block.value(str("type")).toString() != str("text")) {
                *error = where + QLatin1Char('.') + QString::number(i) + str(".type: must be text");
                return false;
            }
            texts << block.value(str("text")).toString();
        }
        text = texts.join(QLatin1Char('\n'));
    } else if (!system.isUndefined() && !system.isNull()) {
        *error = where + str(": must be a string or an array of text blocks");
        return false;
    }
    if (!text.isEmpty())
        messages->append(QJsonObject{{str("role"), str("system")}, {str("content"), text}});
    return true;
}

bool convertTools(const QJsonObject &request, QJsonObject *out, QString *error)
{
    QJsonArray tools;
    const QJsonArray input = request.value(str("tools")).toArray();
    for (qsizetype i = 0; i < input.size(); ++i) {
        const QJsonObject tool = input.at(i).toObject();
        if (!tool.contains(str("input_schema")))
            continue; // Server tool (web_search_*, bash_*, …): nothing to call upstream.
        const QString name = tool.value(str("name")).toString();
        if (name.isEmpty()) {
            *error = str("tools.") + QString::number(i) + str(".name: required string");
            return false;
        }
        QJsonObject function{{str("name"), name},
                             {str("parameters"), tool.value(str("input_schema"))}};
        if (tool.value(str("description")).isString())
            function.insert(str("description"), tool.value(str("description")));
        tools.append(QJsonObject{{str("type"), str("function")}, {str("function"), function}});
    }
    if (tools.isEmpty())
        return true;
    out->insert(str("tools"), tools);

    const QJsonObject choice = request.value(str("tool_choice")).toObject();
    const QString type = choice.value(str("type")).toString();
    if (type == str("auto") || type == str("none")) {
        out->insert(str("tool_choice"), type);
    } else if (type == str("any")) {
        out->insert(str("tool_choice"), str("required"));
    } else if (type == str("tool")) {
        const QString name = choice.value(str("name")).toString();
        if (name.isEmpty()) {
            *error = str("tool_choice.name: required when type is tool");
            return false;
        }
        out->insert(str("tool_choice"),
                    QJsonObject{{str("type"), str("function")},
                                {str("function"), QJsonObject{{str("name"), name}}}});
    } else if (!type.isEmpty()) {
        *error = str("tool_choice.type: must be auto, any, tool or none");
        return false;
    }
    if (choice.value(str("disable_parallel_tool_use")).toBool())
        out->insert(str("parallel_tool_calls"), false);
    return true;
}

Usage usageFrom(const QJsonObject &openaiUsage)
{
    return ConversionUtil::usageFromOpenAI(openaiUsage);
}

/// Anthropic usage object; input_tokens excludes cached tokens as Anthropic counts them.
QJsonObject anthropicUsage(const Usage &usage)
{
    return QJsonObject{
        {str("input_tokens"), qMax<qint64>(0, usage.inputTokens - usage.cachedTokens)},
        {str("cache_creation_input_tokens"), 0},
        {str("cache_read_input_tokens"), usage.cachedTokens},
        {str("output_tokens"), usage.outputTokens},
    };
}

QString stopReason(const QString &finishReason, bool hasToolUse, const QString &stopSequence)
{
    if (finishReason == str("length"))
        return str("max_tokens");
    if (finishReason == str("tool_calls") || finishReason == str("function_call"))
        return str("tool_use");
    if (finishReason == str("content_filter"))
        return str("refusal");
    if (hasToolUse)
        return str("tool_use");
    if (!stopSequence.isEmpty())
        return str("stop_sequence");
    return str("end_turn");
}

/// Tool input from OpenAI's JSON-string arguments (see the header for the lossless rule).
QJsonObject toolInput(const QString &arguments)
{
    return ConversionUtil::toolInputFromArguments(arguments);
}

qint64 textLength(const QJsonValue &value)
{
    return value.isString() ? value.toString().size() : 0;
}

/// Characters and media blocks of one content value (string or blocks), recursively.
void measureContent(const QJsonValue &content, qint64 *chars, qint64 *media)
{
    if (content.isString()) {
        *chars += content.toString().size();
        return;
    }
    const QJsonArray blocks = content.toArray();
    for (const QJsonValue &value : blocks) {
        const QJsonObject block = value.toObject();
        const QString type = block.value(str("type")).toString();
        if (type == str("text")) {
            *chars += textLength(block.value(str("text")));
        } else if (type == str("thinking")) {
            *chars += textLength(block.value(str("thinking")));
        } else if (type == str("tool_use")) {
            *chars += textLength(block.value(str("name"))) +
                      compact(block.value(str("input")).toObject()).size();
        } else if (type == str("tool_result")) {
            measureContent(block.value(str("content")), chars, media);
        } else if (type == str("document") &&
                   block.value(str("source")).toObject().value(str("type")) == str("text")) {
            *chars += textLength(block.value(str("source")).toObject().value(str("data")));
        } else if (type == str("image") || type == str("document")) {
            ++*media;
        }
    }
}

} // namespace

QByteArray sseEvent(const QString &type, const QJsonObject &fields)
{
    QByteArray out = "event: " + type.toUtf8() + "\ndata: {\"type\":\"" + type.toUtf8() + '"';
    if (!fields.isEmpty())
        out += ',' + compact(fields).sliced(1);
    else
        out += '}';
    out += "\n\n";
    return out;
}

QJsonObject toOpenAIRequest(const QJsonObject &request, QString *error)
{
    QString ignored;
    if (!error)
        error = &ignored;
    error->clear();

    const QString model = request.value(str("model")).toString();
    if (model.isEmpty()) {
        *error = str("model: required string");
        return {};
    }
    const QJsonValue maxTokens = request.value(str("max_tokens"));
    if (!maxTokens.isDouble() || maxTokens.toDouble() < 1 ||
        maxTokens.toDouble() != double(maxTokens.toInteger())) {
        *error = str("max_tokens: required positive integer");
        return {};
    }
    if (!request.value(str("messages")).isArray()) {
        *error = str("messages: required array");
        return {};
    }

    QJsonObject out{{str("model"), model}, {str("max_tokens"), maxTokens}};
    QJsonArray messages;
    if (!convertSystem(request.value(str("system")), str("system"), &messages, error))
        return {};

    const QJsonArray input = request.value(str("messages")).toArray();
    for (qsizetype i = 0; i < input.size(); ++i) {
        const QJsonObject message = input.at(i).toObject();
        const QString where = str("messages.") + QString::number(i);
        const QString role = message.value(str("role")).toString();
        if (role == str("system")) {
            // A system message inside the conversation (Claude Code sends them): it applies
            // from its position on, as an OpenAI system message does.
            if (!convertSystem(message.value(str("content")), where + str(".content"), &messages,
                               error))
                return {};
            continue;
        }
        if (role != str("user") && role != str("assistant")) {
            *error = where + str(".role: must be user, assistant or system");
            return {};
        }
        const QJsonValue content = message.value(str("content"));
        if (content.isString()) {
            messages.append(QJsonObject{{str("role"), role}, {str("content"), content}});
            continue;
        }
        if (!content.isArray()) {
            *error = where + str(".content: must be a string or an array of blocks");
            return {};
        }
        const bool ok = role == str("user")
                            ? convertUserMessage(content.toArray(), where, &messages, error)
                            : convertAssistantMessage(content.toArray(), where, &messages, error);
        if (!ok)
            return {};
    }
    out.insert(str("messages"), messages);

    if (!convertTools(request, &out, error))
        return {};

    for (const char *key : {"temperature", "top_p"}) {
        const QJsonValue value = request.value(str(key));
        if (value.isDouble())
            out.insert(str(key), value);
    }
    const QJsonArray stops = request.value(str("stop_sequences")).toArray();
    if (!stops.isEmpty())
        out.insert(str("stop"), stops);
    if (request.value(str("stream")).toBool()) {
        out.insert(str("stream"), true);
        out.insert(str("stream_options"), QJsonObject{{str("include_usage"), true}});
    }
    const QString user = request.value(str("metadata")).toObject().value(str("user_id")).toString();
    if (!user.isEmpty())
        out.insert(str("user"), user);

    const QJsonObject thinking = request.value(str("thinking")).toObject();
    const QString thinkingType = thinking.value(str("type")).toString();
    // output_config.effort (low, medium, high, max) sets the effort of adaptive thinking and
    // of the answer itself; OpenAI's scale ends at high.
    const QString effort =
        request.value(str("output_config")).toObject().value(str("effort")).toString();
    if (thinkingType == str("enabled")) {
        const QJsonValue budget = thinking.value(str("budget_tokens"));
        if (!budget.isDouble()) {
            *error = str("thinking.budget_tokens: required integer when thinking is enabled");
            return {};
        }
        out.insert(str("reasoning_effort"), effortForBudget(budget.toInteger()));
    } else if (thinkingType != str("disabled") && !effort.isEmpty()) {
        const bool known = effort == str("low") || effort == str("medium") ||
                           effort == str("high") || effort == str("max");
        if (!known) {
            *error = str("output_config.effort: must be low, medium, high or max");
            return {};
        }
        out.insert(str("reasoning_effort"), effort == str("max") ? str("high") : effort);
    }
    return out;
}

QJsonObject toAnthropicResponse(const QJsonObject &response, const QString &requestedModel)
{
    const QJsonObject choice = response.value(str("choices")).toArray().first().toObject();
    const QJsonObject message = choice.value(str("message")).toObject();

    QJsonArray content;
    const QString reasoning = ConversionUtil::reasoningText(message);
    if (!reasoning.isEmpty())
        content.append(QJsonObject{{str("type"), str("thinking")},
                                   {str("thinking"), reasoning},
                                   {str("signature"), QString()}});
    for (const char *key : {"content", "refusal"}) {
        const QString text = message.value(str(key)).toString();
        if (!text.isEmpty())
            content.append(textPart(text));
    }
    const QJsonArray toolCalls = message.value(str("tool_calls")).toArray();
    for (const QJsonValue &value : toolCalls) {
        const QJsonObject call = value.toObject();
        const QJsonObject function = call.value(str("function")).toObject();
        content.append(QJsonObject{
            {str("type"), str("tool_use")},
            {str("id"), call.value(str("id"))},
            {str("name"), function.value(str("name"))},
            {str("input"), toolInput(function.value(str("arguments")).toString())},
        });
    }

    const QString stopSequence = choice.value(str("stop_reason")).toString();
    const QString reason = stopReason(choice.value(str("finish_reason")).toString(),
                                      !toolCalls.isEmpty(), stopSequence);
    return QJsonObject{
        {str("id"), messageId(response.value(str("id")).toString())},
        {str("type"), str("message")},
        {str("role"), str("assistant")},
        {str("model"), requestedModel},
        {str("content"), content},
        {str("stop_reason"), reason},
        {str("stop_sequence"),
         reason == str("stop_sequence") ? QJsonValue(stopSequence) : QJsonValue()},
        {str("usage"), anthropicUsage(usageFrom(response.value(str("usage")).toObject()))},
    };
}

QString anthropicErrorType(int httpStatus)
{
    switch (httpStatus) {
    case 401:
        return str("authentication_error");
    case 403:
        return str("permission_error");
    case 404:
        return str("not_found_error");
    case 413:
        return str("request_too_large");
    case 429:
        return str("rate_limit_error");
    case 503:
    case 529:
        return str("overloaded_error");
    default:
        return httpStatus >= 400 && httpStatus < 500 ? str("invalid_request_error")
                                                     : str("api_error");
    }
}

QByteArray anthropicErrorBody(int httpStatus, const QString &message)
{
    // Key order by hand: "type" first, as Anthropic sends it.
    const QJsonObject error{{str("type"), anthropicErrorType(httpStatus)},
                            {str("message"), message}};
    return "{\"type\":\"error\",\"error\":" + compact(error) + '}';
}

qint64 estimateInputTokens(const QJsonObject &request)
{
    qint64 chars = 0;
    qint64 media = 0;
    const QJsonValue system = request.value(str("system"));
    measureContent(system, &chars, &media);
    const QJsonArray messages = request.value(str("messages")).toArray();
    for (const QJsonValue &message : messages)
        measureContent(message.toObject().value(str("content")), &chars, &media);
    const QJsonArray tools = request.value(str("tools")).toArray();
    for (const QJsonValue &value : tools) {
        const QJsonObject tool = value.toObject();
        chars += textLength(tool.value(str("name"))) + textLength(tool.value(str("description")));
        if (tool.value(str("input_schema")).isObject())
            chars += compact(tool.value(str("input_schema")).toObject()).size();
    }
    return ConversionUtil::tokensForCharacters(chars) +
           media * ConversionUtil::mediaBlockTokenEstimate;
}

} // namespace AnthropicOpenAI

using namespace AnthropicOpenAI;

AnthropicStreamEncoder::AnthropicStreamEncoder(const QString &requestedModel,
                                               qint64 inputTokensEstimate)
    : m_model(requestedModel)
    , m_inputEstimate(inputTokensEstimate)
{
}

QByteArray AnthropicStreamEncoder::ensureStarted(const QJsonObject &chunk)
{
    if (m_started)
        return {};
    m_started = true;
    Usage early;
    early.inputTokens = m_inputEstimate;
    if (m_hasUsage)
        early = m_usage;
    QJsonObject usage = anthropicUsage(early);
    usage.insert(str("output_tokens"), 0);
    const QJsonObject message{
        {str("id"), messageId(chunk.value(str("id")).toString())},
        {str("type"), str("message")},
        {str("role"), str("assistant")},
        {str("model"), m_model},
        {str("content"), QJsonArray()},
        {str("stop_reason"), QJsonValue()},
        {str("stop_sequence"), QJsonValue()},
        {str("usage"), usage},
    };
    m_messageId = message.value(str("id")).toString();
    return sseEvent(str("message_start"), {{str("message"), message}}) + sseEvent(str("ping"), {});
}

QByteArray AnthropicStreamEncoder::openBlock(Block kind, const QJsonObject &contentBlock)
{
    QByteArray out = closeBlock();
    m_open = kind;
    out += sseEvent(str("content_block_start"),
                    {{str("index"), m_nextBlockIndex}, {str("content_block"), contentBlock}});
    ++m_nextBlockIndex;
    return out;
}

QByteArray AnthropicStreamEncoder::closeBlock()
{
    if (m_open == Block::None)
        return {};
    if (m_open == Block::Tool) {
        ToolState &tool = m_tools[m_openToolIndex];
        tool.closed = true;
        m_openToolIndex = -1;
    }
    m_open = Block::None;
    return sseEvent(str("content_block_stop"), {{str("index"), m_nextBlockIndex - 1}});
}

QByteArray AnthropicStreamEncoder::toolDelta(const QJsonObject &call)
{
    const int index = call.value(str("index")).toInt();
    ToolState &tool = m_tools[index];
    if (tool.closed)
        return {}; // Interleaved tool calls are not produced by OpenAI; see the class comment.
    const QJsonObject function = call.value(str("function")).toObject();
    QString arguments = function.value(str("arguments")).toString();
    QByteArray out;
    if (!tool.started) {
        if (tool.id.isEmpty())
            tool.id = call.value(str("id")).toString();
        if (tool.name.isEmpty())
            tool.name = function.value(str("name")).toString();
        if (tool.name.isEmpty()) {
            tool.pendingArguments += arguments;
            return {};
        }
        if (tool.id.isEmpty())
            tool.id =
                str("toolu_") + m_messageId.sliced(4) + QLatin1Char('_') + QString::number(index);
        out += openBlock(Block::Tool, QJsonObject{{str("type"), str("tool_use")},
                                                  {str("id"), tool.id},
                                                  {str("name"), tool.name},
                                                  {str("input"), QJsonObject()}});
        m_openToolIndex = index;
        tool.started = true;
        m_sawToolUse = true;
        arguments.prepend(tool.pendingArguments);
        tool.pendingArguments.clear();
        tool.id.clear(); // Only needed until the block starts.
        tool.name.clear();
    }
    if (!arguments.isEmpty())
        out += sseEvent(str("content_block_delta"),
                        {{str("index"), m_nextBlockIndex - 1},
                         {str("delta"), QJsonObject{{str("type"), str("input_json_delta")},
                                                    {str("partial_json"), arguments}}}});
    return out;
}

QByteArray AnthropicStreamEncoder::delta(const QJsonObject &d)
{
    QByteArray out;
    const QString reasoning = ConversionUtil::reasoningText(d);
    if (!reasoning.isEmpty()) {
        if (m_open != Block::Thinking)
            out += openBlock(Block::Thinking, {{str("type"), str("thinking")},
                                               {str("thinking"), QString()},
                                               {str("signature"), QString()}});
        out += sseEvent(str("content_block_delta"),
                        {{str("index"), m_nextBlockIndex - 1},
                         {str("delta"), QJsonObject{{str("type"), str("thinking_delta")},
                                                    {str("thinking"), reasoning}}}});
    }
    for (const char *key : {"content", "refusal"}) {
        const QString text = d.value(str(key)).toString();
        if (text.isEmpty())
            continue;
        if (m_open != Block::Text)
            out += openBlock(Block::Text, textPart(QString()));
        out += sseEvent(
            str("content_block_delta"),
            {{str("index"), m_nextBlockIndex - 1},
             {str("delta"), QJsonObject{{str("type"), str("text_delta")}, {str("text"), text}}}});
    }
    const QJsonArray calls = d.value(str("tool_calls")).toArray();
    for (const QJsonValue &call : calls)
        out += toolDelta(call.toObject());
    return out;
}

QByteArray AnthropicStreamEncoder::onChunk(const QJsonObject &chunk)
{
    if (m_finished)
        return {};
    const QJsonObject usage = chunk.value(str("usage")).toObject();
    if (!usage.isEmpty()) {
        m_usage = usageFrom(usage);
        m_hasUsage = true;
    }
    QByteArray out = ensureStarted(chunk);
    const QJsonArray choices = chunk.value(str("choices")).toArray();
    if (choices.isEmpty())
        return out;
    const QJsonObject choice = choices.first().toObject();
    out += delta(choice.value(str("delta")).toObject());
    const QString finishReason = choice.value(str("finish_reason")).toString();
    if (!finishReason.isEmpty()) {
        m_finishReason = finishReason;
        m_stopSequence = choice.value(str("stop_reason")).toString();
        out += closeBlock();
    }
    return out;
}

QByteArray AnthropicStreamEncoder::finish(const QString &errorMessage)
{
    if (m_finished)
        return {};
    m_finished = true;
    if (!errorMessage.isEmpty()) {
        return sseEvent(str("error"),
                        {{str("error"), QJsonObject{{str("type"), str("api_error")},
                                                    {str("message"), errorMessage}}}});
    }
    QByteArray out = ensureStarted({});
    out += closeBlock();
    const QString reason = stopReason(m_finishReason, m_sawToolUse, m_stopSequence);
    out +=
        sseEvent(str("message_delta"),
                 {{str("delta"), QJsonObject{{str("stop_reason"), reason},
                                             {str("stop_sequence"), reason == str("stop_sequence")
                                                                        ? QJsonValue(m_stopSequence)
                                                                        : QJsonValue()}}},
                  {str("usage"), anthropicUsage(m_usage)}});
    out += sseEvent(str("message_stop"), {});
    return out;
}
