#pragma once

#include "chunkwriter.h"
#include "model/logrecord.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>

/// Pure conversion between OpenAI (the relay's internal protocol) and Ollama's native API
/// (channel type 30): `POST /api/chat` and `POST /api/embed`. No I/O; every function is
/// reentrant.
///
/// Choices where the protocols differ:
/// - Ollama streams unless told otherwise, so `stream` is always sent (true or false).
/// - A message's content parts become one `content` string (text parts joined with "\n") and an
///   `images` array of base64 data; images must be base64 data URLs (the converter fetches
///   nothing). system and developer messages are `system` messages. Assistant
///   `reasoning_content` is sent back as `thinking`; tool calls carry their arguments as a JSON
///   object; a `tool` message names its function (`tool_name`, found through tool_call_id).
/// - Ollama has no tool_choice: "none" sends no tools, a named function sends only that tool,
///   "auto" and "required" send them all.
/// - `options`: temperature, top_p, top_k, seed, frequency_penalty, presence_penalty, stop
///   (always an array) and num_predict (max_completion_tokens, else max_tokens).
///   response_format json_object → `format: "json"`, json_schema → `format: <schema>`.
///   reasoning_effort none → `think: false`; minimal and low → "low", medium → "medium", high
///   and xhigh → "high" (Ollama treats a level as "on" for models without levels).
/// - `n` > 1, audio and file parts and non-function tools are errors.
/// - Answers: `message.thinking` → reasoning_content; tool calls get their `id` (or a generated
///   `call_…`) and their arguments as a JSON string; done_reason "length" → "length", anything
///   else → "stop", or "tool_calls" when the answer calls tools. prompt_eval_count and
///   eval_count are the usage. Ollama answers carry no id: `chatcmpl-<random>`.
/// - Embeddings: {model, input (string or strings), dimensions} ↔ `{embeddings: [[…]],
///   prompt_eval_count}`; vectors are always float arrays (encoding_format is ignored: OpenAI's
///   SDKs accept floats when they asked for base64).
namespace OpenAIOllama {

/// OpenAI chat request (model already mapped) → `/api/chat` body. On an invalid or
/// inexpressible field returns an empty object and sets \a error (not null) to a message naming
/// the field.
QJsonObject toChatRequest(const QJsonObject &openaiChatRequest, QString *error);
/// OpenAI embeddings request → `/api/embed` body (same error contract).
QJsonObject toEmbedRequest(const QJsonObject &openaiEmbeddingsRequest, QString *error);
/// Either of the above, by the request's shape (`messages` → chat, `input` → embed).
QJsonObject toOllamaRequest(const QJsonObject &openaiRequest, QString *error);

/// `/api/chat` answer → OpenAI `chat.completion`; \a clientModel is reported as model.
QJsonObject toOpenAIChatResponse(const QJsonObject &ollamaChat, const QString &clientModel);
/// `/api/embed` answer → OpenAI embeddings list.
QJsonObject toOpenAIEmbeddingResponse(const QJsonObject &ollamaEmbed, const QString &clientModel);
/// Either of the above, by the answer's shape (`embeddings` → embeddings).
QJsonObject toOpenAIResponse(const QJsonObject &ollamaAnswer, const QString &clientModel);

/// OpenAI finish_reason for an Ollama done_reason.
QString finishReason(const QString &doneReason, bool calledTools);
/// Usage from an Ollama answer's prompt_eval_count / eval_count.
Usage usageOf(const QJsonObject &ollamaAnswer);
/// The `error` string of an Ollama error body (`{"error":"…"}`); empty when there is none.
QString errorMessage(const QByteArray &body);

/// Converts Ollama's NDJSON chat stream (one JSON object per line) into OpenAI
/// `chat.completion.chunk` objects. Constant memory: no text is kept.
class OllamaStreamDecoder
{
public:
    explicit OllamaStreamDecoder(const QString &clientModel);

    /// One stream line. The first object gives a role chunk; thinking, content and tool calls
    /// give reasoning_content, content and tool_calls chunks (in that order); the final object
    /// (`done: true`) gives the finish_reason chunk and the usage chunk (`choices: []`). An
    /// `{"error":…}` line gives `{"error":{message,type}}` and ends the stream. Lines that are
    /// not JSON objects, and anything after the end, give nothing.
    QList<QJsonObject> onLine(const QByteArray &line);
    /// End of the upstream stream: nothing after a done object or an error; otherwise (cut
    /// short) an error chunk. Later calls return nothing.
    QList<QJsonObject> finish();

    Usage usage() const { return m_usage; }
    bool isFinished() const { return m_finished; }

private:
    ChunkWriter m_out;
    bool m_started = false;
    bool m_finished = false;
    int m_nextToolIndex = 0;
    Usage m_usage;
};

} // namespace OpenAIOllama

using OpenAIOllama::OllamaStreamDecoder;
