#pragma once

#include "model/logrecord.h"

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>

/// Pure conversion between the Gemini API (`models/{model}:generateContent` and
/// `:streamGenerateContent?alt=sse`, the client's protocol) and OpenAI Chat Completions (the
/// upstream's protocol). No I/O; every function is reentrant.
///
/// Choices where the protocols differ (kept in one place so wiring and docs agree):
/// - Field names are read in Gemini's lowerCamelCase or in snake_case (the REST API accepts
///   both, and Google's curl samples use snake_case); a single Part or Content object where a
///   list is expected is read as a one-element list, as the REST API does.
/// - Roles: `user` (or absent, or legacy `function`) → user, `model` → assistant.
/// - Model turns: text parts are concatenated without a separator (Gemini splits one answer
///   into parts); `thought: true` parts become `reasoning_content`; `thoughtSignature` is
///   dropped (opaque to OpenAI); media parts are dropped (OpenAI assistant messages carry
///   text only). functionCall → tool_calls with the part's `id` when present, else `call_<n>`
///   (n counts the request's function calls from 0).
/// - User turns: functionResponse parts become `role:"tool"` messages placed before the rest
///   of the turn; `tool_call_id` is the part's `id` when present, else the oldest unanswered
///   functionCall of the same name; the response object is the content as compact JSON.
///   Media in functionResponse.parts go to a user message after the tool messages.
/// - inlineData: image/* → `image_url` data URL; application/pdf → `file` part (file_data data
///   URL, filename "document.pdf"); audio/wav and audio/mp3 (mpeg) → `input_audio`; text/*
///   → decoded text part; anything else → `file` part with a data URL.
/// - fileData: image/* → `image_url` with the fileUri (the upstream fetches it); anything else
///   → a text part `[file: <uri> (<mimeType>)]`: Chat Completions has no URL file part, and
///   Gemini Files API URIs are not readable by other providers anyway.
/// - executableCode / codeExecutionResult parts become text (fenced code, the output).
/// - tools: functionDeclarations only (googleSearch, codeExecution, … are dropped);
///   `parametersJsonSchema` is sent as is; `parameters` (Gemini's OpenAPI subset) gets
///   lower-case types, `nullable` folded into the type and `propertyOrdering` removed. Same
///   for `responseSchema`.
/// - toolConfig mode AUTO/VALIDATED → "auto", ANY → "required" (a named function when
///   allowedFunctionNames has exactly one name), NONE → "none".
/// - generationConfig: topK, responseModalities, logprobs and safetySettings have no Chat
///   Completions field and are dropped; candidateCount > 1 and cachedContent are errors.
///   thinkingBudget → reasoning_effort by the reference table (0 → none, -1 dynamic → no
///   effort, xhigh clamped to high); thinkingLevel MINIMAL/LOW/MEDIUM/HIGH → lower-case.
///   Thoughts are returned whenever the upstream sends reasoning (includeThoughts ignored:
///   SDKs leave thought parts out of `.text`).
/// - Responses: finish_reason stop/tool_calls → STOP, length → MAX_TOKENS, content_filter →
///   SAFETY, none → STOP, anything else → OTHER. usageMetadata.candidatesTokenCount excludes
///   reasoning tokens (Gemini counts them apart in thoughtsTokenCount);
///   cachedContentTokenCount and thoughtsTokenCount are present only when non-zero.
namespace GeminiOpenAI {

/// Gemini GenerateContentRequest → OpenAI Chat Completions request for \a model (from the
/// URL path). \a stream adds `stream` and `stream_options.include_usage`. On a missing or
/// invalid field returns an empty object and sets \a error to a message naming the field
/// (for a 400 INVALID_ARGUMENT).
QJsonObject toOpenAIRequest(const QJsonObject &geminiRequest, const QString &model, bool stream,
                            QString *error);

/// OpenAI `chat.completion` body → Gemini GenerateContentResponse; \a model is reported as
/// `modelVersion`.
QJsonObject toGeminiResponse(const QJsonObject &openaiResponse, const QString &model);

/// Gemini's `status` for \a httpStatus: 400 INVALID_ARGUMENT, 401 UNAUTHENTICATED, 403
/// PERMISSION_DENIED, 404 NOT_FOUND, 429 RESOURCE_EXHAUSTED, 503 UNAVAILABLE, 504
/// DEADLINE_EXCEEDED, other 4xx INVALID_ARGUMENT, anything else INTERNAL.
QString geminiErrorStatus(int httpStatus);
/// `{"error":{"code":<httpStatus>,"message":…,"status":…}}`.
QByteArray geminiErrorBody(int httpStatus, const QString &message);

/// Input token ESTIMATE for `:countTokens`: one token per 4 characters of system instruction,
/// texts, function calls and responses (as JSON) and function declarations, plus 1600 per
/// inlineData / fileData part. Accepts a GenerateContentRequest or a countTokens body (which
/// may wrap one in `generateContentRequest`).
qint64 estimateInputTokens(const QJsonObject &geminiRequest);

/// One stream event: `data: <compact JSON>\r\n\r\n` (Gemini's framing with `alt=sse`).
QByteArray sseEvent(const QJsonObject &response);

} // namespace GeminiOpenAI

/// Converts an OpenAI `chat.completion.chunk` stream into Gemini's `alt=sse` stream of
/// GenerateContentResponse objects.
///
/// Feed each parsed chunk (not `[DONE]`) to onChunk() and send what it returns; call finish()
/// once at the end. Reasoning and text deltas are sent at once, one event per chunk (thought
/// part first). Tool calls are buffered (name, id and argument text only) and sent as whole
/// functionCall parts in the final event, which also carries finishReason and the terminal
/// usage: a call is only known complete when the stream ends, and this stays correct for
/// upstreams that interleave parallel calls. Memory is constant apart from those arguments,
/// capped at maxToolArgumentBytes (beyond it the stream ends with an error event).
class GeminiStreamEncoder
{
public:
    static constexpr qsizetype maxToolArgumentBytes = 16 * 1024 * 1024;

    explicit GeminiStreamEncoder(const QString &model);

    QByteArray onChunk(const QJsonObject &chunk);
    /// Ends the stream with the final event (buffered functionCall parts, finishReason,
    /// usageMetadata when the upstream sent usage); or, when \a errorMessage is set (upstream
    /// failed mid-stream), with `data: {"error":{"code":500,…,"status":"INTERNAL"}}` instead
    /// (buffered calls are dropped). Later calls return nothing.
    QByteArray finish(const QString &errorMessage = {});

    /// Usage from the last chunk that carried one (OpenAI fields; authoritative at the end).
    const Usage &usage() const { return m_usage; }
    bool isFinished() const { return m_finished; }

private:
    struct ToolCall
    {
        int index = 0;
        QString id;
        QString name;
        QString arguments;
    };

    QByteArray event(const QJsonArray &parts, const QJsonObject &extraCandidateFields = {},
                     const QJsonObject &usageMetadata = {}) const;

    QString m_model;
    QString m_responseId;
    bool m_finished = false;
    bool m_hasUsage = false;
    QString m_finishReason;
    QList<ToolCall> m_toolCalls;
    qsizetype m_argumentBytes = 0;
    Usage m_usage;
};
