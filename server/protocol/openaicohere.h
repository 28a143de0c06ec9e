#pragma once

#include "chunkwriter.h"
#include "model/logrecord.h"

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>

/// Pure conversion between OpenAI (the relay's internal protocol) and Cohere's v2 API (channel
/// type 35): `POST /v2/chat`, `/v2/embed` and `/v2/rerank` with a Bearer key. No I/O; every
/// function is reentrant.
///
/// Choices where the protocols differ:
/// - system and developer messages are `system` messages; user content is a string, or an array
///   of `text` and `image_url` parts when it has images. An assistant message with tool calls
///   sends its text as `tool_plan` (Cohere's place for the text before tool calls); tool
///   messages keep tool_call_id and send their text as content.
/// - tool_choice "none" → "NONE", "required" → "REQUIRED", a named function → "REQUIRED" with
///   only that tool; "auto" sends none (Cohere's default).
/// - max_completion_tokens (else max_tokens) → max_tokens; top_p → p, top_k → k; stop →
///   stop_sequences; temperature, seed, frequency_penalty and presence_penalty as they are;
///   response_format json_object → `{"type":"json_object"}`, json_schema → the same with
///   `json_schema`; reasoning_effort none → `thinking: {"type":"disabled"}`, else `{"type":
///   "enabled","token_budget":<the reference table's budget>}`.
/// - `n` > 1, audio and file parts and non-function tools are errors.
/// - Answers: `text` content → content, `thinking` content (else tool_plan) →
///   reasoning_content; finish_reason COMPLETE and STOP_SEQUENCE → stop, MAX_TOKENS → length,
///   TOOL_CALL → tool_calls, anything else (ERROR, TIMEOUT) → stop (compared
///   case-insensitively). usage.tokens (else usage.billed_units) input/output tokens are the
///   usage, `cached_tokens` the cached prompt tokens. Ids get the `chatcmpl-` prefix.
/// - Embeddings: {model, input, dimensions} → {model, texts, input_type "search_document",
///   embedding_types ["float"], output_dimension}; answers' `embeddings.float` become float
///   arrays, meta.billed_units.input_tokens the usage.
/// - Rerank (the relay's format, Cohere v1's and SiliconFlow's): {model, query, documents
///   (strings or {"text"}), top_n} → Cohere's; the answer keeps `id`, `results` ({index,
///   relevance_score}: Cohere v2 returns no documents, so return_documents cannot be honoured)
///   and `meta`, and gets `usage` only when Cohere reports tokens (billed search units are not
///   tokens).
namespace OpenAICohere {

/// OpenAI chat request (model already mapped) → `/v2/chat` body. On an invalid or
/// inexpressible field returns an empty object and sets \a error (not null) to a message naming
/// the field.
QJsonObject toChatRequest(const QJsonObject &openaiChatRequest, QString *error);
/// OpenAI embeddings request → `/v2/embed` body (same error contract).
QJsonObject toEmbedRequest(const QJsonObject &openaiEmbeddingsRequest, QString *error);
/// Rerank request → `/v2/rerank` body (same error contract).
QJsonObject toRerankRequest(const QJsonObject &rerankRequest, QString *error);
/// One of the above, by the request's shape (`messages` → chat, `query` → rerank, `input` →
/// embed).
QJsonObject toCohereRequest(const QJsonObject &openaiRequest, QString *error);

/// `/v2/chat` answer → OpenAI `chat.completion`; \a clientModel is reported as model.
QJsonObject toOpenAIChatResponse(const QJsonObject &cohereChat, const QString &clientModel);
/// `/v2/embed` answer → OpenAI embeddings list.
QJsonObject toOpenAIEmbeddingResponse(const QJsonObject &cohereEmbed, const QString &clientModel);
/// `/v2/rerank` answer → the relay's rerank answer.
QJsonObject toRerankResponse(const QJsonObject &cohereRerank);
/// One of the above, by the answer's shape (`embeddings` → embeddings, `results` → rerank).
QJsonObject toOpenAIResponse(const QJsonObject &cohereAnswer, const QString &clientModel);

/// OpenAI finish_reason for a Cohere finish_reason.
QString finishReason(const QString &cohereReason);
/// Usage of a Cohere `usage` object (tokens, else billed_units; cached_tokens).
Usage usageOf(const QJsonObject &cohereUsage);
/// The `message` of a Cohere error body (`{"id":…,"message":"…"}`); empty when there is none.
QString errorMessage(const QByteArray &body);

/// Converts Cohere's v2 chat event stream (SSE: `event: <type>` and `data: {…"type":…}`) into
/// OpenAI `chat.completion.chunk` objects. Memory: the open tool calls' index map only.
class CohereStreamDecoder
{
public:
    explicit CohereStreamDecoder(const QString &clientModel);

    /// \a eventName is the SSE `event:` field (falls back to \a data's `type`). message-start →
    /// role chunk; content-delta text / thinking → content / reasoning_content; tool-plan-delta
    /// → reasoning_content; tool-call-start / tool-call-delta → tool_calls deltas (OpenAI
    /// indexes count tool calls from 0); message-end → finish_reason chunk and usage chunk
    /// (`choices: []`), or an error chunk when it reports an error. content-start/end,
    /// tool-call-end, citations and unknown events give nothing; so does anything after
    /// message-end.
    QList<QJsonObject> onEvent(const QByteArray &eventName, const QJsonObject &data);
    /// End of the upstream stream: nothing after message-end; otherwise (cut short) an error
    /// chunk. Later calls return nothing.
    QList<QJsonObject> finish();

    Usage usage() const { return m_usage; }
    bool isFinished() const { return m_finished; }

private:
    QList<QJsonObject> messageEnd(const QJsonObject &data);

    ChunkWriter m_out;
    bool m_started = false;
    bool m_finished = false;
    bool m_calledTools = false;
    int m_nextToolIndex = 0;
    QHash<int, int> m_toolIndex; ///< Cohere content index → OpenAI tool call index.
    Usage m_usage;
};

} // namespace OpenAICohere

using OpenAICohere::CohereStreamDecoder;
