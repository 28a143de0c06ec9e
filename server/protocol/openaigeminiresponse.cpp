// Gemini answers → OpenAI (chat completions, embeddings, usage, errors). Requests:
// openaigemini.cpp.
#include "conversionutil.h"
#include "openaigemini.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>

namespace OpenAIGemini {

namespace {

using ConversionUtil::str;

QString completionId(const QString &responseId)
{
    return ConversionUtil::replaceIdPrefix(responseId, QString(), str("chatcmpl-"));
}

QJsonObject message(const QJsonObject &candidate, bool *calledTool)
{
    QString text;
    QString reasoning;
    QJsonArray toolCalls;
    const QJsonArray parts =
        candidate.value(str("content")).toObject().value(str("parts")).toArray();
    for (const QJsonValue &value : parts) {
        const QJsonObject part = value.toObject();
        if (part.value(str("functionCall")).isObject()) {
            toolCalls.append(toolCall(part, int(toolCalls.size())));
        } else if (part.value(str("thought")).toBool()) {
            reasoning += part.value(str("text")).toString();
        } else {
            text += part.value(str("text")).toString();
        }
    }
    QJsonObject out{{str("role"), str("assistant")},
                    {str("content"), text.isEmpty() ? QJsonValue() : QJsonValue(text)}};
    if (!reasoning.isEmpty())
        out.insert(str("reasoning_content"), reasoning);
    if (!toolCalls.isEmpty())
        out.insert(str("tool_calls"), toolCalls);
    *calledTool = !toolCalls.isEmpty();
    return out;
}

qint64 count(const QJsonObject &usage, const char *field)
{
    return usage.value(QLatin1String(field)).toInteger();
}

} // namespace

QJsonObject toolCall(const QJsonObject &part, int ordinal)
{
    const QJsonObject call = part.value(str("functionCall")).toObject();
    const QString id = call.value(str("id")).toString();
    QJsonObject out{
        {str("id"), id.isEmpty() ? str("call_") + QString::number(ordinal) : id},
        {str("type"), str("function")},
        {str("function"),
         QJsonObject{{str("name"), call.value(str("name")).toString()},
                     {str("arguments"), QString::fromUtf8(ConversionUtil::compactJson(
                                            call.value(str("args")).toObject()))}}},
    };
    const QString signature = part.value(str("thoughtSignature")).toString();
    if (!signature.isEmpty())
        out.insert(
            str("extra_content"),
            QJsonObject{{str("google"), QJsonObject{{str("thought_signature"), signature}}}});
    return out;
}

QString finishReason(const QString &reason, bool calledTool)
{
    if (reason == str("MAX_TOKENS"))
        return str("length");
    static const QStringList filtered = {str("SAFETY"),
                                         str("RECITATION"),
                                         str("BLOCKLIST"),
                                         str("PROHIBITED_CONTENT"),
                                         str("SPII"),
                                         str("IMAGE_SAFETY"),
                                         str("IMAGE_PROHIBITED_CONTENT"),
                                         str("IMAGE_RECITATION")};
    if (filtered.contains(reason))
        return str("content_filter");
    return calledTool ? str("tool_calls") : str("stop");
}

Usage usageFromGemini(const QJsonObject &u)
{
    Usage usage;
    usage.inputTokens = count(u, "promptTokenCount") + count(u, "toolUsePromptTokenCount");
    usage.reasoningTokens = count(u, "thoughtsTokenCount");
    usage.outputTokens = count(u, "candidatesTokenCount") + usage.reasoningTokens;
    usage.cachedTokens = count(u, "cachedContentTokenCount");
    usage.totalTokens = usage.inputTokens + usage.outputTokens;
    return usage;
}

QJsonObject openAIUsage(const Usage &usage)
{
    return QJsonObject{
        {str("prompt_tokens"), usage.inputTokens},
        {str("completion_tokens"), usage.outputTokens},
        {str("total_tokens"), usage.inputTokens + usage.outputTokens},
        {str("prompt_tokens_details"), QJsonObject{{str("cached_tokens"), usage.cachedTokens}}},
        {str("completion_tokens_details"),
         QJsonObject{{str("reasoning_tokens"), usage.reasoningTokens}}},
    };
}

QJsonObject toOpenAIResponse(const QJsonObject &response, const QString &clientModel)
{
    QJsonArray choices;
    const QJsonArray candidates = response.value(str("candidates")).toArray();
    for (qsizetype i = 0; i < candidates.size(); ++i) {
        const QJsonObject candidate = candidates.at(i).toObject();
        bool calledTool = false;
        const QJsonObject converted = message(candidate, &calledTool);
        choices.append(QJsonObject{
            {str("index"), candidate.value(str("index")).toInt(int(i))},
            {str("message"), converted},
            {str("finish_reason"),
             finishReason(candidate.value(str("finishReason")).toString(), calledTool)},
        });
    }
    if (choices.isEmpty()) // The prompt was blocked (promptFeedback.blockReason).
        choices.append(QJsonObject{
            {str("index"), 0},
            {str("message"),
             QJsonObject{{str("role"), str("assistant")}, {str("content"), QJsonValue()}}},
            {str("finish_reason"), str("content_filter")},
        });
    QJsonObject out{
        {str("id"), completionId(response.value(str("responseId")).toString())},
        {str("object"), str("chat.completion")},
        {str("created"), QDateTime::currentSecsSinceEpoch()},
        {str("model"), clientModel},
        {str("choices"), choices},
    };
    if (response.value(str("usageMetadata")).isObject())
        out.insert(str("usage"),
                   openAIUsage(usageFromGemini(response.value(str("usageMetadata")).toObject())));
    return out;
}

QJsonObject toOpenAIEmbeddings(const QJsonObject &batchResponse, const QString &clientModel)
{
    QJsonArray data;
    const QJsonArray embeddings = batchResponse.value(str("embeddings")).toArray();
    for (qsizetype i = 0; i < embeddings.size(); ++i)
        data.append(QJsonObject{
            {str("object"), str("embedding")},
            {str("index"), int(i)},
            {str("embedding"), embeddings.at(i).toObject().value(str("values")).toArray()},
        });
    QJsonObject out{{str("object"), str("list")}, {str("data"), data}, {str("model"), clientModel}};
    const QJsonValue prompt =
        batchResponse.value(str("usageMetadata")).toObject().value(str("promptTokenCount"));
    if (prompt.isDouble())
        out.insert(str("usage"), QJsonObject{{str("prompt_tokens"), prompt.toInteger()},
                                             {str("total_tokens"), prompt.toInteger()}});
    return out;
}

QString geminiErrorMessage(const QByteArray &body)
{
    const QJsonDocument document = QJsonDocument::fromJson(body);
    const QJsonObject root =
        document.isArray() ? document.array().first().toObject() : document.object();
    const QJsonObject error = root.value(str("error")).toObject();
    const QString message = error.value(str("message")).toString();
    return message.isEmpty() ? error.value(str("status")).toString() : message;
}

} // namespace OpenAIGemini
