#pragma once

#include "chunkwriter.h"
#include "model/logrecord.h"

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>

/// Pure conversion between OpenAI Chat Completions (the relay's internal protocol) and a native
/// Anthropic Messages upstream (channel type 14: `POST {base}/messages`, `x-api-key`,
/// `anthropic-version: 2023-06-01`). No I/O; every function is reentrant.
///
/// Choices where the protocols differ:
/// - system/developer messages (wherever they occur) become `system`, joined with "\n\n"; it is
///   an array of text blocks instead of a string when a part carries `cache_control`.
/// - Consecutive messages of one role are merged (Anthropic requires alternation); consecutive
///   `role:"tool"` messages become one user turn of `tool_result` blocks, placed before any
///   other block of that turn. Empty text parts and turns left empty are dropped.
/// - `cache_control` on a content part is kept on its block; on a message or a tool definition
///   it goes on the message's last block or on the tool.
/// - Assistant `reasoning_content` becomes a `thinking` block only when the message also
///   carries `reasoning_signature` (non-standard; toOpenAIResponse() emits it when the answer
///   had exactly one signed thinking block): Anthropic rejects unsigned thinking, so it is
///   dropped otherwise. Streams do not carry the signature.
/// - `max_completion_tokens` (else `max_tokens`, else 4096) → `max_tokens`. reasoning_effort
///   (not "none") → `thinking` with the reference table's budget; when max_tokens ≤ budget,
///   max_tokens becomes budget + max_tokens. With thinking on, temperature/top_p/top_k are
///   dropped (Anthropic rejects them). Thinking is NOT enabled when tool_choice forces a tool or
///   when the last assistant turn has tool_use without a leading signed thinking block (both
///   rejected by Anthropic).
/// - temperature is clamped to 0..1; `n` > 1, `file_id` files, audio parts and non-function
///   tools are errors; response_format, logprobs, seed and other OpenAI-only fields are dropped.
/// - Tool arguments that are not a JSON object become `{"_raw_arguments": "<text>"}`.
/// - Usage: prompt_tokens = input + cache read + cache creation tokens;
///   `prompt_tokens_details` carries `cached_tokens` (read) and `cache_creation_tokens`.
namespace OpenAIAnthropic {

/// max_tokens sent when the client gives none (Anthropic requires it).
constexpr qint64 defaultMaxTokens = 4096;

/// OpenAI chat request → Anthropic Messages request for \a upstreamModel. On an invalid or
/// inexpressible field returns an empty object and sets \a error to a message naming the field
/// (for a 400 invalid_request_error).
QJsonObject toAnthropicRequest(const QJsonObject &openaiChatRequest, const QString &upstreamModel,
                               QString *error);

/// Anthropic `message` body → OpenAI `chat.completion`; \a clientModel is reported as model.
QJsonObject toOpenAIResponse(const QJsonObject &anthropicMessage, const QString &clientModel);

/// `error.message` of an Anthropic error body (`{"type":"error","error":{"type","message"}}`);
/// its `error.type` when there is no message; empty when the body has neither.
QString anthropicErrorMessage(const QByteArray &body);

/// OpenAI finish_reason for an Anthropic stop_reason (end_turn, stop_sequence, pause_turn →
/// stop; max_tokens, model_context_window_exceeded → length; tool_use → tool_calls; refusal →
/// content_filter).
QString finishReason(const QString &stopReason);

/// Anthropic `usage` → Usage (inputTokens includes cache reads and cache creation).
Usage usageFromAnthropic(const QJsonObject &anthropicUsage);
/// Usage → OpenAI `usage` object with prompt_tokens_details {cached_tokens,
/// cache_creation_tokens}.
QJsonObject openAIUsage(const Usage &usage);

/// Converts Anthropic's Messages event stream into OpenAI `chat.completion.chunk` objects.
///
/// Feed every parsed SSE event to onEvent() and forward what it returns (as `data:` events);
/// call finish() once when the upstream stream ends. Memory is constant: only the open content
/// blocks (index → tool ordinal) and the usage counters are kept, never text.
class AnthropicStreamDecoder
{
public:
    explicit AnthropicStreamDecoder(const QString &clientModel);

    /// \a eventName is the SSE `event:` field (falls back to \a data's `type`). Returns the
    /// chunks to forward: message_start → role chunk; text/thinking/tool deltas → content /
    /// reasoning_content / tool_calls deltas; message_delta → finish_reason chunk;
    /// message_stop → the usage chunk (`choices: []`); `error` → `{"error":{message,type}}`.
    /// `ping`, signature deltas and unknown events give nothing; so does anything after
    /// message_stop or an error.
    QList<QJsonObject> onEvent(const QByteArray &eventName, const QJsonObject &data);
    /// End of the upstream stream: nothing when message_stop was seen; the usage chunk when
    /// message_delta was seen but message_stop was not; otherwise (stream cut short) an error
    /// chunk. Later calls return nothing.
    QList<QJsonObject> finish();

    /// Usage so far (message_start's input, message_delta's counts where present).
    Usage usage() const { return m_usage; }
    bool isFinished() const { return m_finished; }

private:
    enum class Block
    {
        Text,
        Thinking,
        Tool
    };
    struct OpenBlock
    {
        Block kind = Block::Text;
        int toolIndex = -1;
        bool separatorPending = false; ///< Thinking after earlier thinking: prefix "\n".
    };

    QJsonObject usageChunk() const;
    QList<QJsonObject> contentBlockStart(const QJsonObject &data);
    QList<QJsonObject> contentBlockDelta(const QJsonObject &data);
    void mergeUsage(const QJsonObject &anthropicUsage);

    ChunkWriter m_out;
    bool m_started = false;
    bool m_sawMessageDelta = false;
    bool m_finished = false;
    bool m_sawThinking = false; ///< Some thinking text was forwarded.
    int m_nextToolIndex = 0;
    QHash<int, OpenBlock> m_open;
    Usage m_usage;
};

} // namespace OpenAIAnthropic

using OpenAIAnthropic::AnthropicStreamDecoder;
