#pragma once

#include "model/logrecord.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <optional>

/// Helpers shared by the protocol converters (server/protocol/*). Pure and reentrant.
namespace ConversionUtil {

inline QString str(const char *latin1)
{
    return QString::fromLatin1(latin1);
}

QByteArray compactJson(const QJsonObject &object);

/// \a id with its \a fromPrefix replaced by \a toPrefix (`chatcmpl-abc` ⇄ `msg_abc`); a random
/// suffix when \a id has none.
QString replaceIdPrefix(const QString &id, const QString &fromPrefix, const QString &toPrefix);

/// Tool input object from OpenAI's JSON-string `arguments`: empty → `{}`; text that is not a
/// JSON object → `{"_raw_arguments": "<text>"}` so nothing is lost.
QJsonObject toolInputFromArguments(const QString &arguments);

/// Reasoning normalisation table (../shared/reference/aiproxy-behaviour.md): effort none,
/// minimal, low, medium, high, xhigh → budget 0, 1024, 2048, 8192, 16384, 32768; -1 for any
/// other effort.
qint64 thinkingBudgetForEffort(const QString &effort);
/// Budget → effort: ≤0 none, ≤1024 minimal, ≤4096 low, ≤12288 medium, ≤24576 high, else xhigh.
QString reasoningEffortForBudget(qint64 budget);

/// `data:<media type>[;base64],<data>`, split; nullopt when \a url is not a data URL.
struct DataUrl
{
    QString mediaType;
    QString data;
    bool isBase64 = false;
};
std::optional<DataUrl> parseDataUrl(const QString &url);

/// OpenAI content parts: `{"type":"text","text":…}` and
/// `{"type":"image_url","image_url":{"url":…}}`.
QJsonObject openAITextPart(const QString &text);
QJsonObject openAIImagePart(const QString &url);

/// The reasoning text of an OpenAI message or stream delta: `reasoning_content` (DeepSeek and
/// most providers), else `reasoning` (OpenRouter and some vLLM builds).
QString reasoningText(const QJsonObject &messageOrDelta);

/// Usage from an OpenAI `usage` object; cached prompt tokens from
/// `prompt_tokens_details.cached_tokens`, else DeepSeek's `prompt_cache_hit_tokens`.
Usage usageFromOpenAI(const QJsonObject &openaiUsage);

/// Token ESTIMATES for count-tokens endpoints: one token per 4 characters (rounded up), and a
/// flat count per image, document or other media block.
constexpr qint64 mediaBlockTokenEstimate = 1600;
inline qint64 tokensForCharacters(qint64 characters)
{
    return (characters + 3) / 4;
}

} // namespace ConversionUtil
