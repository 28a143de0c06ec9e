#pragma once

#include "model/logrecord.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <functional>
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

/// Walks an OpenAI message `content` at \a at: a non-empty string is one text part
/// (`{"type":"text","text":…}`, path \a at); null or absent content has none; anything but an
/// array of parts is an error. \a visit gets each part and its path (`<at>.<i>`) and returns
/// false (with \a error set) to stop. Returns false on error.
bool visitContentParts(
    const QJsonValue &content, const QString &at,
    const std::function<bool(const QJsonObject &part, const QString &partAt)> &visit,
    QString *error);

/// Request field \a field as a positive integer: 0 when absent or null; -1 (and \a error naming
/// the field) when it is anything else.
qint64 positiveInteger(const QJsonObject &request, const char *field, QString *error);

/// The `function` object of OpenAI tool number \a index (`tools.<index>`; a missing `type` means
/// function). Empty, with \a error naming the field, for a tool that is not a function or whose
/// function has no name.
QJsonObject functionOfTool(const QJsonObject &tool, qsizetype index, QString *error);

/// An OpenAI `chat.completion.chunk` with one choice: \a delta at \a index, finish_reason
/// \a finishReason (null when undefined).
QJsonObject openAIChunk(const QString &id, qint64 created, const QString &model, int index,
                        const QJsonObject &delta, const QJsonValue &finishReason = {});
/// The terminal usage chunk of an OpenAI stream: `choices: []` and \a usage.
QJsonObject openAIUsageChunk(const QString &id, qint64 created, const QString &model,
                             const QJsonObject &usage);

/// The reasoning text of an OpenAI message or stream delta: `reasoning_content` (DeepSeek and
/// most providers), else `reasoning` (OpenRouter and some vLLM builds).
QString reasoningText(const QJsonObject &messageOrDelta);

/// Usage from an OpenAI `usage` object; cached prompt tokens from
/// `prompt_tokens_details.cached_tokens`, else DeepSeek's `prompt_cache_hit_tokens`.
Usage usageFromOpenAI(const QJsonObject &openaiUsage);

/// An OpenAI embeddings `list` with every float-array `embedding` replaced by the base64 of its
/// little-endian float32 values (what `encoding_format: "base64"` asks for).
QJsonObject base64Embeddings(QJsonObject embeddingsList);

/// Token ESTIMATES for count-tokens endpoints: one token per 4 characters (rounded up), and a
/// flat count per image, document or other media block.
constexpr qint64 mediaBlockTokenEstimate = 1600;
inline qint64 tokensForCharacters(qint64 characters)
{
    return (characters + 3) / 4;
}

} // namespace ConversionUtil
