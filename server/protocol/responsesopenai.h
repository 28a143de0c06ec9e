#pragma once

#include "model/logrecord.h"

#include <QByteArray>
#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QString>

/// Pure conversion between OpenAI Responses (`POST /v1/responses`, the client's protocol; what
/// Codex CLI speaks) and OpenAI Chat Completions (the upstream's protocol). No I/O; every
/// function is reentrant.
///
/// Choices where the protocols differ (kept in one place so wiring and docs agree):
/// - `instructions` becomes the first `system` message; `developer` messages become `system`
///   messages (many Chat Completions upstreams reject the `developer` role).
/// - Consecutive `function_call` items (and the assistant message right before them) become
///   one assistant message with `tool_calls`, `call_id` as the tool call id;
///   `function_call_output` becomes a `role:"tool"` message (array outputs: texts joined).
/// - `reasoning` items: their summary texts (joined with "\n") become `reasoning_content` of
///   the next assistant message; dropped when none follows. `encrypted_content` is dropped.
/// - Input images by `file_id`, files by `file_id` / `file_url`, `item_reference` and other
///   item types → an error naming the item (nothing is stored on this side to resolve them).
/// - Only `function` tools are converted; hosted and custom tools (web_search, file_search,
///   local_shell, custom, mcp …) are DROPPED so clients such as Codex still work; a
///   `tool_choice` naming a hosted tool → an error.
/// - `previous_response_id` and `conversation` → an error ("previous_response_id is not
///   supported on this channel"); `background:true` and `prompt` templates → an error.
///   `store` is accepted and ignored (nothing is stored); `metadata`, `include`, `truncation`,
///   `text.verbosity` and `service_tier` are dropped.
/// - `max_output_tokens` → `max_tokens`; `reasoning.effort` → `reasoning_effort`; `text.format`
///   json_schema / json_object → `response_format`.
/// - Upstream `refusal` text is reported as output text.
namespace ResponsesOpenAI {

/// Responses request → Chat Completions request. On a missing or invalid field returns an
/// empty object and sets \a error to a message naming the field (for a 400).
QJsonObject toOpenAIRequest(const QJsonObject &responsesRequest, QString *error);

/// Chat Completions `chat.completion` body → Responses `response` object. \a originalRequest
/// is the client's Responses request: its model and settings are echoed back.
QJsonObject toResponsesResponse(const QJsonObject &chatCompletion,
                                const QJsonObject &originalRequest);

/// Responses `usage` (input/output tokens with cached and reasoning details) for \a usage.
QJsonObject responsesUsage(const Usage &usage);

/// One `event: <type>\ndata: <json>\n\n` block; the JSON starts with `"type":"<type>"`.
QByteArray sseEvent(const QString &type, const QJsonObject &fields);

} // namespace ResponsesOpenAI

/// Converts an OpenAI `chat.completion.chunk` stream into the Responses event stream:
/// response.created, response.in_progress, then per output item (never interleaved)
/// response.output_item.added, its part/delta/done events, response.output_item.done, and
/// finally response.completed (or response.incomplete for finish_reason `length` /
/// `content_filter`) with the full response object and the terminal usage; on an upstream
/// error mid-stream, response.failed. Every event carries an increasing `sequence_number`.
///
/// Items: `reasoning` (reasoning_content deltas → response.reasoning_summary_* events),
/// `message` (content deltas → output_text events) and `function_call` (tool call deltas →
/// function_call_arguments events).
///
/// Memory: the protocol repeats every item's full text in its `.done` events and in the final
/// response object, so the encoder keeps the output (texts and arguments). It is BOUNDED:
/// at most \a accumulateCap characters in total are kept (default 8 Mi characters, far beyond
/// any model's output); deltas past the cap are still forwarded, but the `.done` events and
/// the final object then carry the text truncated at the cap. Tool calls are assumed not to
/// interleave (OpenAI streams them one after another); arguments for a closed one are dropped.
class ResponsesStreamEncoder
{
public:
    static constexpr qsizetype defaultAccumulateCap = 8 * 1024 * 1024;

    explicit ResponsesStreamEncoder(const QJsonObject &originalRequest,
                                    qsizetype accumulateCap = defaultAccumulateCap);

    QByteArray onChunk(const QJsonObject &chunk);
    /// Ends the stream: closes the open item, then response.completed / response.incomplete;
    /// or, when \a errorMessage is set, response.failed. Later calls return nothing.
    QByteArray finish(const QString &errorMessage = {});

    /// Usage from the last chunk that carried one (authoritative at the end).
    const Usage &usage() const { return m_usage; }
    bool isFinished() const { return m_finished; }

private:
    enum class Item
    {
        None,
        Reasoning,
        Message,
        FunctionCall
    };

    QByteArray event(const QString &type, QJsonObject fields);
    QByteArray ensureStarted(const QJsonObject &chunk);
    QByteArray openItem(Item kind, const QJsonObject &item);
    QByteArray closeItem();
    QByteArray toolDelta(const QJsonObject &toolCall);
    QByteArray delta(const QJsonObject &deltaObject);
    void accumulate(QString *target, const QString &text);
    QJsonObject responseObject(const QString &status) const;
    /// Output index the next opened item gets (the open one is closed first).
    qsizetype nextOutputIndex() const;

    QJsonObject m_request;
    qsizetype m_cap = 0;
    qsizetype m_kept = 0;
    QString m_id;
    QString m_suffix;
    qint64 m_createdAt = 0;
    qint64 m_sequence = 0;
    bool m_started = false;
    bool m_finished = false;
    Item m_open = Item::None;
    QJsonObject m_openItem; ///< The open item as announced (id, call_id, name …).
    QString m_openText;     ///< Text or arguments of the open item so far (bounded).
    int m_openToolIndex = -1;
    QHash<int, bool> m_toolsClosed;
    QJsonArray m_output; ///< Completed items, for the final response object.
    QString m_finishReason;
    Usage m_usage;
};
