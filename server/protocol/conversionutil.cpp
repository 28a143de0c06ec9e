#include "conversionutil.h"

#include <QJsonDocument>
#include <QUuid>

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

QJsonObject openAIImagePart(const QString &url)
{
    return QJsonObject{{str("type"), str("image_url")},
                       {str("image_url"), QJsonObject{{str("url"), url}}}};
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

} // namespace ConversionUtil
