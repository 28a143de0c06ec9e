#pragma once

#include "model/logrecord.h"

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QString>

/// Pure conversion between Anthropic Messages (the client's protocol) and OpenAI Chat
/// Completions (the upstream's protocol). No I/O; every function is reentrant.
///
/// Choices where the protocols differ (kept in one place so wiring and docs agree):
/// - Assistant `thinking` blocks in the history become `reasoning_content` (texts joined with
///   "\n"; signatures dropped); `redacted_thinking` blocks are dropped (opaque to OpenAI).
/// - `tool_result` blocks become `role:"tool"` messages placed before the rest of that user
///   turn; an error result is prefixed with "[tool error] "; images inside a tool result go to
///   a user message that follows the tool messages (OpenAI tool messages carry text only).
/// - Several text blocks of one assistant turn are joined with "\n"; user turns keep them as
///   separate text parts. `cache_control` has no Chat Completions field and is dropped.
/// - Server tools (tools without `input_schema`, e.g. web_search_*) are dropped.
/// - `role: "system"` messages inside `messages` (Claude Code sends them) become OpenAI system
///   messages at their position.
/// - Thinking: `enabled` with budget_tokens → reasoning_effort by the reference table;
///   `adaptive` (or no thinking) with `output_config.effort` low/medium/high/max → that effort
///   (max clamped to high); `disabled` → none set.
/// - Tool arguments that are not a JSON object become `{"_raw_arguments": "<text>"}` so nothing
///   is lost; empty arguments become `{}`. Streamed arguments are forwarded verbatim.
/// - `stop_reason` is `stop_sequence` only when the upstream names the matched stop (vLLM and
///   compatible servers send `choices[].stop_reason` as a string); otherwise `end_turn`. A
///   `stop` finish with tool calls present reports `tool_use`.
namespace AnthropicOpenAI {

/// Anthropic Messages request → OpenAI Chat Completions request. On a missing or invalid field
/// returns an empty object and sets \a error to a message naming the field (for a 400
/// invalid_request_error).
QJsonObject toOpenAIRequest(const QJsonObject &anthropicRequest, QString *error);

/// OpenAI `chat.completion` body → Anthropic `message` body. \a requestedModel is the model
/// the client asked for (reported back unchanged).
QJsonObject toAnthropicResponse(const QJsonObject &openaiResponse, const QString &requestedModel);

/// `{"type":"error","error":{"type":…,"message":…}}` with the Anthropic error type for
/// \a httpStatus (400 invalid_request_error, 401 authentication_error, 403 permission_error,
/// 404 not_found_error, 413 request_too_large, 429 rate_limit_error, 503/529
/// overloaded_error, anything else api_error).
QByteArray anthropicErrorBody(int httpStatus, const QString &message);
QString anthropicErrorType(int httpStatus);

/// Input token ESTIMATE for `/v1/messages/count_tokens` and the streamed `message_start`:
/// one token per 4 characters of system, message text, tool inputs/results and tool
/// definitions (names, descriptions, schemas), plus 1600 per image or document block.
qint64 estimateInputTokens(const QJsonObject &anthropicRequest);

/// One `event: <type>\ndata: <json>\n\n` block; the JSON starts with `"type":"<type>"`.
QByteArray sseEvent(const QString &type, const QJsonObject &fields);

} // namespace AnthropicOpenAI

/// Converts an OpenAI `chat.completion.chunk` stream into Anthropic's Messages event stream:
/// message_start, ping, per block content_block_start / *_delta / content_block_stop (never
/// interleaved), message_delta with the terminal usage, message_stop.
///
/// Feed each parsed chunk (not `[DONE]`) to onChunk() and send what it returns; call finish()
/// once at the end. Memory is constant: no text is accumulated, only the open block and a
/// map of OpenAI tool-call index → state. Tool calls are assumed not to interleave (OpenAI
/// streams them one after another); arguments for a tool call whose block was already closed
/// are dropped.
class AnthropicStreamEncoder
{
public:
    /// \a requestedModel is reported in message_start; \a inputTokensEstimate is used for
    /// message_start's usage when the first chunk carries no usage (OpenAI sends usage only at
    /// the end; Anthropic itself sends an early count there). message_delta always reports
    /// the terminal usage.
    explicit AnthropicStreamEncoder(const QString &requestedModel, qint64 inputTokensEstimate = 0);

    QByteArray onChunk(const QJsonObject &chunk);
    /// Ends the stream: closes the open block, then message_delta + message_stop; or, when
    /// \a errorMessage is set (upstream failed mid-stream), one `event: error` with an
    /// api_error instead. Later calls return nothing.
    QByteArray finish(const QString &errorMessage = {});

    /// Usage from the last chunk that carried one (OpenAI fields; authoritative at the end).
    const Usage &usage() const { return m_usage; }
    bool isFinished() const { return m_finished; }

private:
    enum class Block
    {
        None,
        Text,
        Thinking,
        Tool
    };
    struct ToolState
    {
        bool started = false;
        bool closed = false;
        QString id;
        QString name;
        QString pendingArguments; ///< Arguments seen before the name (rare; tiny).
    };

    QByteArray ensureStarted(const QJsonObject &chunk);
    QByteArray openBlock(Block kind, const QJsonObject &contentBlock);
    QByteArray closeBlock();
    QByteArray toolDelta(const QJsonObject &toolCall);
    QByteArray delta(const QJsonObject &deltaObject);

    QString m_model;
    QString m_messageId;
    qint64 m_inputEstimate = 0;
    bool m_started = false;
    bool m_finished = false;
    bool m_hasUsage = false;
    bool m_sawToolUse = false;
    Block m_open = Block::None;
    int m_openToolIndex = -1;
    int m_nextBlockIndex = 0;
    QHash<int, ToolState> m_tools;
    QString m_finishReason;
    QString m_stopSequence;
    Usage m_usage;
};
