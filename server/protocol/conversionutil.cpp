#include "conversionutil.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QUuid>
#include <QtEndian>

#include <array>
#include <utility>

namespace ConversionUtil {

namespace {

constexpr std::array<std::pair<const char *, qint64>, 6> effortBudgets{{
    {"none", 0},
    {"minimal", 1024},
    {"low", 2048},
    {"medium", 8192},
    {"high", 16384},
    {"xhigh", 32768},
}};

} // namespace

QByteArray compactJson(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QString replaceIdPrefix(const QString &id, const QString &fromPrefix, const QString &toPrefix)
{
    QString suffix = id;
    if (suffix.startsWith(fromPrefix))
        suffix = suffix.sliced(fromPrefix.size());
    if (suffix.isEmpty())
        suffix = QUuid::createUuid().toString(QUuid::Id128);
    return toPrefix + suffix;
}

QJsonObject toolInputFromArguments(const QString &arguments)
{
    if (arguments.trimmed().isEmpty())
        return {};
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(arguments.toUtf8(), &parseError);
    if (parseError.error == QJsonParseError::NoError && document.isObject())
        return document.object();
    return QJsonObject{{str("_raw_arguments"), arguments}};
}

qint64 thinkingBudgetForEffort(const QString &effort)
{
    for (const auto &[name, budget] : effortBudgets) {
        if (effort == QLatin1String(name))
            return budget;
    }
    return -1;
}

QString reasoningEffortForBudget(qint64 budget)
{
    if (budget <= 0)
        return str("none");
    if (budget <= 1024)
        return str("minimal");
    if (budget <= 4096)
        return str("low");
    if (budget <= 12288)
        return str("medium");
    if (budget <= 24576)
        return str("high");
    return str("xhigh");
}

std::optional<DataUrl> parseDataUrl(const QString &url)
{
    if (!url.startsWith(QLatin1String("data:")))
        return std::nullopt;
    const qsizetype comma = url.indexOf(QLatin1Char(','));
    if (comma < 0)
        return std::nullopt;
    QString header = url.sliced(5, comma - 5);
    DataUrl out;
    if (header.endsWith(QLatin1String(";base64"))) {
        out.isBase64 = true;
        header.chop(7);
    }
    out.mediaType = header.section(QLatin1Char(';'), 0, 0).trimmed();
    out.data = url.sliced(comma + 1);
    return out;
}

QJsonObject openAITextPart(const QString &text)
{
    return QJsonObject{{str("type"), str("text")}, {str("text"), text}};
}

QString imageUrlOf(const QJsonObject &part)
{
    const QJsonValue imageUrl = part.value(str("image_url"));
    return imageUrl.isString() ? imageUrl.toString()
                               : imageUrl.toObject().value(str("url")).toString();
}

QJsonObject openAIImagePart(const QString &url)
{
    return QJsonObject{{str("type"), str("image_url")},
                       {str("image_url"), QJsonObject{{str("url"), url}}}};
}

bool visitContentParts(
    const QJsonValue &content, const QString &at,
    const std::function<bool(const QJsonObject &part, const QString &partAt)> &visit,
    QString *error)
{
    if (content.isString())
        return content.toString().isEmpty() || visit(openAITextPart(content.toString()), at);
    if (content.isNull() || content.isUndefined())
        return true;
    if (!content.isArray()) {
        *error = at + str(": must be a string or an array of content parts");
        return false;
    }
    const QJsonArray parts = content.toArray();
    for (qsizetype i = 0; i < parts.size(); ++i) {
        if (!visit(parts.at(i).toObject(), at + QLatin1Char('.') + QString::number(i)))
            return false;
    }
    return true;
}

qint64 positiveInteger(const QJsonObject &request, const char *field, QString *error)
{
    const QJsonValue value = request.value(QLatin1String(field));
    if (value.isUndefined() || value.isNull())
        return 0;
    if (!value.isDouble() || value.toDouble() < 1 ||
        value.toDouble() != double(value.toInteger())) {
        *error = str(field) + str(": must be a positive integer");
        return -1;
    }
    return value.toInteger();
}

QJsonObject functionOfTool(const QJsonObject &tool, qsizetype index, QString *error)
{
    const QString at = str("tools.") + QString::number(index);
    const QString type = tool.value(str("type")).toString(str("function"));
    if (type != str("function")) {
        *error =
            at + str(".type: only function tools are supported, not '") + type + QLatin1Char('\'');
        return {};
    }
    const QJsonObject function = tool.value(str("function")).toObject();
    if (function.value(str("name")).toString().isEmpty()) {
        *error = at + str(".function.name: required string");
        return {};
    }
    return function;
}

QJsonObject openAIChunk(const QString &id, qint64 created, const QString &model, int index,
                        const QJsonObject &delta, const QJsonValue &finishReason)
{
    const QJsonObject choice{
        {str("index"), index},
        {str("delta"), delta},
        {str("finish_reason"), finishReason.isUndefined() ? QJsonValue() : finishReason},
    };
    return QJsonObject{
        {str("id"), id},
        {str("object"), str("chat.completion.chunk")},
        {str("created"), created},
        {str("model"), model},
        {str("choices"), QJsonArray{choice}},
    };
}

QJsonObject openAIUsageChunk(const QString &id, qint64 created, const QString &model,
                             const QJsonObject &usage)
{
    return QJsonObject{
        {str("id"), id},
        {str("object"), str("chat.completion.chunk")},
        {str("created"), created},
        {str("model"), model},
        {str("choices"), QJsonArray()},
        {str("usage"), usage},
    };
}

QString reasoningText(const QJsonObject &messageOrDelta)
{
    const QString reasoning = messageOrDelta.value(QStringLiteral("reasoning_content")).toString();
    return reasoning.isEmpty() ? messageOrDelta.value(QStringLiteral("reasoning")).toString()
                               : reasoning;
}

Usage usageFromOpenAI(const QJsonObject &openaiUsage)
{
    Usage usage = Usage::fromOpenAI(openaiUsage);
    const QJsonValue details =
        openaiUsage.value(str("prompt_tokens_details")).toObject().value(str("cached_tokens"));
    if (!details.isDouble())
        usage.cachedTokens = openaiUsage.value(str("prompt_cache_hit_tokens")).toInteger();
    return usage;
}

QJsonObject base64Embeddings(QJsonObject embeddingsList)
{
    QJsonArray data = embeddingsList.value(str("data")).toArray();
    for (qsizetype i = 0; i < data.size(); ++i) {
        QJsonObject item = data.at(i).toObject();
        const QJsonValue embedding = item.value(str("embedding"));
        if (!embedding.isArray())
            continue;
        const QJsonArray values = embedding.toArray();
        QByteArray raw(values.size() * 4, Qt::Uninitialized);
        for (qsizetype j = 0; j < values.size(); ++j)
            qToLittleEndian(float(values.at(j).toDouble()), raw.data() + j * 4);
        item.insert(str("embedding"), QString::fromLatin1(raw.toBase64()));
        data.replace(i, item);
    }
    embeddingsList.insert(str("data"), data);
    return embeddingsList;
}

QString where(const QString &base, const char *field)
{
    return base + QLatin1Char('.') + str(field);
}

QString where(const QString &base, qsizetype index)
{
    return base + QLatin1Char('.') + QString::number(index);
}

qint64 maxOutputTokens(const QJsonObject &request, QString *error)
{
    const qint64 completion = positiveInteger(request, "max_completion_tokens", error);
    return completion != 0 ? completion : positiveInteger(request, "max_tokens", error);
}

QJsonArray stopSequences(const QJsonObject &request)
{
    const QJsonValue stop = request.value(str("stop"));
    QJsonArray stops;
    for (const QJsonValue &value : stop.isString() ? QJsonArray{stop} : stop.toArray()) {
        if (!value.toString().isEmpty())
            stops.append(value);
    }
    return stops;
}

QStringList embeddingInputs(const QJsonObject &request, QString *error)
{
    const QJsonValue input = request.value(str("input"));
    if (input.isString())
        return {input.toString()};
    QStringList texts;
    const QJsonArray items = input.toArray();
    for (qsizetype i = 0; i < items.size(); ++i) {
        if (!items.at(i).isString()) {
            *error = where(str("input"), i) + str(": must be a string (token arrays cannot be "
                                                  "sent to this channel)");
            return {};
        }
        texts << items.at(i).toString();
    }
    if (texts.isEmpty())
        *error = str("input: required string or array of strings");
    return texts;
}

bool checkChatRequest(const QJsonObject &request, const QString &upstream, QString *error)
{
    if (!request.value(str("messages")).isArray()) {
        *error = str("messages: required array");
        return false;
    }
    if (request.value(str("n")).toInteger(1) > 1) {
        *error = str("n: ") + upstream + str(" returns one choice; n must be 1");
        return false;
    }
    return true;
}

QJsonObject openAIToolCall(const QJsonValue &id, const QJsonObject &function)
{
    const QJsonValue arguments = function.value(str("arguments"));
    return QJsonObject{
        {str("id"), id},
        {str("type"), str("function")},
        {str("function"),
         QJsonObject{{str("name"), function.value(str("name"))},
                     {str("arguments"), arguments.isString() ? arguments.toString()
                                                             : QString::fromUtf8(compactJson(
                                                                   arguments.toObject()))}}},
    };
}

bool checkedFunctionTools(const QJsonObject &request, QJsonArray *tools, QString *error)
{
    const QJsonArray input = request.value(str("tools")).toArray();
    for (qsizetype i = 0; i < input.size(); ++i) {
        if (functionOfTool(input.at(i).toObject(), i, error).isEmpty())
            return false;
    }
    *tools = input;
    return true;
}

QString forcedFunction(const QJsonObject &request)
{
    return request.value(str("tool_choice"))
        .toObject()
        .value(str("function"))
        .toObject()
        .value(str("name"))
        .toString();
}

bool functionToolsOf(const QJsonObject &request, QJsonArray *tools, QString *error)
{
    QJsonArray input;
    if (!checkedFunctionTools(request, &input, error))
        return false;
    const QString only = forcedFunction(request);
    for (const QJsonValue &tool : std::as_const(input)) {
        const QJsonObject function = tool.toObject().value(str("function")).toObject();
        const QString name = function.value(str("name")).toString();
        if (!only.isEmpty() && name != only)
            continue;
        QJsonObject converted{{str("name"), name}};
        for (const char *key : {"description", "parameters"}) {
            if (function.contains(str(key)))
                converted.insert(str(key), function.value(str(key)));
        }
        tools->append(QJsonObject{{str("type"), str("function")}, {str("function"), converted}});
    }
    if (!only.isEmpty() && tools->isEmpty()) {
        *error = str("tool_choice: names a function that is not in tools");
        return false;
    }
    return true;
}

QString newCompletionId()
{
    return replaceIdPrefix(QString(), QString(), str("chatcmpl-"));
}

QString newToolCallId()
{
    return str("call_") + QUuid::createUuid().toString(QUuid::Id128).left(24);
}

QJsonObject openAIErrorChunk(const QString &message, const QString &type)
{
    return QJsonObject{{str("error"), QJsonObject{{str("message"), message}, {str("type"), type}}}};
}

QJsonObject openAIChatCompletion(const QString &id, const QString &model,
                                 const QJsonObject &message, const QString &finishReason,
                                 const QJsonObject &usage)
{
    const QJsonObject choice{
        {str("index"), 0},
        {str("message"), message},
        {str("finish_reason"), finishReason},
    };
    return QJsonObject{
        {str("id"), id},
        {str("object"), str("chat.completion")},
        {str("created"), QDateTime::currentSecsSinceEpoch()},
        {str("model"), model},
        {str("choices"), QJsonArray{choice}},
        {str("usage"), usage},
    };
}

QJsonObject openAIUsage(qint64 promptTokens, qint64 completionTokens, qint64 cachedTokens)
{
    QJsonObject usage{
        {str("prompt_tokens"), promptTokens},
        {str("completion_tokens"), completionTokens},
        {str("total_tokens"), promptTokens + completionTokens},
    };
    if (cachedTokens > 0)
        usage.insert(str("prompt_tokens_details"),
                     QJsonObject{{str("cached_tokens"), cachedTokens}});
    return usage;
}

QJsonObject openAIEmbeddingList(const QJsonArray &vectors, const QString &model,
                                qint64 promptTokens)
{
    QJsonArray data;
    for (qsizetype i = 0; i < vectors.size(); ++i)
        data.append(QJsonObject{{str("object"), str("embedding")},
                                {str("index"), i},
                                {str("embedding"), vectors.at(i)}});
    return QJsonObject{
        {str("object"), str("list")},
        {str("data"), data},
        {str("model"), model},
        {str("usage"),
         QJsonObject{{str("prompt_tokens"), promptTokens}, {str("total_tokens"), promptTokens}}},
    };
}

} // namespace ConversionUtil
