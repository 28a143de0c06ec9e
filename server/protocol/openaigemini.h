#pragma once

#include "model/logrecord.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

/// Pure conversion between OpenAI Chat Completions / Embeddings (the relay's internal protocol)
/// and a native Google Gemini upstream (channel type 24: `POST {base}/v1beta/models/{model}:
/// generateContent`, `:streamGenerateContent?alt=sse`, `:batchEmbedContents`, key in
/// `x-goog-api-key`). No I/O; every function is reentrant. Streams: GeminiStreamDecoder.
///
/// Choices where the protocols differ (kept in one place so wiring and docs agree):
/// - system/developer messages (wherever they occur) become `systemInstruction` text parts;
///   media in them is an error.
/// - Roles: user and tool → `user`, assistant → `model`; consecutive contents of one role are
///   merged (Gemini expects alternation); empty text parts and contents left empty are dropped.
/// - image_url: base64 data URLs → inlineData; http(s) URLs → fileData with the mimeType
///   guessed from the URL's extension (png, jpeg, webp, gif, heic, heif, pdf; else image/jpeg).
///   `file` parts: a data URL (file_data) → inlineData of its media type (PDF: application/pdf);
///   file_id is an error (OpenAI file ids mean nothing to Gemini). input_audio → inlineData
///   audio/<format> (mp3 → audio/mp3).
/// - Assistant `reasoning_content` is dropped: Gemini reads no unsigned thought text. Tool
///   calls become functionCall parts (args: the arguments object; text that is not a JSON
///   object → `{"_raw_arguments": …}`). Gemini 3 rejects a function call without its
///   `thoughtSignature`: toOpenAIResponse() and the stream decoder put it on the tool call as
///   `extra_content.google.thought_signature` (the field Google's own OpenAI endpoint uses) and
///   it is sent back from there; a model turn whose calls carry none gets
///   kSkipThoughtSignature on its first call, as Google documents for foreign histories.
/// - Tool messages → functionResponse parts; the name is the one of the assistant tool call
///   with that id, else the message's `name` (error when there is neither). `response` must be
///   an object: the content (text parts joined) parsed as JSON when it is an object, else
///   wrapped as `{"content": <parsed JSON or the text>}`. Call ids are not sent (Gemini matches
///   responses to calls by name and order).
/// - tools: function tools only (others are an error) → one `functionDeclarations` tool;
///   `parameters` is sent as `parametersJsonSchema` (full JSON Schema, nothing cleaned).
///   tool_choice auto → AUTO, none → NONE, required → ANY, a named function → ANY with
///   allowedFunctionNames [name]; without tools it is dropped.
/// - generationConfig: temperature, top_p → topP, top_k → topK, max_completion_tokens (else
///   max_tokens) → maxOutputTokens, stop → stopSequences, n > 1 → candidateCount, seed,
///   presence/frequency_penalty; response_format json_schema → responseMimeType
///   application/json + responseJsonSchema, json_object → responseMimeType only.
///   reasoning_effort → thinkingConfig {thinkingBudget from the reference table, includeThoughts
///   true} ("none" → thinkingBudget 0 without thoughts). logprobs, user, metadata,
///   parallel_tool_calls and other OpenAI-only fields are dropped.
/// - Answers: `thought: true` parts → reasoning_content; other text parts concatenated →
///   content; functionCall → tool_calls (id: the part's `id`, else `call_<n>` counting the
///   answer's calls from 0); inlineData, executableCode and other parts have no Chat
///   Completions form and are dropped. finishReason: MAX_TOKENS → length; SAFETY, RECITATION,
///   BLOCKLIST, PROHIBITED_CONTENT, SPII, IMAGE_SAFETY (and other IMAGE_* blocks) →
///   content_filter; anything else → stop, or tool_calls when the candidate called a tool. A
///   prompt blocked by promptFeedback (no candidates) → one empty choice, content_filter.
/// - Usage: prompt_tokens = promptTokenCount (it already counts cached tokens) +
///   toolUsePromptTokenCount; completion_tokens = candidatesTokenCount + thoughtsTokenCount;
///   prompt_tokens_details.cached_tokens = cachedContentTokenCount;
///   completion_tokens_details.reasoning_tokens = thoughtsTokenCount.
/// - Embeddings: one batchEmbedContents request per input string (model "models/<model>",
///   `dimensions` → outputDimensionality); token-id inputs are an error. The answer's
///   `embeddings[].values` become float arrays in input order; usage only when Gemini reports
///   one (Vertex-style usageMetadata.promptTokenCount). The Gemini API reports none: the relay
///   then answers and logs its own estimate, and encodes base64 for encoding_format "base64".
namespace OpenAIGemini {

/// The placeholder signature Google documents for function calls whose signature is unknown.
constexpr char kSkipThoughtSignature[] = "skip_thought_signature_validator";

/// OpenAI chat request → Gemini GenerateContentRequest (the model goes in the URL). On an
/// invalid or inexpressible field returns an empty object and sets \a error to a message naming
/// the field (for a 400).
QJsonObject toGeminiRequest(const QJsonObject &openaiChatRequest, QString *error);

/// OpenAI embeddings request → BatchEmbedContentsRequest for \a upstreamModel (with or without
/// the "models/" prefix). Empty object + \a error on a missing or unusable `input`.
QJsonObject toGeminiEmbeddingsRequest(const QJsonObject &openaiEmbeddingsRequest,
                                      const QString &upstreamModel, QString *error);

/// GenerateContentResponse → OpenAI `chat.completion`; \a clientModel is reported as model.
QJsonObject toOpenAIResponse(const QJsonObject &geminiResponse, const QString &clientModel);

/// BatchEmbedContentsResponse → OpenAI embeddings `list` (float arrays; usage only when the
/// answer has usageMetadata).
QJsonObject toOpenAIEmbeddings(const QJsonObject &batchResponse, const QString &clientModel);

/// `error.message` of a Gemini error body (`{"error":{"code","message","status"}}`), its
/// `error.status` when there is no message; empty when the body has neither. Google also sends
/// errors as a one-element array of such objects; that is read too.
QString geminiErrorMessage(const QByteArray &body);

/// OpenAI finish_reason for a Gemini finishReason (see above); \a calledTool turns a normal stop
/// into "tool_calls".
QString finishReason(const QString &geminiFinishReason, bool calledTool);

/// Gemini `usageMetadata` → Usage (see above).
Usage usageFromGemini(const QJsonObject &usageMetadata);
/// Usage → OpenAI `usage` with prompt_tokens_details.cached_tokens and
/// completion_tokens_details.reasoning_tokens.
QJsonObject openAIUsage(const Usage &usage);

/// The OpenAI tool call of a functionCall \a part (`call_<ordinal>` unless the call has an id;
/// `extra_content.google.thought_signature` when the part is signed).
QJsonObject toolCall(const QJsonObject &part, int ordinal);

} // namespace OpenAIGemini
