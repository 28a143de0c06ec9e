#include "openaianthropic.h"

#include "conversionutil.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QUrl>

namespace OpenAIAnthropic {

namespace {

using ConversionUtil::positiveInteger;
using ConversionUtil::str;
using ConversionUtil::where;

/// `chatcmpl-<suffix>` from an Anthropic message id (`msg_abc` → `chatcmpl-abc`); random if empty.
QString completionId(const QString &messageId)
{
    return ConversionUtil::replaceIdPrefix(messageId, str("msg_"), str("chatcmpl-"));
}

QJsonObject textBlock(const QString &text)
{
    return QJsonObject{{str("type"), str("text")}, {str("text"), text}};
}

/// Copies a client's `cache_control` object from \a from onto \a block.
void keepCacheControl(const QJsonObject &from, QJsonObject *block)
{
    const QJsonValue cacheControl = from.value(str("cache_control"));
    if (cacheControl.isObject())
        block->insert(str("cache_control"), cacheControl);
}

QJsonObject imageBlock(const QJsonObject &part, const QString &at, QString *error)
{
    const QString url = ConversionUtil::imageUrlOf(part);
    QJsonObject source;
    if (const auto data = ConversionUtil::parseDataUrl(url); data && data->isBase64) {
        source = {{str("type"), str("base64")},
                  {str("media_type"), data->mediaType},
                  {str("data"), data->data}};
    } else if (url.startsWith(str("https://")) || url.startsWith(str("http://"))) {
        source = {{str("type"), str("url")}, {str("url"), url}};
    } else {
        *error = at + str(".image_url.url: must be an http(s) URL or a base64 data URL");
        return {};
    }
    return QJsonObject{{str("type"), str("image")}, {str("source"), source}};
}

/// A `file` part → a document block (PDF as base64, plain text as text).
QJsonObject documentBlock(const QJsonObject &part, const QString &at, QString *error)
{
    const QJsonObject file = part.value(str("file")).toObject();
    const auto data = ConversionUtil::parseDataUrl(file.value(str("file_data")).toString());
    QJsonObject source;
    if (data && data->isBase64 && data->mediaType == str("application/pdf")) {
        source = {{str("type"), str("base64")},
                  {str("media_type"), data->mediaType},
                  {str("data"), data->data}};
    } else if (data && data->mediaType == str("text/plain")) {
        const QString text = data->isBase64
                                 ? QString::fromUtf8(QByteArray::fromBase64(data->data.toLatin1()))
                                 : QUrl::fromPercentEncoding(data->data.toUtf8());
        source = {
            {str("type"), str("text")}, {str("media_type"), data->mediaType}, {str("data"), text}};
    } else if (file.contains(str("file_id")) && !data) {
        *error = at + str(".file.file_id: uploaded files cannot be sent to an Anthropic "
                          "channel; send file_data instead");
        return {};
    } else {
        *error = at + str(".file.file_data: must be a base64 PDF or a text/plain data URL");
        return {};
    }
    QJsonObject block{{str("type"), str("document")}, {str("source"), source}};
    const QString filename = file.value(str("filename")).toString();
    if (!filename.isEmpty())
        block.insert(str("title"), filename);
    return block;
}

/// Appends the blocks of an OpenAI `content` value (string or parts) at \a at. Empty texts are
/// skipped; \a allowMedia admits image and file parts.
bool appendContent(const QJsonValue &content, const QString &at, bool allowMedia,
                   QJsonArray *blocks, QString *error)
{
    return ConversionUtil::visitContentParts(
        content, at,
        [&](const QJsonObject &part, const QString &partAt) {
            const QString type = part.value(str("type")).toString();
            QJsonObject block;
            if (type == str("text") || type == str("refusal")) {
                const QString text = part.value(type).toString();
                if (text.isEmpty())
                    return true;
                block = textBlock(text);
            } else if (type == str("image_url") && allowMedia) {
                block = imageBlock(part, partAt, error);
            } else if (type == str("file") && allowMedia) {
                block = documentBlock(part, partAt, error);
            } else {
                *error = partAt + str(".type: unsupported content part type '") + type +
                         QLatin1Char('\'');
                return false;
            }
            if (block.isEmpty())
                return false;
            keepCacheControl(part, &block);
            blocks->append(block);
            return true;
        },
        error);
}

/// A `role:"tool"` message → one tool_result block.
QJsonObject toolResultBlock(const QJsonObject &message, const QString &at, QString *error)
{
    const QString id = message.value(str("tool_call_id")).toString();
    if (id.isEmpty()) {
        *error = where(at, "tool_call_id") + str(": required string");
        return {};
    }
    QJsonObject block{{str("type"), str("tool_result")}, {str("tool_use_id"), id}};
    const QJsonValue content = message.value(str("content"));
    if (content.isArray()) {
        QJsonArray blocks;
        if (!appendContent(content, where(at, "content"), true, &blocks, error))
            return {};
        if (!blocks.isEmpty())
            block.insert(str("content"), blocks);
    } else if (content.isString()) {
        if (!content.toString().isEmpty())
            block.insert(str("content"), content);
    } else if (!content.isNull() && !content.isUndefined()) {
        *error = where(at, "content") + str(": must be a string or an array of content parts");
        return {};
    }
    return block;
}

/// Assistant message → signed thinking (if any), text blocks, then tool_use blocks.
bool appendAssistant(const QJsonObject &message, const QString &at, QJsonArray *blocks,
                     QString *error)
{
    const QString reasoning = message.value(str("reasoning_content")).toString();
    const QString signature = message.value(str("reasoning_signature")).toString();
    if (!reasoning.isEmpty() && !signature.isEmpty())
        blocks->append(QJsonObject{{str("type"), str("thinking")},
                                   {str("thinking"), reasoning},
                                   {str("signature"), signature}});
    if (!appendContent(message.value(str("content")), where(at, "content"), false, blocks, error))
        return false;
    const QJsonArray calls = message.value(str("tool_calls")).toArray();
    for (qsizetype i = 0; i < calls.size(); ++i) {
        const QJsonObject call = calls.at(i).toObject();
        const QJsonObject function = call.value(str("function")).toObject();
        const QString id = call.value(str("id")).toString();
        const QString name = function.value(str("name")).toString();
        if (id.isEmpty() || name.isEmpty()) {
            *error = where(where(at, "tool_calls"), i) + str(": a function call needs id and name");
            return false;
        }
        blocks->append(QJsonObject{
            {str("type"), str("tool_use")},
            {str("id"), id},
            {str("name"), name},
            {str("input"),
             ConversionUtil::toolInputFromArguments(function.value(str("arguments")).toString())},
        });
    }
    return true;
}

/// One Anthropic turn being built; consecutive OpenAI messages of its role are merged into it.
struct Turn
{
    QString role;
    QJsonArray blocks;
    qsizetype toolResults = 0; ///< tool_result blocks lead a user turn.
};

void appendToTurns(const QString &role, const QJsonArray &blocks, QList<Turn> *turns)
{
    if (blocks.isEmpty())
        return;
    if (turns->isEmpty() || turns->last().role != role)
        turns->append(Turn{role, {}, 0});
    Turn &turn = turns->last();
    for (const QJsonValue &block : blocks) {
        if (block.toObject().value(str("type")).toString() == str("tool_result"))
            turn.blocks.insert(turn.toolResults++, block);
        else
            turn.blocks.append(block);
    }
}

QJsonValue turnContent(const QJsonArray &blocks)
{
    if (blocks.size() == 1) {
        const QJsonObject only = blocks.first().toObject();
        if (only.size() == 2 && only.value(str("type")).toString() == str("text"))
            return only.value(str("text"));
    }
    return blocks;
}

/// Anthropic rejects thinking when the last assistant turn used a tool without a leading
/// thinking block (the one we could not carry).
bool thinkingAllowedBy(const QList<Turn> &turns)
{
    for (auto it = turns.crbegin(); it != turns.crend(); ++it) {
        if (it->role != str("assistant"))
            continue;
        bool usesTool = false;
        for (const QJsonValue &block : it->blocks)
            usesTool |= block.toObject().value(str("type")).toString() == str("tool_use");
        const QString first = it->blocks.first().toObject().value(str("type")).toString();
        return !usesTool || first == str("thinking") || first == str("redacted_thinking");
    }
    return true;
}

bool convertMessages(const QJsonArray &input, QJsonObject *out, QList<Turn> *turns, QString *error)
{
    QJsonArray system;
    for (qsizetype i = 0; i < input.size(); ++i) {
        const QJsonObject message = input.at(i).toObject();
        const QString at = where(str("messages"), i);
        const QString role = message.value(str("role")).toString();
        QJsonArray blocks;
        bool ok = true;
        if (role == str("system") || role == str("developer")) {
            ok = appendContent(message.value(str("content")), where(at, "content"), false, &blocks,
                               error);
        } else if (role == str("user")) {
            ok = appendContent(message.value(str("content")), where(at, "content"), true, &blocks,
                               error);
        } else if (role == str("assistant")) {
            ok = appendAssistant(message, at, &blocks, error);
        } else if (role == str("tool")) {
            const QJsonObject block = toolResultBlock(message, at, error);
            ok = !block.isEmpty();
            blocks.append(block);
        } else {
            *error =
                where(at, "role") + str(": must be system, developer, user, assistant or tool");
            return false;
        }
        if (!ok)
            return false;
        if (!blocks.isEmpty() && message.value(str("cache_control")).isObject()) {
            QJsonObject last = blocks.last().toObject();
            keepCacheControl(message, &last);
            blocks.replace(blocks.size() - 1, last);
        }
        if (role == str("system") || role == str("developer")) {
            for (const QJsonValue &block : std::as_const(blocks))
                system.append(block);
            continue;
        }
        appendToTurns(role == str("tool") ? str("user") : role, blocks, turns);
    }

    // System: one string (messages joined with "\n\n", parts with "\n") unless caching asks
    // for blocks.
    bool cached = false;
    QStringList texts;
    for (const QJsonValue &block : std::as_const(system)) {
        cached |= block.toObject().contains(str("cache_control"));
        texts << block.toObject().value(str("text")).toString();
    }
    if (cached)
        out->insert(str("system"), system);
    else if (!texts.isEmpty())
        out->insert(str("system"), texts.join(str("\n\n")));

    QJsonArray messages;
    for (const Turn &turn : std::as_const(*turns))
        messages.append(
            QJsonObject{{str("role"), turn.role}, {str("content"), turnContent(turn.blocks)}});
    out->insert(str("messages"), messages);
    return true;
}

/// tools and tool_choice; \a forcesTool is set when tool_choice requires a tool call.
bool convertTools(const QJsonObject &request, QJsonObject *out, bool *forcesTool, QString *error)
{
    QJsonArray tools;
    const QJsonArray input = request.value(str("tools")).toArray();
    for (qsizetype i = 0; i < input.size(); ++i) {
        const QJsonObject tool = input.at(i).toObject();
        const QJsonObject function = ConversionUtil::functionOfTool(tool, i, error);
        if (function.isEmpty())
            return false;
        const QString name = function.value(str("name")).toString();
        QJsonObject schema = function.value(str("parameters")).toObject();
        if (!schema.contains(str("type")))
            schema.insert(str("type"), str("object"));
        QJsonObject converted{{str("name"), name}, {str("input_schema"), schema}};
        const QString description = function.value(str("description")).toString();
        if (!description.isEmpty())
            converted.insert(str("description"), description);
        keepCacheControl(tool, &converted);
        tools.append(converted);
    }
    if (tools.isEmpty())
        return true; // A tool_choice without tools means nothing to Anthropic.
    out->insert(str("tools"), tools);

    const QJsonValue choice = request.value(str("tool_choice"));
    const QString named = choice.toString();
    QJsonObject anthropicChoice;
    if (choice.isUndefined() || choice.isNull() || named == str("auto")) {
        anthropicChoice = {{str("type"), str("auto")}};
    } else if (named == str("none")) {
        anthropicChoice = {{str("type"), str("none")}};
    } else if (named == str("required")) {
        anthropicChoice = {{str("type"), str("any")}};
    } else if (choice.toObject().value(str("type")).toString() == str("function") &&
               !choice.toObject()
                    .value(str("function"))
                    .toObject()
                    .value(str("name"))
                    .toString()
                    .isEmpty()) {
        anthropicChoice = {
            {str("type"), str("tool")},
            {str("name"), choice.toObject().value(str("function")).toObject().value(str("name"))}};
    } else {
        *error = str("tool_choice: must be auto, none, required or "
                     "{\"type\":\"function\",\"function\":{\"name\":…}}");
        return false;
    }
    const QString choiceType = anthropicChoice.value(str("type")).toString();
    *forcesTool = choiceType == str("any") || choiceType == str("tool");
    const bool serial = request.value(str("parallel_tool_calls")) == QJsonValue(false);
    if (serial && choiceType != str("none"))
        anthropicChoice.insert(str("disable_parallel_tool_use"), true);
    if (choice.isUndefined() || choice.isNull()) {
        if (serial) // auto is Anthropic's default: only say it to carry the flag.
            out->insert(str("tool_choice"), anthropicChoice);
        return true;
    }
    out->insert(str("tool_choice"), anthropicChoice);
    return true;
}

} // namespace

QString finishReason(const QString &stopReason)
{
    if (stopReason == str("max_tokens") || stopReason == str("model_context_window_exceeded"))
        return str("length");
    if (stopReason == str("tool_use"))
        return str("tool_calls");
    if (stopReason == str("refusal"))
        return str("content_filter");
    return str("stop"); // end_turn, stop_sequence, pause_turn.
}

Usage usageFromAnthropic(const QJsonObject &u)
{
    Usage usage;
    usage.cachedTokens = u.value(str("cache_read_input_tokens")).toInteger();
    usage.cacheCreationTokens = u.value(str("cache_creation_input_tokens")).toInteger();
    usage.inputTokens =
        u.value(str("input_tokens")).toInteger() + usage.cachedTokens + usage.cacheCreationTokens;
    usage.outputTokens = u.value(str("output_tokens")).toInteger();
    usage.totalTokens = usage.inputTokens + usage.outputTokens;
    return usage;
}

QJsonObject openAIUsage(const Usage &usage)
{
    return QJsonObject{
        {str("prompt_tokens"), usage.inputTokens},
        {str("completion_tokens"), usage.outputTokens},
        {str("total_tokens"), usage.inputTokens + usage.outputTokens},
        {str("prompt_tokens_details"),
         QJsonObject{{str("cached_tokens"), usage.cachedTokens},
                     {str("cache_creation_tokens"), usage.cacheCreationTokens}}},
    };
}

QJsonObject toAnthropicRequest(const QJsonObject &request, const QString &upstreamModel,
                               QString *error)
{
    QString ignored;
    if (!error)
        error = &ignored;
    error->clear();

    if (!ConversionUtil::checkChatRequest(request, str("an Anthropic channel"), error))
        return {};
    qint64 maxTokens = ConversionUtil::maxOutputTokens(request, error);
    if (maxTokens < 0)
        return {};
    if (maxTokens == 0)
        maxTokens = defaultMaxTokens;

    qint64 budget = 0;
    const QJsonValue effort = request.value(str("reasoning_effort"));
    if (!effort.isUndefined() && !effort.isNull()) {
        budget = ConversionUtil::thinkingBudgetForEffort(effort.toString());
        if (budget < 0) {
            *error = str("reasoning_effort: must be none, minimal, low, medium, high or xhigh");
            return {};
        }
    }

    QJsonObject out{{str("model"), upstreamModel}};
    QList<Turn> turns;
    if (!convertMessages(request.value(str("messages")).toArray(), &out, &turns, error))
        return {};
    bool forcesTool = false;
    if (!convertTools(request, &out, &forcesTool, error))
        return {};

    const bool thinking = budget > 0 && !forcesTool && thinkingAllowedBy(turns);
    if (thinking) {
        out.insert(str("thinking"),
                   QJsonObject{{str("type"), str("enabled")}, {str("budget_tokens"), budget}});
        if (maxTokens <= budget)
            maxTokens += budget;
    } else {
        const QJsonValue temperature = request.value(str("temperature"));
        if (temperature.isDouble())
            out.insert(str("temperature"), qBound(0.0, temperature.toDouble(), 1.0));
        for (const char *key : {"top_p", "top_k"}) {
            if (request.value(str(key)).isDouble())
                out.insert(str(key), request.value(str(key)));
        }
    }
    out.insert(str("max_tokens"), maxTokens);

    const QJsonArray stops = ConversionUtil::stopSequences(request);
    if (!stops.isEmpty())
        out.insert(str("stop_sequences"), stops);
    if (request.value(str("stream")).toBool())
        out.insert(str("stream"), true);
    const QString user = request.value(str("user")).toString();
    if (!user.isEmpty())
        out.insert(str("metadata"), QJsonObject{{str("user_id"), user}});
    return out;
}

QJsonObject toOpenAIResponse(const QJsonObject &anthropicMessage, const QString &clientModel)
{
    QString text;
    QStringList reasoning;
    QStringList signatures;
    QJsonArray toolCalls;
    const QJsonArray content = anthropicMessage.value(str("content")).toArray();
    for (const QJsonValue &value : content) {
        const QJsonObject block = value.toObject();
        const QString type = block.value(str("type")).toString();
        if (type == str("text")) {
            text += block.value(str("text")).toString();
        } else if (type == str("thinking")) {
            if (!block.value(str("thinking")).toString().isEmpty())
                reasoning << block.value(str("thinking")).toString();
            signatures << block.value(str("signature")).toString();
        } else if (type == str("tool_use")) {
            const QJsonObject function{
                {str("name"), block.value(str("name"))},
                {str("arguments"), QString::fromUtf8(ConversionUtil::compactJson(
                                       block.value(str("input")).toObject()))}};
            toolCalls.append(QJsonObject{{str("id"), block.value(str("id"))},
                                         {str("type"), str("function")},
                                         {str("function"), function}});
        } // redacted_thinking and server-tool blocks have no Chat Completions form.
    }

    QJsonObject message{{str("role"), str("assistant")},
                        {str("content"), text.isEmpty() ? QJsonValue() : QJsonValue(text)}};
    if (!reasoning.isEmpty())
        message.insert(str("reasoning_content"), reasoning.join(QLatin1Char('\n')));
    if (signatures.size() == 1 && !signatures.first().isEmpty())
        message.insert(str("reasoning_signature"), signatures.first());
    if (!toolCalls.isEmpty())
        message.insert(str("tool_calls"), toolCalls);

    const QJsonObject choice{
        {str("index"), 0},
        {str("message"), message},
        {str("finish_reason"), finishReason(anthropicMessage.value(str("stop_reason")).toString())},
    };
    return QJsonObject{
        {str("id"), completionId(anthropicMessage.value(str("id")).toString())},
        {str("object"), str("chat.completion")},
        {str("created"), QDateTime::currentSecsSinceEpoch()},
        {str("model"), clientModel},
        {str("choices"), QJsonArray{choice}},
        {str("usage"),
         openAIUsage(usageFromAnthropic(anthropicMessage.value(str("usage")).toObject()))},
    };
}

QString anthropicErrorMessage(const QByteArray &body)
{
    const QJsonObject error = QJsonDocument::fromJson(body).object().value(str("error")).toObject();
    const QString message = error.value(str("message")).toString();
    return message.isEmpty() ? error.value(str("type")).toString() : message;
}

AnthropicStreamDecoder::AnthropicStreamDecoder(const QString &clientModel)
    : m_out(clientModel)
{
}

QJsonObject AnthropicStreamDecoder::usageChunk() const
{
    return m_out.usageChunk(openAIUsage(m_usage));
}

void AnthropicStreamDecoder::mergeUsage(const QJsonObject &u)
{
    // Fields present in a later event replace earlier ones (message_delta is cumulative).
    qint64 input = m_usage.inputTokens - m_usage.cachedTokens - m_usage.cacheCreationTokens;
    if (u.value(str("input_tokens")).isDouble())
        input = u.value(str("input_tokens")).toInteger();
    if (u.value(str("cache_read_input_tokens")).isDouble())
        m_usage.cachedTokens = u.value(str("cache_read_input_tokens")).toInteger();
    if (u.value(str("cache_creation_input_tokens")).isDouble())
        m_usage.cacheCreationTokens = u.value(str("cache_creation_input_tokens")).toInteger();
    if (u.value(str("output_tokens")).isDouble())
        m_usage.outputTokens = u.value(str("output_tokens")).toInteger();
    m_usage.inputTokens = input + m_usage.cachedTokens + m_usage.cacheCreationTokens;
    m_usage.totalTokens = m_usage.inputTokens + m_usage.outputTokens;
}

QList<QJsonObject> AnthropicStreamDecoder::contentBlockStart(const QJsonObject &data)
{
    const int index = data.value(str("index")).toInt();
    const QJsonObject block = data.value(str("content_block")).toObject();
    const QString type = block.value(str("type")).toString();
    if (type == str("text")) {
        m_open.insert(index, OpenBlock{Block::Text, -1, false});
        const QString text = block.value(str("text")).toString();
        if (!text.isEmpty())
            return {m_out.chunk({{str("content"), text}})};
    } else if (type == str("thinking")) {
        m_open.insert(index, OpenBlock{Block::Thinking, -1, m_sawThinking});
        return contentBlockDelta(QJsonObject{
            {str("index"), index},
            {str("delta"), QJsonObject{{str("type"), str("thinking_delta")},
                                       {str("thinking"), block.value(str("thinking"))}}}});
    } else if (type == str("tool_use")) {
        const int toolIndex = m_nextToolIndex++;
        m_open.insert(index, OpenBlock{Block::Tool, toolIndex, false});
        const QJsonObject input = block.value(str("input")).toObject();
        const QJsonObject function{
            {str("name"), block.value(str("name"))},
            {str("arguments"),
             input.isEmpty() ? QString() : QString::fromUtf8(ConversionUtil::compactJson(input))},
        };
        const QJsonObject call{{str("index"), toolIndex},
                               {str("id"), block.value(str("id"))},
                               {str("type"), str("function")},
                               {str("function"), function}};
        return {m_out.chunk({{str("tool_calls"), QJsonArray{call}}})};
    }
    return {}; // redacted_thinking, server tools: nothing a Chat Completions client can use.
}

QList<QJsonObject> AnthropicStreamDecoder::contentBlockDelta(const QJsonObject &data)
{
    const auto open = m_open.find(data.value(str("index")).toInt());
    if (open == m_open.end())
        return {};
    const QJsonObject delta = data.value(str("delta")).toObject();
    const QString type = delta.value(str("type")).toString();
    if (type == str("text_delta") && open->kind == Block::Text) {
        const QString text = delta.value(str("text")).toString();
        if (!text.isEmpty())
            return {m_out.chunk({{str("content"), text}})};
    } else if (type == str("thinking_delta") && open->kind == Block::Thinking) {
        QString thinking = delta.value(str("thinking")).toString();
        if (thinking.isEmpty())
            return {};
        if (open->separatorPending)
            thinking.prepend(QLatin1Char('\n'));
        open->separatorPending = false;
        m_sawThinking = true;
        return {m_out.chunk({{str("reasoning_content"), thinking}})};
    } else if (type == str("input_json_delta") && open->kind == Block::Tool) {
        const QString partial = delta.value(str("partial_json")).toString();
        if (!partial.isEmpty()) {
            const QJsonObject call{
                {str("index"), open->toolIndex},
                {str("function"), QJsonObject{{str("arguments"), partial}}},
            };
            return {m_out.chunk({{str("tool_calls"), QJsonArray{call}}})};
        }
    }
    return {}; // signature_delta, citations_delta, empty deltas.
}

QList<QJsonObject> AnthropicStreamDecoder::onEvent(const QByteArray &eventName,
                                                   const QJsonObject &data)
{
    if (m_finished)
        return {};
    const QString type =
        eventName.isEmpty() ? data.value(str("type")).toString() : QString::fromUtf8(eventName);
    if (!m_out.hasId()) // Normally from message_start; a stream without one still gets an id.
        m_out.setId(
            completionId(type == str("message_start")
                             ? data.value(str("message")).toObject().value(str("id")).toString()
                             : QString()));
    if (type == str("message_start")) {
        if (m_started)
            return {};
        m_started = true;
        mergeUsage(data.value(str("message")).toObject().value(str("usage")).toObject());
        return {m_out.roleChunk()};
    }
    if (type == str("content_block_start"))
        return contentBlockStart(data);
    if (type == str("content_block_delta"))
        return contentBlockDelta(data);
    if (type == str("content_block_stop")) {
        m_open.remove(data.value(str("index")).toInt());
        return {};
    }
    if (type == str("message_delta")) {
        m_sawMessageDelta = true;
        mergeUsage(data.value(str("usage")).toObject());
        const QJsonValue stopReason = data.value(str("delta")).toObject().value(str("stop_reason"));
        if (!stopReason.isString())
            return {};
        return {m_out.chunk({}, finishReason(stopReason.toString()))};
    }
    if (type == str("message_stop")) {
        m_finished = true;
        return {usageChunk()};
    }
    if (type == str("error")) {
        m_finished = true;
        const QJsonObject error = data.value(str("error")).toObject();
        return {ConversionUtil::openAIErrorChunk(error.value(str("message")).toString(),
                                                 error.value(str("type")).toString())};
    }
    return {}; // ping and event types added later.
}

QList<QJsonObject> AnthropicStreamDecoder::finish()
{
    if (m_finished)
        return {};
    m_finished = true;
    if (m_sawMessageDelta)
        return {usageChunk()};
    return {ChunkWriter::upstreamError(str("the Anthropic stream ended before message_stop"))};
}

} // namespace OpenAIAnthropic
