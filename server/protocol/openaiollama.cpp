#include "openaiollama.h"

#include "conversionutil.h"

#include <QDateTime>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>

namespace OpenAIOllama {

namespace {

using ConversionUtil::str;
using ConversionUtil::where;

/// A message's content (string or parts) → Ollama's `content` and `images`.
bool convertContent(const QJsonValue &content, const QString &at, bool allowImages,
                    QJsonObject *message, QString *error)
{
    if (content.isString()) {
        message->insert(str("content"), content);
        return true;
    }
    if (content.isNull() || content.isUndefined()) {
        message->insert(str("content"), QString());
        return true;
    }
    if (!content.isArray()) {
        *error = at + str(": must be a string or an array of content parts");
        return false;
    }
    QStringList texts;
    QJsonArray images;
    const QJsonArray parts = content.toArray();
    for (qsizetype i = 0; i < parts.size(); ++i) {
        const QJsonObject part = parts.at(i).toObject();
        const QString partAt = where(at, i);
        const QString type = part.value(str("type")).toString();
        if (type == str("text") || type == str("refusal")) {
            texts << part.value(type).toString();
        } else if (type == str("image_url") && allowImages) {
            const QString url = ConversionUtil::imageUrlOf(part);
            const auto data = ConversionUtil::parseDataUrl(url);
            if (!data || !data->isBase64) {
                *error = partAt + str(".image_url.url: an Ollama channel takes images as base64 "
                                      "data URLs only");
                return false;
            }
            images.append(data->data);
        } else {
            *error =
                partAt + str(".type: unsupported content part type '") + type + QLatin1Char('\'');
            return false;
        }
    }
    message->insert(str("content"), texts.join(QLatin1Char('\n')));
    if (!images.isEmpty())
        message->insert(str("images"), images);
    return true;
}

/// OpenAI tool_calls → Ollama's (arguments as an object); records id → name in \a names.
bool convertToolCalls(const QJsonArray &calls, const QString &at, QJsonObject *message,
                      QHash<QString, QString> *names, QString *error)
{
    QJsonArray out;
    for (qsizetype i = 0; i < calls.size(); ++i) {
        const QJsonObject call = calls.at(i).toObject();
        const QJsonObject function = call.value(str("function")).toObject();
        const QString name = function.value(str("name")).toString();
        if (name.isEmpty()) {
            *error = where(where(at, "tool_calls"), i) + str(".function.name: required string");
            return false;
        }
        names->insert(call.value(str("id")).toString(), name);
        out.append(QJsonObject{
            {str("function"),
             QJsonObject{{str("name"), name},
                         {str("arguments"), ConversionUtil::toolInputFromArguments(
                                                function.value(str("arguments")).toString())}}}});
    }
    if (!out.isEmpty())
        message->insert(str("tool_calls"), out);
    return true;
}

bool convertMessages(const QJsonArray &input, QJsonObject *out, QString *error)
{
    QJsonArray messages;
    QHash<QString, QString> toolNames; // tool_call_id → function name
    for (qsizetype i = 0; i < input.size(); ++i) {
        const QJsonObject message = input.at(i).toObject();
        const QString at = where(str("messages"), i);
        QString role = message.value(str("role")).toString();
        if (role == str("developer"))
            role = str("system");
        if (role != str("system") && role != str("user") && role != str("assistant") &&
            role != str("tool")) {
            *error =
                where(at, "role") + str(": must be system, developer, user, assistant or tool");
            return false;
        }
        QJsonObject converted{{str("role"), role}};
        if (!convertContent(message.value(str("content")), where(at, "content"),
                            role == str("user"), &converted, error))
            return false;
        if (role == str("assistant")) {
            const QString reasoning = ConversionUtil::reasoningText(message);
            if (!reasoning.isEmpty())
                converted.insert(str("thinking"), reasoning);
            if (!convertToolCalls(message.value(str("tool_calls")).toArray(), at, &converted,
                                  &toolNames, error))
                return false;
        } else if (role == str("tool")) {
            const QString name = toolNames.value(message.value(str("tool_call_id")).toString(),
                                                 message.value(str("name")).toString());
            if (!name.isEmpty())
                converted.insert(str("tool_name"), name);
        }
        messages.append(converted);
    }
    out->insert(str("messages"), messages);
    return true;
}

/// tools, filtered by tool_choice (Ollama has no tool_choice: "none" sends no tools).
bool convertTools(const QJsonObject &request, QJsonObject *out, QString *error)
{
    if (request.value(str("tool_choice")).toString() == str("none"))
        return true;
    QJsonArray tools;
    if (!ConversionUtil::functionToolsOf(request, &tools, error))
        return false;
    if (!tools.isEmpty())
        out->insert(str("tools"), tools);
    return true;
}

bool convertFormat(const QJsonObject &request, QJsonObject *out, QString *error)
{
    const QJsonObject format = request.value(str("response_format")).toObject();
    const QString type = format.value(str("type")).toString();
    if (type == str("json_object")) {
        out->insert(str("format"), str("json"));
    } else if (type == str("json_schema")) {
        const QJsonValue schema = format.value(str("json_schema")).toObject().value(str("schema"));
        if (!schema.isObject()) {
            *error = str("response_format.json_schema.schema: required object");
            return false;
        }
        out->insert(str("format"), schema);
    }
    return true;
}

bool convertThink(const QJsonObject &request, QJsonObject *out, QString *error)
{
    const QJsonValue effort = request.value(str("reasoning_effort"));
    if (effort.isUndefined() || effort.isNull())
        return true;
    const QString name = effort.toString();
    if (name == str("none")) {
        out->insert(str("think"), false);
    } else if (name == str("minimal") || name == str("low")) {
        out->insert(str("think"), str("low"));
    } else if (name == str("medium")) {
        out->insert(str("think"), str("medium"));
    } else if (name == str("high") || name == str("xhigh")) {
        out->insert(str("think"), str("high"));
    } else {
        *error = str("reasoning_effort: must be none, minimal, low, medium, high or xhigh");
        return false;
    }
    return true;
}

bool convertOptions(const QJsonObject &request, QJsonObject *out, QString *error)
{
    QJsonObject options;
    for (const char *key :
         {"temperature", "top_p", "top_k", "seed", "frequency_penalty", "presence_penalty"}) {
        if (request.value(str(key)).isDouble())
            options.insert(str(key), request.value(str(key)));
    }
    const qint64 maxTokens = ConversionUtil::maxOutputTokens(request, error);
    if (maxTokens < 0)
        return false;
    if (maxTokens > 0)
        options.insert(str("num_predict"), maxTokens);
    const QJsonArray stops = ConversionUtil::stopSequences(request);
    if (!stops.isEmpty())
        options.insert(str("stop"), stops);
    if (!options.isEmpty())
        out->insert(str("options"), options);
    return true;
}

/// Ollama tool calls → OpenAI ones (arguments as a JSON string); with \a nextIndex, each also
/// gets its stream `index`, counted from *\a nextIndex.
QJsonArray openAIToolCalls(const QJsonArray &calls, int *nextIndex)
{
    QJsonArray out;
    for (const QJsonValue &value : calls) {
        const QJsonObject call = value.toObject();
        const QJsonObject function = call.value(str("function")).toObject();
        QString id = call.value(str("id")).toString();
        if (id.isEmpty())
            id = ConversionUtil::newToolCallId();
        QJsonObject converted = ConversionUtil::openAIToolCall(id, function);
        if (nextIndex)
            converted.insert(str("index"), (*nextIndex)++);
        out.append(converted);
    }
    return out;
}

} // namespace

QJsonObject toChatRequest(const QJsonObject &request, QString *error)
{
    error->clear();
    if (!ConversionUtil::checkChatRequest(request, str("an Ollama channel"), error))
        return {};
    QJsonObject out{{str("model"), request.value(str("model"))}};
    if (!convertMessages(request.value(str("messages")).toArray(), &out, error) ||
        !convertTools(request, &out, error) || !convertFormat(request, &out, error) ||
        !convertThink(request, &out, error) || !convertOptions(request, &out, error))
        return {};
    out.insert(str("stream"), request.value(str("stream")).toBool());
    return out;
}

QJsonObject toEmbedRequest(const QJsonObject &request, QString *error)
{
    error->clear();
    const QStringList inputs = ConversionUtil::embeddingInputs(request, error);
    if (inputs.isEmpty())
        return {};
    QJsonObject out{{str("model"), request.value(str("model"))},
                    {str("input"), QJsonArray::fromStringList(inputs)}};
    const qint64 dimensions = ConversionUtil::positiveInteger(request, "dimensions", error);
    if (dimensions < 0)
        return {};
    if (dimensions > 0)
        out.insert(str("dimensions"), dimensions);
    return out;
}

QJsonObject toOllamaRequest(const QJsonObject &request, QString *error)
{
    if (!request.contains(str("messages")) && request.contains(str("input")))
        return toEmbedRequest(request, error);
    return toChatRequest(request, error);
}

QString finishReason(const QString &doneReason, bool calledTools)
{
    if (doneReason == str("length"))
        return str("length");
    return calledTools ? str("tool_calls") : str("stop"); // stop, load, unload.
}

Usage usageOf(const QJsonObject &answer)
{
    Usage usage;
    usage.inputTokens = answer.value(str("prompt_eval_count")).toInteger();
    usage.outputTokens = answer.value(str("eval_count")).toInteger();
    usage.totalTokens = usage.inputTokens + usage.outputTokens;
    return usage;
}

QJsonObject toOpenAIChatResponse(const QJsonObject &answer, const QString &clientModel)
{
    const QJsonObject reply = answer.value(str("message")).toObject();
    const QJsonArray toolCalls = openAIToolCalls(reply.value(str("tool_calls")).toArray(), nullptr);
    const QString text = reply.value(str("content")).toString();
    QJsonObject message{
        {str("role"), str("assistant")},
        {str("content"), text.isEmpty() && !toolCalls.isEmpty() ? QJsonValue() : QJsonValue(text)},
    };
    const QString thinking = reply.value(str("thinking")).toString();
    if (!thinking.isEmpty())
        message.insert(str("reasoning_content"), thinking);
    if (!toolCalls.isEmpty())
        message.insert(str("tool_calls"), toolCalls);
    const Usage usage = usageOf(answer);
    return ConversionUtil::openAIChatCompletion(
        ConversionUtil::newCompletionId(), clientModel, message,
        finishReason(answer.value(str("done_reason")).toString(), !toolCalls.isEmpty()),
        ConversionUtil::openAIUsage(usage.inputTokens, usage.outputTokens));
}

QJsonObject toOpenAIEmbeddingResponse(const QJsonObject &answer, const QString &clientModel)
{
    return ConversionUtil::openAIEmbeddingList(answer.value(str("embeddings")).toArray(),
                                               clientModel,
                                               answer.value(str("prompt_eval_count")).toInteger());
}

QJsonObject toOpenAIResponse(const QJsonObject &answer, const QString &clientModel)
{
    if (answer.contains(str("embeddings")))
        return toOpenAIEmbeddingResponse(answer, clientModel);
    return toOpenAIChatResponse(answer, clientModel);
}

QString errorMessage(const QByteArray &body)
{
    const QJsonValue error = QJsonDocument::fromJson(body).object().value(str("error"));
    return error.isString() ? error.toString() : error.toObject().value(str("message")).toString();
}

OllamaStreamDecoder::OllamaStreamDecoder(const QString &clientModel)
    : m_out(clientModel, ConversionUtil::newCompletionId())
{
}

QList<QJsonObject> OllamaStreamDecoder::onLine(const QByteArray &line)
{
    if (m_finished)
        return {};
    const QJsonObject object = QJsonDocument::fromJson(line).object();
    if (object.isEmpty())
        return {};
    const QJsonValue error = object.value(str("error"));
    if (!error.isUndefined() && !error.isNull()) {
        m_finished = true;
        const QString message =
            error.isString() ? error.toString() : error.toObject().value(str("message")).toString();
        return {ChunkWriter::upstreamError(message)};
    }
    QList<QJsonObject> out;
    if (!m_started) {
        m_started = true;
        out << m_out.roleChunk();
    }
    const QJsonObject message = object.value(str("message")).toObject();
    const QString thinking = message.value(str("thinking")).toString();
    if (!thinking.isEmpty())
        out << m_out.chunk({{str("reasoning_content"), thinking}});
    const QString content = message.value(str("content")).toString();
    if (!content.isEmpty())
        out << m_out.chunk({{str("content"), content}});
    const QJsonArray calls = message.value(str("tool_calls")).toArray();
    if (!calls.isEmpty())
        out << m_out.chunk({{str("tool_calls"), openAIToolCalls(calls, &m_nextToolIndex)}});
    if (object.value(str("done")).toBool()) {
        m_finished = true;
        m_usage = usageOf(object);
        out << m_out.chunk(
            {}, finishReason(object.value(str("done_reason")).toString(), m_nextToolIndex > 0));
        out << m_out.usageChunk(
            ConversionUtil::openAIUsage(m_usage.inputTokens, m_usage.outputTokens));
    }
    return out;
}

QList<QJsonObject> OllamaStreamDecoder::finish()
{
    if (m_finished)
        return {};
    m_finished = true;
    return {ChunkWriter::upstreamError(
        str("the Ollama stream ended before its final object (done: true)"))};
}

} // namespace OpenAIOllama
