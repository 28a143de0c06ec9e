#include "openaicohere.h"

#include "conversionutil.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>

namespace OpenAICohere {

namespace {

using ConversionUtil::str;
using ConversionUtil::where;

QString completionId(const QString &cohereId)
{
    return ConversionUtil::replaceIdPrefix(cohereId, QString(), str("chatcmpl-"));
}

/// The text parts of \a content joined (a string content as it is); \a parts, when given,
/// receives Cohere content parts (text and image_url) and \a hasImage says whether one was an
/// image. Only user content may carry images.
bool convertContent(const QJsonValue &content, const QString &at, QJsonArray *parts, bool *hasImage,
                    QString *text, QString *error)
{
    if (content.isString()) {
        *text = content.toString();
        if (parts)
            parts->append(QJsonObject{{str("type"), str("text")}, {str("text"), *text}});
        return true;
    }
    if (content.isNull() || content.isUndefined())
        return true;
    if (!content.isArray()) {
        *error = at + str(": must be a string or an array of content parts");
        return false;
    }
    QStringList texts;
    const QJsonArray input = content.toArray();
    for (qsizetype i = 0; i < input.size(); ++i) {
        const QJsonObject part = input.at(i).toObject();
        const QString type = part.value(str("type")).toString();
        if (type == str("text") || type == str("refusal")) {
            texts << part.value(type).toString();
            if (parts)
                parts->append(QJsonObject{{str("type"), str("text")}, {str("text"), texts.last()}});
        } else if (type == str("image_url") && parts) {
            const QString url = ConversionUtil::imageUrlOf(part);
            parts->append(QJsonObject{{str("type"), str("image_url")},
                                      {str("image_url"), QJsonObject{{str("url"), url}}}});
            *hasImage = true;
        } else {
            *error = where(at, i) + str(".type: unsupported content part type '") + type +
                     QLatin1Char('\'');
            return false;
        }
    }
    *text = texts.join(QLatin1Char('\n'));
    return true;
}

QJsonArray cohereToolCalls(const QJsonArray &calls, const QString &at, QString *error)
{
    QJsonArray out;
    for (qsizetype i = 0; i < calls.size(); ++i) {
        const QJsonObject call = calls.at(i).toObject();
        const QJsonObject function = call.value(str("function")).toObject();
        const QString id = call.value(str("id")).toString();
        const QString name = function.value(str("name")).toString();
        if (id.isEmpty() || name.isEmpty()) {
            *error = where(where(at, "tool_calls"), i) + str(": a function call needs id and name");
            return {};
        }
        QString arguments = function.value(str("arguments")).toString();
        if (arguments.trimmed().isEmpty())
            arguments = str("{}");
        out.append(QJsonObject{
            {str("id"), id},
            {str("type"), str("function")},
            {str("function"), QJsonObject{{str("name"), name}, {str("arguments"), arguments}}}});
    }
    return out;
}

bool convertMessages(const QJsonArray &input, QJsonObject *out, QString *error)
{
    QJsonArray messages;
    for (qsizetype i = 0; i < input.size(); ++i) {
        const QJsonObject message = input.at(i).toObject();
        const QString at = where(str("messages"), i);
        const QString contentAt = where(at, "content");
        QString role = message.value(str("role")).toString();
        if (role == str("developer"))
            role = str("system");
        QJsonObject converted{{str("role"), role}};
        QString text;
        if (role == str("user")) {
            QJsonArray parts;
            bool hasImage = false;
            if (!convertContent(message.value(str("content")), contentAt, &parts, &hasImage, &text,
                                error))
                return false;
            converted.insert(str("content"), hasImage ? QJsonValue(parts) : QJsonValue(text));
        } else if (role == str("system")) {
            if (!convertContent(message.value(str("content")), contentAt, nullptr, nullptr, &text,
                                error))
                return false;
            converted.insert(str("content"), text);
        } else if (role == str("assistant")) {
            if (!convertContent(message.value(str("content")), contentAt, nullptr, nullptr, &text,
                                error))
                return false;
            const QJsonArray calls = message.value(str("tool_calls")).toArray();
            if (calls.isEmpty()) {
                converted.insert(str("content"), text);
            } else {
                const QJsonArray toolCalls = cohereToolCalls(calls, at, error);
                if (toolCalls.isEmpty())
                    return false;
                if (!text.isEmpty())
                    converted.insert(str("tool_plan"), text);
                converted.insert(str("tool_calls"), toolCalls);
            }
        } else if (role == str("tool")) {
            const QString id = message.value(str("tool_call_id")).toString();
            if (id.isEmpty()) {
                *error = where(at, "tool_call_id") + str(": required string");
                return false;
            }
            if (!convertContent(message.value(str("content")), contentAt, nullptr, nullptr, &text,
                                error))
                return false;
            converted.insert(str("tool_call_id"), id);
            converted.insert(str("content"), text);
        } else {
            *error =
                where(at, "role") + str(": must be system, developer, user, assistant or tool");
            return false;
        }
        messages.append(converted);
    }
    out->insert(str("messages"), messages);
    return true;
}

bool convertTools(const QJsonObject &request, QJsonObject *out, QString *error)
{
    QJsonArray tools;
    if (!ConversionUtil::functionToolsOf(request, &tools, error))
        return false;
    if (tools.isEmpty())
        return true; // A tool_choice without tools means nothing.
    out->insert(str("tools"), tools);
    const QString named = request.value(str("tool_choice")).toString();
    if (named == str("none"))
        out->insert(str("tool_choice"), str("NONE"));
    else if (named == str("required") || !ConversionUtil::forcedFunction(request).isEmpty())
        out->insert(str("tool_choice"), str("REQUIRED"));
    return true;
}

bool convertSettings(const QJsonObject &request, QJsonObject *out, QString *error)
{
    const qint64 maxTokens = ConversionUtil::maxOutputTokens(request, error);
    if (maxTokens < 0)
        return false;
    if (maxTokens > 0)
        out->insert(str("max_tokens"), maxTokens);
    const std::pair<const char *, const char *> numbers[] = {
        {"temperature", "temperature"},
        {"top_p", "p"},
        {"top_k", "k"},
        {"seed", "seed"},
        {"frequency_penalty", "frequency_penalty"},
        {"presence_penalty", "presence_penalty"},
    };
    for (const auto &[from, to] : numbers) {
        if (request.value(str(from)).isDouble())
            out->insert(str(to), request.value(str(from)));
    }
    const QJsonArray stops = ConversionUtil::stopSequences(request);
    if (!stops.isEmpty())
        out->insert(str("stop_sequences"), stops);

    const QJsonObject format = request.value(str("response_format")).toObject();
    const QString formatType = format.value(str("type")).toString();
    if (formatType == str("json_object")) {
        out->insert(str("response_format"), QJsonObject{{str("type"), str("json_object")}});
    } else if (formatType == str("json_schema")) {
        const QJsonValue schema = format.value(str("json_schema")).toObject().value(str("schema"));
        if (!schema.isObject()) {
            *error = str("response_format.json_schema.schema: required object");
            return false;
        }
        out->insert(str("response_format"),
                    QJsonObject{{str("type"), str("json_object")}, {str("json_schema"), schema}});
    }

    const QJsonValue effort = request.value(str("reasoning_effort"));
    if (!effort.isUndefined() && !effort.isNull()) {
        const qint64 budget = ConversionUtil::thinkingBudgetForEffort(effort.toString());
        if (budget < 0) {
            *error = str("reasoning_effort: must be none, minimal, low, medium, high or xhigh");
            return false;
        }
        out->insert(str("thinking"), budget == 0 ? QJsonObject{{str("type"), str("disabled")}}
                                                 : QJsonObject{{str("type"), str("enabled")},
                                                               {str("token_budget"), budget}});
    }
    return true;
}

QJsonObject usageJson(const Usage &usage)
{
    return ConversionUtil::openAIUsage(usage.inputTokens, usage.outputTokens, usage.cachedTokens);
}

} // namespace

QJsonObject toChatRequest(const QJsonObject &request, QString *error)
{
    error->clear();
    if (!ConversionUtil::checkChatRequest(request, str("a Cohere channel"), error))
        return {};
    QJsonObject out{{str("model"), request.value(str("model"))}};
    if (!convertMessages(request.value(str("messages")).toArray(), &out, error) ||
        !convertTools(request, &out, error) || !convertSettings(request, &out, error))
        return {};
    if (request.value(str("stream")).toBool())
        out.insert(str("stream"), true);
    return out;
}

QJsonObject toEmbedRequest(const QJsonObject &request, QString *error)
{
    error->clear();
    const QStringList inputs = ConversionUtil::embeddingInputs(request, error);
    if (inputs.isEmpty())
        return {};
    QJsonObject out{{str("model"), request.value(str("model"))},
                    {str("texts"), QJsonArray::fromStringList(inputs)},
                    {str("input_type"), str("search_document")},
                    {str("embedding_types"), QJsonArray{str("float")}}};
    const qint64 dimensions = ConversionUtil::positiveInteger(request, "dimensions", error);
    if (dimensions < 0)
        return {};
    if (dimensions > 0)
        out.insert(str("output_dimension"), dimensions);
    return out;
}

QJsonObject toRerankRequest(const QJsonObject &request, QString *error)
{
    error->clear();
    const QString query = request.value(str("query")).toString();
    if (query.isEmpty()) {
        *error = str("query: required string");
        return {};
    }
    QJsonArray documents;
    const QJsonArray input = request.value(str("documents")).toArray();
    for (qsizetype i = 0; i < input.size(); ++i) {
        const QJsonValue document = input.at(i);
        if (document.isString()) {
            documents.append(document);
        } else if (document.toObject().value(str("text")).isString()) {
            documents.append(document.toObject().value(str("text")));
        } else {
            *error = where(str("documents"), i) + str(": must be a string or {\"text\": string}");
            return {};
        }
    }
    if (documents.isEmpty()) {
        *error = str("documents: required non-empty array");
        return {};
    }
    QJsonObject out{{str("model"), request.value(str("model"))},
                    {str("query"), query},
                    {str("documents"), documents}};
    for (const char *field : {"top_n", "max_tokens_per_doc"}) {
        const qint64 value = ConversionUtil::positiveInteger(request, field, error);
        if (value < 0)
            return {};
        if (value > 0)
            out.insert(str(field), value);
    }
    return out;
}

QJsonObject toCohereRequest(const QJsonObject &request, QString *error)
{
    if (request.contains(str("messages")))
        return toChatRequest(request, error);
    if (request.contains(str("query")) || request.contains(str("documents")))
        return toRerankRequest(request, error);
    if (request.contains(str("input")))
        return toEmbedRequest(request, error);
    return toChatRequest(request, error);
}

QString finishReason(const QString &cohereReason)
{
    const QString reason = cohereReason.toUpper();
    if (reason == str("MAX_TOKENS") || reason == str("TIMEOUT"))
        return str("length");
    if (reason == str("TOOL_CALL"))
        return str("tool_calls");
    return str("stop"); // COMPLETE, STOP_SEQUENCE, ERROR.
}

Usage usageOf(const QJsonObject &cohereUsage)
{
    QJsonObject counts = cohereUsage.value(str("tokens")).toObject();
    if (counts.isEmpty())
        counts = cohereUsage.value(str("billed_units")).toObject();
    Usage usage;
    usage.inputTokens = counts.value(str("input_tokens")).toInteger();
    usage.outputTokens = counts.value(str("output_tokens")).toInteger();
    usage.cachedTokens = cohereUsage.value(str("cached_tokens")).toInteger();
    usage.totalTokens = usage.inputTokens + usage.outputTokens;
    return usage;
}

QJsonObject toOpenAIChatResponse(const QJsonObject &answer, const QString &clientModel)
{
    const QJsonObject reply = answer.value(str("message")).toObject();
    QString text;
    QStringList thinking;
    for (const QJsonValue &value : reply.value(str("content")).toArray()) {
        const QJsonObject part = value.toObject();
        const QString type = part.value(str("type")).toString();
        if (type == str("text"))
            text += part.value(str("text")).toString();
        else if (type == str("thinking") && !part.value(str("thinking")).toString().isEmpty())
            thinking << part.value(str("thinking")).toString();
    }
    const QString toolPlan = reply.value(str("tool_plan")).toString();
    if (thinking.isEmpty() && !toolPlan.isEmpty())
        thinking << toolPlan;
    QJsonArray toolCalls;
    for (const QJsonValue &value : reply.value(str("tool_calls")).toArray()) {
        const QJsonObject call = value.toObject();
        const QJsonObject function = call.value(str("function")).toObject();
        toolCalls.append(ConversionUtil::openAIToolCall(call.value(str("id")), function));
    }
    QJsonObject message{
        {str("role"), str("assistant")},
        {str("content"), text.isEmpty() && !toolCalls.isEmpty() ? QJsonValue() : QJsonValue(text)},
    };
    if (!thinking.isEmpty())
        message.insert(str("reasoning_content"), thinking.join(QLatin1Char('\n')));
    if (!toolCalls.isEmpty())
        message.insert(str("tool_calls"), toolCalls);
    return ConversionUtil::openAIChatCompletion(
        completionId(answer.value(str("id")).toString()), clientModel, message,
        finishReason(answer.value(str("finish_reason")).toString()),
        usageJson(usageOf(answer.value(str("usage")).toObject())));
}

QJsonObject toOpenAIEmbeddingResponse(const QJsonObject &answer, const QString &clientModel)
{
    const QJsonValue embeddings = answer.value(str("embeddings"));
    // embedding_types ["float"] answers `{"float": [...]}`; older answers are the bare array.
    const QJsonArray vectors = embeddings.isArray()
                                   ? embeddings.toArray()
                                   : embeddings.toObject().value(str("float")).toArray();
    return ConversionUtil::openAIEmbeddingList(vectors, clientModel,
                                               answer.value(str("meta"))
                                                   .toObject()
                                                   .value(str("billed_units"))
                                                   .toObject()
                                                   .value(str("input_tokens"))
                                                   .toInteger());
}

QJsonObject toRerankResponse(const QJsonObject &answer)
{
    QJsonArray results;
    for (const QJsonValue &value : answer.value(str("results")).toArray()) {
        const QJsonObject result = value.toObject();
        QJsonObject converted{{str("index"), result.value(str("index"))},
                              {str("relevance_score"), result.value(str("relevance_score"))}};
        if (result.value(str("document")).isObject())
            converted.insert(str("document"), result.value(str("document")));
        results.append(converted);
    }
    QJsonObject out{{str("id"), answer.value(str("id"))}, {str("results"), results}};
    const QJsonObject meta = answer.value(str("meta")).toObject();
    if (!meta.isEmpty())
        out.insert(str("meta"), meta);
    const QJsonObject tokens = meta.value(str("tokens")).toObject();
    if (tokens.value(str("input_tokens")).isDouble())
        out.insert(
            str("usage"),
            QJsonObject{{str("input_tokens"), tokens.value(str("input_tokens"))},
                        {str("output_tokens"), tokens.value(str("output_tokens")).toInt()},
                        {str("total_tokens"), tokens.value(str("input_tokens")).toInteger() +
                                                  tokens.value(str("output_tokens")).toInteger()}});
    return out;
}

QJsonObject toOpenAIResponse(const QJsonObject &answer, const QString &clientModel)
{
    if (answer.contains(str("embeddings")))
        return toOpenAIEmbeddingResponse(answer, clientModel);
    if (answer.contains(str("results")))
        return toRerankResponse(answer);
    return toOpenAIChatResponse(answer, clientModel);
}

QString errorMessage(const QByteArray &body)
{
    return QJsonDocument::fromJson(body).object().value(str("message")).toString();
}

CohereStreamDecoder::CohereStreamDecoder(const QString &clientModel)
    : m_out(clientModel)
{
}

QList<QJsonObject> CohereStreamDecoder::messageEnd(const QJsonObject &data)
{
    m_finished = true;
    const QJsonObject delta = data.value(str("delta")).toObject();
    const QString reason = delta.value(str("finish_reason")).toString();
    const QString error = delta.value(str("error")).toString();
    if (!error.isEmpty() || reason.compare(str("ERROR"), Qt::CaseInsensitive) == 0)
        return {ChunkWriter::upstreamError(
            error.isEmpty() ? str("the Cohere stream ended with finish_reason ERROR") : error)};
    m_usage = usageOf(delta.value(str("usage")).toObject());
    QString finish = finishReason(reason);
    if (m_calledTools && finish == str("stop"))
        finish = str("tool_calls");
    return {m_out.chunk({}, finish), m_out.usageChunk(usageJson(m_usage))};
}

QList<QJsonObject> CohereStreamDecoder::onEvent(const QByteArray &eventName,
                                                const QJsonObject &data)
{
    if (m_finished)
        return {};
    const QString type =
        eventName.isEmpty() ? data.value(str("type")).toString() : QString::fromUtf8(eventName);
    if (!m_out.hasId()) // Normally from message-start; a stream without one still gets an id.
        m_out.setId(completionId(type == str("message-start") ? data.value(str("id")).toString()
                                                              : QString()));
    QList<QJsonObject> out;
    if (!m_started && (type == str("message-start") || type.startsWith(str("content-")) ||
                       type.startsWith(str("tool-")))) {
        m_started = true;
        out << m_out.roleChunk();
    }
    const QJsonObject message =
        data.value(str("delta")).toObject().value(str("message")).toObject();
    if (type == str("content-start") || type == str("content-delta")) {
        const QJsonObject content = message.value(str("content")).toObject();
        const QString thinking = content.value(str("thinking")).toString();
        if (!thinking.isEmpty())
            out << m_out.chunk({{str("reasoning_content"), thinking}});
        const QString text = content.value(str("text")).toString();
        if (!text.isEmpty())
            out << m_out.chunk({{str("content"), text}});
    } else if (type == str("tool-plan-delta")) {
        const QString plan = message.value(str("tool_plan")).toString();
        if (!plan.isEmpty())
            out << m_out.chunk({{str("reasoning_content"), plan}});
    } else if (type == str("tool-call-start")) {
        const QJsonObject call = message.value(str("tool_calls")).toObject();
        const QJsonObject function = call.value(str("function")).toObject();
        const int index = m_nextToolIndex++;
        m_toolIndex.insert(data.value(str("index")).toInt(), index);
        m_calledTools = true;
        out << m_out.chunk(
            {{str("tool_calls"),
              QJsonArray{QJsonObject{
                  {str("index"), index},
                  {str("id"), call.value(str("id"))},
                  {str("type"), str("function")},
                  {str("function"),
                   QJsonObject{{str("name"), function.value(str("name"))},
                               {str("arguments"), function.value(str("arguments")).toString()}}},
              }}}});
    } else if (type == str("tool-call-delta")) {
        const auto index = m_toolIndex.constFind(data.value(str("index")).toInt());
        const QString arguments = message.value(str("tool_calls"))
                                      .toObject()
                                      .value(str("function"))
                                      .toObject()
                                      .value(str("arguments"))
                                      .toString();
        if (index != m_toolIndex.constEnd() && !arguments.isEmpty())
            out << m_out.chunk(
                {{str("tool_calls"),
                  QJsonArray{QJsonObject{
                      {str("index"), *index},
                      {str("function"), QJsonObject{{str("arguments"), arguments}}}}}}});
    } else if (type == str("message-end")) {
        out << messageEnd(data);
    }
    return out;
}

QList<QJsonObject> CohereStreamDecoder::finish()
{
    if (m_finished)
        return {};
    m_finished = true;
    return {ChunkWriter::upstreamError(str("the Cohere stream ended before message-end"))};
}

} // namespace OpenAICohere
