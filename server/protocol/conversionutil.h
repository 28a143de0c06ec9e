#pragma once

#include "model/logrecord.h"

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>

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
/// The URL of an `image_url` part (`{"url":…}`, or a bare string as some clients send it).
QString imageUrlOf(const QJsonObject &part);
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

/// `<base>.<field>` and `<base>.<index>`: where a request error is, for error messages.
QString where(const QString &base, const char *field);
QString where(const QString &base, qsizetype index);

/// The output token limit of an OpenAI request: max_completion_tokens, else max_tokens; 0 when
/// neither is set, -1 (and \a error) when invalid.
qint64 maxOutputTokens(const QJsonObject &request, QString *error);
/// OpenAI `stop` (a string or an array) as an array of its non-empty strings.
QJsonArray stopSequences(const QJsonObject &request);
/// The strings of an embeddings request's `input` (a string or an array of strings); empty and
/// \a error set when it is missing or holds token arrays.
QStringList embeddingInputs(const QJsonObject &request, QString *error);

/// What every native chat conversion needs of an OpenAI request: `messages` is an array and
/// `n` at most 1; false and \a error otherwise (\a upstream names the channel in the message,
/// e.g. "an Ollama channel").
bool checkChatRequest(const QJsonObject &request, const QString &upstream, QString *error);
/// An OpenAI tool call `{id, type: "function", function: {name, arguments}}` from a native
/// call's \a function (`{name, arguments}`): arguments given as a JSON object (Ollama's) are
/// serialised compactly, a string stays as it is.
QJsonObject openAIToolCall(const QJsonValue &id, const QJsonObject &function);

/// The `tools` of an OpenAI request, checked: every one a function with a name. Returns them as
/// they are; false and \a error (naming the field) otherwise.
bool checkedFunctionTools(const QJsonObject &request, QJsonArray *tools, QString *error);
/// The checked tools as `{"type":"function","function":{name[,description][,parameters]}}`
/// (the shape Ollama's and Cohere's APIs share), only the one a tool_choice object names when it
/// names one (an error when it names none of them).
bool functionToolsOf(const QJsonObject &request, QJsonArray *tools, QString *error);
/// The function a tool_choice object (`{"type":"function","function":{"name":…}}`) names, else
/// empty.
QString forcedFunction(const QJsonObject &request);

/// A fresh `chatcmpl-<random>` id and a fresh `call_<random>` tool call id.
QString newCompletionId();
QString newToolCallId();

// OpenAI answer objects built by the converters of native upstreams.

/// The error chunk the relay ends a stream with: `{"error":{"message","type"}}`.
QJsonObject openAIErrorChunk(const QString &message, const QString &type);
/// A `chat.completion` with one choice (index 0) of \a message, created now.
QJsonObject openAIChatCompletion(const QString &id, const QString &model,
                                 const QJsonObject &message, const QString &finishReason,
                                 const QJsonObject &usage);
/// An OpenAI `usage` object of prompt and completion tokens (total = their sum), with
/// `prompt_tokens_details.cached_tokens` when \a cachedTokens > 0.
QJsonObject openAIUsage(qint64 promptTokens, qint64 completionTokens, qint64 cachedTokens = 0);
/// An OpenAI embeddings answer (`object: list`) of \a vectors (float arrays, in input order).
QJsonObject openAIEmbeddingList(const QJsonArray &vectors, const QString &model,
                                qint64 promptTokens);

} // namespace ConversionUtil
