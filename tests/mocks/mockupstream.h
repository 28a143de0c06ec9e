#pragma once

#include <QByteArray>
#include <QHash>
#include <QHostAddress>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QMutex>
#include <QObject>
#include <QPair>
#include <QThread>

#include <atomic>
#include <memory>

class QTcpServer;
class QTcpSocket;

namespace MockWire {
struct Reply;
struct VertexAuth;
struct Doc2xTasks;
} // namespace MockWire

/// A mock of the OpenAI API on a raw QTcpServer, speaking OpenAI's wire format: pretty-printed
/// JSON bodies with OpenAI's key order, SSE streams as `data: {chunk}\n\n` events in HTTP/1.1
/// chunked transfer encoding (one chunk per event), `data: [DONE]\n\n` at the end.
///
/// Endpoints: POST /v1/chat/completions (plain, streamed, tool calls when the request has
/// `tools`), POST /v1/completions, POST /v1/embeddings (`encoding_format` "base64" → base64 of
/// little-endian float32, otherwise float arrays), GET /v1/models. The same operations answer
/// Azure OpenAI's paths (/openai/deployments/<deployment>/<operation>?api-version=… and
/// /openai/responses[/<id>]?api-version=…, 404
/// without api-version; the required key, if set, is checked in the `api-key` header).
///
/// Models whose name contains "notools" answer in text even when the request offers tools
/// (what a coding agent's one-shot prompt needs; the Anthropic responder does the same).
///
/// Fault scenarios are picked by the request's model name or an `X-Mock-Scenario` header:
/// `error-<status>` (OpenAI error JSON with that status; `error-<status>-retry-<seconds>` adds
/// `retry-after: <seconds>`), `error-text-<status>` (plain text body), `error-echo-key` (401
/// whose message quotes the whole Bearer key, as some OpenAI-compatible resellers answer),
/// `reset` (the connection closes before any answer), `drip-<ms>` (a stream pausing <ms>
/// between events), `slow-first-byte` (waits firstByteDelayMs() before answering),
/// `drop-mid-stream` (closes the socket after 2 events; without streaming, in the middle of the
/// body) and `hang` (never answers).
///
/// It also speaks Anthropic's native Messages API (what a channel of type 14 with this base URL
/// calls): POST /v1/messages and /v1/messages/count_tokens, compact JSON bodies, SSE streams as
/// `event: <type>\ndata: {json}\n\n` (one chunk per event) in Anthropic's order: message_start,
/// content_block_start of block 0, ping, its deltas, content_block_stop, the other blocks (start,
/// deltas, stop), message_delta, message_stop. `x-api-key` is required (it must equal
/// setRequiredApiKey() when that is set: 401 authentication_error otherwise), `anthropic-version`
/// too (400 invalid_request_error). The content is an optional thinking block (request `thinking`
/// of type "enabled" or "adaptive"; streamed as two thinking_delta and one signature_delta), a
/// text block of replyText() (one text_delta per reply piece) and, when the request has `tools`
/// and `tool_choice` is not "none", a tool_use block (id `toolu_mock<id>`, the name of the first
/// tool or of tool_choice "tool", input toolArguments(); streamed as an empty input_json_delta,
/// as Anthropic sends it, then one per toolArgumentPieces() piece) with stop_reason "tool_use".
/// Scenarios there: `error-<status>` (Anthropic error JSON, `retry-after` on 429),
/// `error-text-<status>`, `slow-first-byte`, `hang`, `drop-mid-stream` (closes after
/// kAnthropicDropAfterEvents events: message_start, content_block_start, ping, one delta) and
/// `error-event-mid-stream` (message_start, content_block_start, ping, the first delta — a
/// text_delta unless thinking is on — then `event: error` with overloaded_error; the chunked body
/// ends and the connection closes). Error bodies are
/// `{"type":"error","error":{"type":…,"message":…},"request_id":"req_mock<id>"}`, types by status
/// as Anthropic documents them (400 invalid_request_error, 401 authentication_error, 403
/// permission_error, 404 not_found_error, 413 request_too_large, 429 rate_limit_error, 500
/// api_error, 529 overloaded_error). count_tokens answers `{"input_tokens":13}`. Anthropic
/// answers carry `request-id: req_mock<id>` instead of OpenAI's headers.
///
/// It also speaks Google's Gemini API (tests/mocks/mockgemini.cpp; what a channel of type 24 whose
/// base URL is this mock's root calls): POST /v1beta/models/<model>:generateContent,
/// :streamGenerateContent?alt=sse and :batchEmbedContents. The key is `x-goog-api-key` or
/// `?key=` (missing: 403 PERMISSION_DENIED; not setRequiredApiKey() when that is set: 400
/// INVALID_ARGUMENT "API key not valid" with an API_KEY_INVALID ErrorInfo, as Google answers).
/// Bodies are JSON as Google writes it: complete answers indented by 2, stream events compact
/// with a space after every `:`, each `data: {GenerateContentResponse}\r\n\r\n` (one chunk per
/// event), fields in Google's order (candidates, usageMetadata, modelVersion, responseId
/// `mockResp<15-digit id>`). The candidate's parts: when
/// generationConfig.thinkingConfig.includeThoughts, the thought kGeminiThought (`"thought":
/// true`; streamed as the two geminiThoughtPieces() events); then replyText() (one event per
/// reply piece) or, when the request declares functions and functionCallingConfig.mode is not
/// NONE, one functionCall part (the first declaration or allowedFunctionNames[0], args
/// toolArguments(), thoughtSignature kGeminiThoughtSignature; streamed whole in one event). The
/// last event carries `finishReason: "STOP"` and the final usageMetadata (promptTokenCount
/// kGeminiPromptTokens, candidatesTokenCount kGeminiCandidatesTokens, thoughtsTokenCount
/// kGeminiThoughtsTokens, cachedContentTokenCount kGeminiCachedTokens, totalTokenCount, the
/// modality details); earlier events report the prompt count only. batchEmbedContents answers
/// `{"embeddings":[{"values":[…]}]}` with embedding(i, outputDimensionality) per request, each of
/// whose `model` must be "models/<path model>" (400 otherwise). Errors are Google's
/// `{"error":{"code","message","status"}}` (400 INVALID_ARGUMENT, 401 UNAUTHENTICATED, 403
/// PERMISSION_DENIED, 404 NOT_FOUND, 429 RESOURCE_EXHAUSTED, 500 INTERNAL, 503 UNAVAILABLE, 504
/// DEADLINE_EXCEEDED). Scenarios (the model in the path, or X-Mock-Scenario): `error-<status>`,
/// `error-text-<status>`, `slow-first-byte`, `hang`, `drop-mid-stream` (closes after
/// kGeminiDropAfterEvents events) and `error-event-mid-stream` (kGeminiDropAfterEvents events,
/// then `data: {"error":{…503 UNAVAILABLE}}` and the connection closes).
/// AWS Bedrock's runtime (tests/mocks/mockbedrock.cpp; what a channel of type 33 with base URL
/// `http://127.0.0.1:<port>` calls): POST /model/<modelId>/invoke and
/// /model/<modelId>/invoke-with-response-stream. The model id (percent-decoded) is the
/// scenario. Requests must carry a SigV4 signature by kBedrockAccessKeyId for service
/// "bedrock" (recomputed here from the request as received, with the path encoded twice, host
/// and x-amz-date signed, x-amz-date within 5 minutes) or `Authorization: Bearer` with the key
/// of setBedrockApiKey(); otherwise 403 with Bedrock's `{"message":…}` (the signature mismatch
/// message for a wrong secret) and `x-amzn-ErrorType`. The body must be an Anthropic Messages
/// request with anthropic_version "bedrock-2023-05-31", max_tokens and messages, and without
/// `model` and `stream` (400 ValidationException otherwise). Answers are the Anthropic
/// responder's (model = the model id, same usage); streams are
/// `application/vnd.amazon.eventstream` messages (headers :event-type chunk, :content-type
/// application/json, :message-type event; payload `{"bytes":"<base64 of the Anthropic event>",
/// "p":"<padding>"}`; message_stop also carries "amazon-bedrock-invocationMetrics"), one
/// chunked-encoding chunk per message. Scenarios: `error-<status>` (Bedrock's exception for
/// the status), `corrupt-crc` (the message after kBedrockFaultAfterEvents has a wrong message
/// CRC; the rest follows), `exception-mid-stream` (kBedrockFaultAfterEvents chunks, then a
/// `:message-type exception` message with `:exception-type throttlingException` and
/// kBedrockThrottlingMessage), and the common slow-first-byte, hang and drop-mid-stream.
///
/// GET and DELETE /v1/responses/<id> answer `{"id","object":"response",…}` for any id.
/// OpenAI's Responses API (tests/mocks/mockresponses.cpp): POST /v1/responses, on the OpenAI
/// and Azure paths alike. Not streamed: a `response` object (id `resp_mock<8-digit id>`, status
/// completed, the request's settings echoed) whose output is one message item (`msg_mock…`,
/// one output_text part of replyText()) or, when the request has a `function` tool and
/// `tool_choice` is not "none", one function_call item (`fc_mock…`, call_id `call_mock<id>`,
/// the first function tool's name, arguments toolArguments()); usage input kPromptTokens
/// (kCachedTokens cached), output kCompletionTokens (kReasoningTokens reasoning). Streamed:
/// `event: <type>\ndata: {json}\n\n` with increasing sequence_number: response.created,
/// response.in_progress, response.output_item.added, then for text content_part.added, one
/// output_text.delta per replyPieces() piece, output_text.done, content_part.done, or for a
/// tool call one function_call_arguments.delta per toolArgumentPieces() piece and
/// function_call_arguments.done; response.output_item.done and response.completed (full
/// response with usage). `drop-mid-stream` closes after kDropAfterEvents events.
///
/// OpenAI's other endpoints (tests/mocks/mockmodes.cpp), on the OpenAI and Azure paths alike,
/// with the same scenarios (a multipart request's scenario is its `model` field):
/// - POST /v1/images/generations (JSON) and /v1/images/edits (multipart: `image` or `image[]`
///   file parts, `prompt`, `model`, optional `n`, `response_format`): `{"created":…,"data":[…]}`
///   with n items (default 1), each `{"url":kImageUrlPrefix + "img-mock<id>-<index>.png"}` or,
///   for response_format "b64_json" and every gpt-image* model, `{"b64_json":kImageB64Json}`;
///   gpt-image* models add `"usage":{"total_tokens","input_tokens","output_tokens",
///   "input_tokens_details":{"text_tokens","image_tokens"}}` (see imageUsage()). Pretty JSON.
/// - POST /v1/audio/speech (JSON: model, input, voice, response_format mp3|opus|aac|flac|wav|pcm):
///   speechAudio() (kSpeechBytes) as `audio/mpeg` (audio/opus, audio/aac, audio/flac, audio/wav,
///   audio/pcm) in kSpeechChunks chunks of the chunked body, one "event" each (so the event
///   delay, setStreamEventLimit() and eventsWritten() apply); `drop-mid-stream` closes the
///   socket after kSpeechChunks / 2 chunks.
/// - POST /v1/audio/transcriptions and /v1/audio/translations (multipart: `file`, `model`,
///   optional response_format json|text|verbose_json|srt|vtt): json is `{"text":
///   kTranscriptionText, "usage":…}`: for gpt-4o* models `{"type":"tokens","input_tokens":
///   kTranscriptionInputTokens,"input_token_details":{"text_tokens":0,"audio_tokens":…},
///   "output_tokens":kTranscriptionOutputTokens,"total_tokens":…}`, for whisper transcriptions
///   `{"type":"duration","seconds":kTranscriptionSeconds}`, none for translations. text is the
///   text and a newline (text/plain); verbose_json (whisper only: gpt-4o* models get OpenAI's
///   400) adds task, language, duration and one segment.
/// - POST /v1/moderations (JSON: input string, string array or multimodal array; model default
///   omni-moderation-latest, echoed): `{"id":"modr-mock<id>","model":…,"results":[…]}`, one
///   result per string input (one for a multimodal array), each with flagged, the 13 categories,
///   category_scores and category_applied_input_types; flagged (violence) when the text contains
///   kModerationFlagWord (case-insensitive).
/// - POST /v1/rerank (JSON: model, query, documents as strings or {"text"}, top_n,
///   return_documents default false): SiliconFlow's format (Cohere v1's, compact JSON):
///   `{"id":"rerank-mock<id>","results":[{"index","relevance_score"[,"document":{"text"}]}],
///   "meta":{"billed_units":{"input_tokens","output_tokens":0,"search_units":0,
///   "classifications":0},"tokens":{"input_tokens","output_tokens":0}}}`, results by descending
///   rerankScore() (ties: by index), at most top_n; input tokens
///   kRerankTokensPerDocument per document.
/// Missing required fields get OpenAI's 400 `missing_required_parameter` with its `param`.
///
/// Ollama's native API (tests/mocks/mockollama.cpp; what a channel of type 30 with base URL
/// "http://127.0.0.1:<port>" calls), no key needed (when setRequiredApiKey() is set,
/// `Authorization: Bearer <key>` is, as a proxy in front of Ollama would demand: 401
/// `{"error":"unauthorized"}`):
/// - POST /api/chat: streamed unless the body says `"stream": false`. Streamed as NDJSON
///   (`Content-Type: application/x-ndjson`, one object and "\n" per chunk of the chunked body):
///   `{"model","created_at","message":{"role":"assistant","content":<piece>},"done":false}` per
///   replyPieces() piece, then `{"model","created_at","message":{…"content":""},
///   "done_reason":"stop","done":true,"total_duration",…,"prompt_eval_count":kOllamaPromptTokens,
///   …,"eval_count":kOllamaOutputTokens,…}`. When the request's `think` is true or a level, the
///   message first carries `thinking` (ollamaThinkingPieces(), one line each). When it has
///   `tools`, one line carries the whole call instead of text: `"tool_calls":[{"id":
///   "call_mock<id>","function":{"index":0,"name":<first tool>,"arguments":<toolArguments() as an
///   object>}}]`. Not streamed: one object with the whole message, done_reason and counters
///   (`application/json; charset=utf-8`).
/// - POST /api/embed ({model, input: string or strings, dimensions}): `{"model","embeddings":
///   [[embedding(i)…]],"total_duration","load_duration","prompt_eval_count":
///   kOllamaEmbedTokensPerInput per input}`.
/// - Errors are `{"error":"…"}`; scenarios `error-<status>` (404: `model "<m>" not found, try
///   pulling it first`), `error-text-<status>`, `slow-first-byte`, `hang`, `drop-mid-stream`
///   (kDropAfterEvents lines, then the socket closes) and `error-event-mid-stream` (two lines,
///   then `{"error":kOllamaStreamError}` ends the body).
///
/// Cohere's v2 API (tests/mocks/mockcohere.cpp; a channel of type 35 with base URL
/// "http://127.0.0.1:<port>"), `Authorization: Bearer <key>` required (equal to
/// setRequiredApiKey() when that is set): 401 `{"id":…,"message":"invalid api token"}` (no key:
/// "no api key supplied"). Compact JSON; ids are UUIDs ending in the request number.
/// - POST /v2/chat: `{"id","message":{"role":"assistant","content":[{"type":"text","text":
///   replyText()}]},"finish_reason":"COMPLETE","usage":{"billed_units":{"input_tokens":
///   kCohereBilledInputTokens,"output_tokens":kCohereOutputTokens},"tokens":{"input_tokens":
///   kCohereInputTokens,"output_tokens":kCohereOutputTokens}}}`; with `thinking` {"type":
///   "enabled"} a `thinking` content part (kCohereThinking) comes first; with `tools` (and
///   tool_choice not "NONE") the message is `{"role","tool_plan":kCohereToolPlan,"tool_calls":
///   [{"id":"get_weather_mock<id>","type":"function","function":{"name":<first tool>,
///   "arguments":toolArguments()}}]}` and finish_reason TOOL_CALL. Streamed (`"stream": true`,
///   text/event-stream): `event: <type>\ndata: {…"type":"<type>"…}\n\n` per chunk:
///   message-start (id, empty message), then either content-start/content-delta per piece/
///   content-end (a thinking block at index 0 first when thinking is on, two deltas), or
///   tool-plan-delta per cohereToolPlanPieces() piece, tool-call-start (index 0, id, name, empty
///   arguments), tool-call-delta per toolArgumentPieces() piece and tool-call-end; last
///   message-end with delta.finish_reason and delta.usage.
/// - POST /v2/embed ({model, texts, input_type (required), embedding_types, output_dimension}):
///   `{"id","embeddings":{"float":[…]},"texts":[…],"meta":{"api_version":{"version":"2"},
///   "billed_units":{"input_tokens":kCohereEmbedTokensPerText per text}},"response_type":
///   "embeddings_by_type"}`.
/// - POST /v2/rerank ({model, query, documents: strings, top_n}): `{"id","results":[{"index",
///   "relevance_score"}],"meta":{"api_version":{"version":"2"},"billed_units":{"search_units":
///   kCohereSearchUnits}}}`, by descending rerankScore(), at most top_n (Cohere v2 returns no
///   documents and no token counts).
/// - Scenarios `error-<status>` (Cohere's error JSON), `error-text-<status>`, `slow-first-byte`,
///   `hang`, `drop-mid-stream` and `error-event-mid-stream` (message-start and two events, then
///   message-end with finish_reason ERROR and delta.error kCohereStreamError).
/// Doc2x's v2 PDF API (tests/mocks/mockdoc2x.cpp; base URL without /v1), compact JSON as Doc2x
/// sends it. `Authorization: Bearer <key>` is required (setRequiredApiKey() when set, else any
/// key): 401 `{"code":"unauthorized","msg":…}` otherwise. POST /api/v2/parse/pdf takes the raw
/// PDF (not starting with `%PDF-`: HTTP 200 `{"code":"parse_file_not_pdf","msg":…}`), counts
/// its `/Type /Page` objects (at least one page) and answers
/// `{"code":"success","data":{"uid":"0192d745-5776-7261-abbd-<12 hex digits>"}}`. The scenario
/// is X-Mock-Scenario or a `%mock-scenario:<name>` comment line of the PDF: `error-<status>`
/// (the upload answers that status with `{"code","msg"}`), `hang`, `failed`, `stuck` and
/// `status-error-<status>` (every status poll answers that status). GET
/// /api/v2/parse/status?uid=… answers kDoc2xProcessingPolls times
/// `{"code":"success","data":{"status":"processing","progress":N}}` (always for `stuck`), then
/// `{"code":"success","data":{"status":"success","progress":100,"result":{"pages":[{"url",
/// "page_idx","page_width","page_height","md":doc2xPageMarkdown(i),"score"},…]}}}` or, for
/// `failed`, `{…"status":"failed","progress":N,"detail":kDoc2xFailureDetail}`; an unknown uid
/// gets `{"code":"parse_status_not_found","msg":…}`.
/// Providers' account balance APIs (tests/mocks/mockbalance.cpp), GET with `Authorization:
/// Bearer <key>` (setRequiredApiKey() when set, else any key not starting with `sk-invalid`;
/// OpenAI's 401 otherwise), each
/// answering its provider's documented JSON shape: DeepSeek GET /user/balance (a USD entry,
/// then CNY total_balance "110.00": kDeepSeekBalance), SiliconFlow GET /v1/user/info
/// (data.balance "0.88", chargeBalance "88.00", totalBalance "88.88": kSiliconFlowBalance),
/// Moonshot GET /v1/users/me/balance (data.available_balance kMoonshotBalance), OpenRouter GET
/// /v1/credits (data.total_credits 100.5, total_usage 25.75: kOpenRouterBalance), StepFun GET
/// /v1/accounts (balance kStepFunBalance) and Novita GET /openapi/v1/billing/balance/detail
/// (availableBalance "1000000" in 1/10000 USD: kNovitaBalance).
///
/// Its own statistics, for scripts driving the standalone server (tests/bench/soak-routing.sh):
/// GET /mock/stats answers `{"requests":N,"by_authorization":{"Bearer sk-…":n,…}}` over the
/// recorded requests (since start or clearRecords()) other than /mock/ ones, counted by their
/// exact Authorization header (requests without one are in N only); with `?requests=1` it adds
/// `"log":[{"id","received_at_ms","authorization","status"},…]` in arrival order (status 0
/// while nothing was answered).
///
/// Runs on its own thread, so tests may block their own thread. Every request is recorded with
/// what was answered; the observers are thread-safe, the signals come from the mock's thread.
class MockUpstream : public QObject
{
    Q_OBJECT
public:
    /// One part of a multipart/form-data body.
    struct FormPart
    {
        QByteArray name;        ///< Content-Disposition name.
        QByteArray filename;    ///< Content-Disposition filename (file parts).
        bool isFile = false;    ///< The part had a filename parameter (even an empty one).
        QByteArray contentType; ///< The part's Content-Type header, if any.
        QByteArray data;        ///< The part's bytes, exactly.
    };

    struct Request
    {
        int id = 0;              ///< 1-based, in arrival order.
        qint64 receivedAtMs = 0; ///< Wall clock (ms since the epoch) when it was dispatched.
        QByteArray method;
        QByteArray path;
        QList<QPair<QByteArray, QByteArray>> headers;
        QByteArray body;

        /// First header named \a name (case-insensitive), or an empty array.
        QByteArray header(QByteArrayView name) const;
        QJsonObject json() const;
        /// The parts of a multipart/form-data body (boundary from Content-Type, RFC 2046
        /// delimiters: CRLF "--" boundary, then "--" or optional whitespace and CRLF), in order;
        /// empty when the body is not multipart.
        QList<FormPart> formParts() const;
        /// Part names in order (repeated names repeated).
        QList<QByteArray> formFieldNames() const;
        /// name → value for non-file parts, name → filename for file parts (first part of a
        /// name wins).
        QMap<QByteArray, QByteArray> formFields() const;
        /// name → byte size of file parts (first part of a name wins).
        QMap<QByteArray, qsizetype> formFileSizes() const;
        /// The `model` of a JSON body, else the `model` field of a multipart body; for Gemini
        /// paths the model named in the path.
        QString model() const;
    };

    /// Usage reported for every chat completion and completion.
    static constexpr int kPromptTokens = 19;
    static constexpr int kCompletionTokens = 10;
    static constexpr int kCachedTokens = 6;
    static constexpr int kReasoningTokens = 2;
    /// Embedding usage: prompt tokens per input.
    static constexpr int kEmbeddingTokensPerInput = 5;
    static constexpr int kDefaultEmbeddingDimensions = 8;
    /// Events of a drop-mid-stream answer before the socket is closed.
    static constexpr int kDropAfterEvents = 2;

    /// Anthropic Messages usage of every answer. Non-streamed: all four in `usage`. Streamed:
    /// message_start carries the input and cache counts with kAnthropicStartOutputTokens output
    /// tokens, message_delta only `{"output_tokens":kAnthropicOutputTokens}`.
    static constexpr int kAnthropicInputTokens = 13;
    static constexpr int kAnthropicCacheCreationTokens = 2; ///< cache_creation_input_tokens
    static constexpr int kAnthropicCacheReadTokens = 6;     ///< cache_read_input_tokens
    static constexpr int kAnthropicOutputTokens = 10;
    static constexpr int kAnthropicStartOutputTokens = 1;
    /// `retry-after` of an Anthropic error-429 answer, in seconds.
    static constexpr int kAnthropicRetryAfterSeconds = 20;
    /// Events of an Anthropic drop-mid-stream answer before the socket is closed: message_start,
    /// content_block_start, ping and the first delta.
    static constexpr int kAnthropicDropAfterEvents = 4;
    /// Events of an error-event-mid-stream answer, the `event: error` included.
    static constexpr int kAnthropicErrorEventStreamEvents = 5;
    /// The thinking block's text (see anthropicThinkingPieces()) and signature.
    static constexpr char kAnthropicThinking[] =
        "The user says hi. A short, friendly greeting is the right answer.";
    static constexpr char kAnthropicSignature[] =
        "EqQBCkYIBxgCKkBtb2NrLXRoaW5raW5nLXNpZ25hdHVyZS1mb3ItYWktcHJveHktdGVzdHM=";

    /// Gemini usage of every generateContent answer (see the class comment).
    static constexpr int kGeminiPromptTokens = 21; ///< Cached tokens included, as Google counts.
    static constexpr int kGeminiCandidatesTokens = 12;
    static constexpr int kGeminiThoughtsTokens = 7;
    static constexpr int kGeminiCachedTokens = 8;
    /// Events of a Gemini drop-mid-stream answer before the socket is closed.
    static constexpr int kGeminiDropAfterEvents = 2;
    /// The thought part's text (see geminiThoughtPieces()) and the functionCall's signature.
    static constexpr char kGeminiThought[] =
        "The user greets me. I should greet back and introduce myself.";
    static constexpr char kGeminiThoughtSignature[] =
        "CiQBVKhc7mockc2lnbmF0dXJlLWZvci1haS1wcm94eS10ZXN0cw==";
    /// AWS Bedrock: the only access key the mock accepts, and the secret it verifies SigV4
    /// signatures with.
    static constexpr char kBedrockAccessKeyId[] = "AKIAMOCKBEDROCK00001";
    static constexpr char kBedrockSecretAccessKey[] = "mockBedrock/Secret+AccessKey0000EXAMPLE0";
    /// Bedrock streams: chunk frames sent intact before the fault of corrupt-crc (the next
    /// frame's message CRC is wrong) and exception-mid-stream (a throttlingException follows):
    /// message_start, content_block_start, ping and two text deltas.
    static constexpr int kBedrockFaultAfterEvents = 5;
    static constexpr char kBedrockThrottlingMessage[] =
        "Too many tokens, please wait before trying again.";

    /// Images: the b64_json of every image (a 1×1 transparent PNG) and the start of every url.
    static constexpr char kImageB64Json[] = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQV"
                                            "R42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";
    static constexpr char kImageUrlPrefix[] = "https://mock-upstream.invalid/images/";
    /// gpt-image* usage: input text tokens, tokens per input image of an edit, output tokens
    /// per generated image.
    static constexpr int kImageTextTokens = 10;
    static constexpr int kImageInputImageTokens = 40;
    static constexpr int kImageOutputTokensPerImage = 1056;
    /// The compact usage JSON of a gpt-image* answer with \a images outputs and \a inputImages
    /// input images (0 for generations).
    static QByteArray imageUsage(int images, int inputImages);
    /// Speech: total bytes and chunks of every answer (kSpeechBytes / kSpeechChunks each).
    static constexpr int kSpeechBytes = 64 * 1024;
    static constexpr int kSpeechChunks = 8;
    /// The speech bytes: byte i is (i * 253 + i / 256) & 0xff: every value, "\r\n" too.
    static QByteArray speechAudio();
    /// Transcriptions and translations.
    static constexpr char kTranscriptionText[] = "The quick brown fox jumped over the lazy dog.";
    static constexpr int kTranscriptionInputTokens = 14; ///< All audio tokens.
    static constexpr int kTranscriptionOutputTokens = 11;
    static constexpr int kTranscriptionSeconds = 3; ///< whisper usage and verbose_json duration.
    /// Moderations flag inputs containing this word.
    static constexpr char kModerationFlagWord[] = "kill";
    /// Rerank: input tokens per document, and each document's relevance to the query:
    /// (distinct query words found as words of the document + 1) / (distinct query words + 2),
    /// words being lowercase runs of letters and digits.
    static constexpr int kRerankTokensPerDocument = 7;
    static double rerankScore(const QString &query, const QString &document);
    /// The balances the balance APIs report (see the class comment).
    static constexpr double kDeepSeekBalance = 110.0;
    static constexpr double kSiliconFlowBalance = 88.88;
    static constexpr double kMoonshotBalance = 49.58894;
    static constexpr double kOpenRouterBalance = 74.75;
    static constexpr double kStepFunBalance = 26.0;
    static constexpr double kNovitaBalance = 100.0;
    /// Doc2x: status polls answered "processing" before a parse ends, the detail of a failed
    /// parse, and the picture on page 0 of every parse.
    static constexpr int kDoc2xProcessingPolls = 1;
    static constexpr char kDoc2xFailureDetail[] = "parse error: the PDF could not be read";
    static constexpr char kDoc2xImageUrl[] =
        "https://cdn.noedgeai.com/mock/0192d745-figure.jpg?x=120&y=340&w=800&h=420";
    /// Doc2x's Markdown of page \a index: page 0 has a heading, a picture (an `<img>` between
    /// `<!-- Media -->` markers), an HTML table with a rowspan and a colspan and a footnote
    /// between `<!-- Footnote -->` markers; the other pages a heading and a line of text.
    static QString doc2xPageMarkdown(int index);

    /// Ollama: the counters of every chat answer, embedding prompt tokens per input, the
    /// thinking text (see ollamaThinkingPieces()) and the error line of error-event-mid-stream.
    static constexpr int kOllamaPromptTokens = 26;
    static constexpr int kOllamaOutputTokens = 12;
    static constexpr int kOllamaEmbedTokensPerInput = 4;
    static constexpr char kOllamaThinking[] = "The user greets me. I greet back.";
    static constexpr char kOllamaStreamError[] =
        "an error was encountered while running the model: unexpected EOF";
    static QStringList ollamaThinkingPieces();
    /// Cohere: usage of every chat answer (tokens and billed units), embedding input tokens per
    /// text, rerank search units, the tool plan and thinking texts (streamed in two pieces
    /// each) and the error of error-event-mid-stream.
    static constexpr int kCohereInputTokens = 17;
    static constexpr int kCohereBilledInputTokens = 11;
    static constexpr int kCohereOutputTokens = 9;
    static constexpr int kCohereEmbedTokensPerText = 3;
    static constexpr int kCohereSearchUnits = 1;
    static constexpr char kCohereToolPlan[] = "I will look up the weather in Paris.";
    static constexpr char kCohereThinking[] = "A greeting. Answer kindly.";
    static constexpr char kCohereStreamError[] = "internal server error, please try again";
    static QStringList cohereToolPlanPieces();
    static QStringList cohereThinkingPieces();

    explicit MockUpstream(QObject *parent = nullptr);
    ~MockUpstream() override;

    /// Starts the mock's thread and listens; \a port 0 picks a free port.
    bool start(const QHostAddress &address = QHostAddress::LocalHost, quint16 port = 0);
    /// Closes every connection and stops the thread. Called by the destructor.
    void stop();
    quint16 port() const { return m_port; }
    /// "http://127.0.0.1:<port>/v1": what a channel's base_url would be.
    QString baseUrl() const;

    /// The text of a chat/completion answer, streamed one piece per event.
    static QStringList replyPieces();
    static QString replyText() { return replyPieces().join(QString()); }
    /// The reply of model "think-model": `<think>Let me think.</think>\n\nHello there.`,
    /// streamed with the tags split across events.
    static QStringList thinkingReplyPieces();
    /// The arguments of the streamed tool call, in the pieces they are streamed in.
    static QStringList toolArgumentPieces();
    static QString toolArguments() { return toolArgumentPieces().join(QString()); }
    /// kAnthropicThinking in the two thinking_delta pieces it is streamed in.
    static QStringList anthropicThinkingPieces();
    /// kGeminiThought in the two streamed thought pieces.
    static QStringList geminiThoughtPieces();
    /// The embedding of input \a inputIndex: multiples of 1/32, exact in float32 and JSON.
    static QList<float> embedding(int inputIndex, int dimensions = kDefaultEmbeddingDimensions);

    /// Waits this long between two stream events (0: write them back to back).
    void setEventDelayMs(int ms) { m_eventDelayMs.store(ms); }
    /// How long slow-first-byte waits before the status line (default 500 ms).
    void setFirstByteDelayMs(int ms) { m_firstByteDelayMs.store(ms); }
    int firstByteDelayMs() const { return m_firstByteDelayMs.load(); }
    /// Streams hold before their event number \a events (0-based count of written events) until
    /// the limit is raised; -1 (default) is unlimited. With 1, every stream sends its headers
    /// and first event, then waits: this makes "event 2 was not sent yet" a fact, not a timing.
    void setStreamEventLimit(int events);
    /// When set, requests without `Authorization: Bearer <key>` get OpenAI's 401 (Anthropic
    /// requests: without `x-api-key: <key>`, Anthropic's 401; Gemini requests: without
    /// `x-goog-api-key: <key>`, Google's 400 API_KEY_INVALID).
    void setRequiredApiKey(const QByteArray &key);
    /// The Bedrock API key accepted as `Authorization: Bearer <key>`; empty (the default):
    /// bearer tokens are refused and only SigV4 signatures are accepted.
    void setBedrockApiKey(const QByteArray &key);

    /// Baidu IAM (mockbaiduiam_p.h): the only AK/SK pair it accepts, and the bearer token it
    /// hands out for them.
    static constexpr char kBaiduAccessKeyId[] = "ALTAKmockBaidu0001";
    static constexpr char kBaiduSecretAccessKey[] = "mockBaiduSecretAccessKey00000001";
    static QByteArray baiduBearerToken();

    /// Vertex AI (mockvertex_p.h): the public key that verifies service-account JWT assertions
    /// at /token, and an API key accepted as `x-goog-api-key`.
    void setVertexCredentials(const QByteArray &publicKeyPem, const QByteArray &apiKey);
    /// Token grants requested at /token so far.
    int vertexTokenRequests() const;
    /// Makes /token answer \a ms late (0: at once).
    void setVertexTokenDelayMs(int ms);

    QList<Request> requests() const;
    int requestCount() const;
    /// The request with \a id (1-based); a default Request if there is none.
    Request request(int id) const;
    Request lastRequest() const;
    /// Events (SSE `data:` blocks, [DONE] included) written for request \a id so far.
    int eventsWritten(int id) const;
    /// The status the mock answered request \a id with (0 while nothing was sent).
    int responseStatus(int id) const;
    /// Body bytes written for request \a id, without the chunked framing.
    QByteArray responseBody(int id) const;
    /// True once the whole response of \a id was written.
    bool isResponseComplete(int id) const;
    /// True when the client closed the connection before the response of \a id was complete.
    bool isPeerClosed(int id) const;
    /// Requests received whose response is neither complete nor abandoned.
    int activeRequests() const;
    /// Highest activeRequests() seen since start or the last clearRecords().
    int maxActiveRequests() const;
    /// TCP connections currently open.
    int openConnections() const;
    /// Forgets recorded requests and resets maxActiveRequests() (ids keep counting).
    void clearRecords();

Q_SIGNALS:
    void requestReceived(int id);
    void eventWritten(int id, int eventIndex);
    void responseCompleted(int id);
    void peerClosed(int id);

private:
    struct Connection;
    struct Exchange;
    struct Record
    {
        Request request;
        int status = 0;
        int eventsWritten = 0;
        QByteArray body;
        bool complete = false;
        bool peerClosed = false;
        bool dropped = false;
    };

    void onNewConnection();
    void onReadyRead(Connection *connection);
    void onDisconnected(Connection *connection);
    bool takeRequest(Connection *connection, Request *request);
    void dispatch(Connection *connection, Request request);
    void respond(const std::shared_ptr<Exchange> &exchange);
    void respondChat(const std::shared_ptr<Exchange> &exchange, const QJsonObject &body);
    void respondCompletion(const std::shared_ptr<Exchange> &exchange, const QJsonObject &body);
    void respondAnthropic(const std::shared_ptr<Exchange> &exchange, const QByteArray &path,
                          const QByteArray &requiredKey);
    void respondGemini(const std::shared_ptr<Exchange> &exchange, const QByteArray &path,
                       const QByteArray &requiredKey);
    void respondModes(const std::shared_ptr<Exchange> &exchange, const QByteArray &path);
    void respondVertex(const std::shared_ptr<Exchange> &exchange, const QByteArray &path);
    void respondBedrock(const std::shared_ptr<Exchange> &exchange, const QByteArray &path);
    /// Ollama's and Cohere's APIs: answers with their own headers only.
    void respondNative(const std::shared_ptr<Exchange> &exchange, MockWire::Reply reply);
    void respondDoc2x(const std::shared_ptr<Exchange> &exchange, const QByteArray &path,
                      const QByteArray &requiredKey);
    void sendReply(const std::shared_ptr<Exchange> &exchange, MockWire::Reply &reply);
    void respondEmbeddings(const std::shared_ptr<Exchange> &exchange, const QJsonObject &body);
    void respondError(const std::shared_ptr<Exchange> &exchange, int status,
                      const QByteArray &message, const QByteArray &type, const QByteArray &code);
    void sendComplete(const std::shared_ptr<Exchange> &exchange, int status,
                      const QByteArray &contentType, const QByteArray &body);
    void beginStream(const std::shared_ptr<Exchange> &exchange, QList<QByteArray> events,
                     const QByteArray &contentType = "text/event-stream; charset=utf-8");
    void pump(const std::shared_ptr<Exchange> &exchange);
    void finishExchange(const std::shared_ptr<Exchange> &exchange);
    void releaseHeld();
    /// The body of GET /mock/stats (see the class comment).
    QByteArray statsJson(bool withLog) const;
    QByteArray head(const std::shared_ptr<Exchange> &exchange, int status,
                    const QByteArray &contentType, qint64 contentLength) const;

    Record recordOf(int id) const;
    template<typename F> void updateRecord(int id, F change);

    QThread m_thread;
    QObject *m_context = nullptr; ///< Lives on m_thread; parent of the server and sockets.
    QTcpServer *m_server = nullptr;
    quint16 m_port = 0;
    QHash<QTcpSocket *, Connection *> m_connections; ///< Mock thread only.
    QList<std::shared_ptr<Exchange>> m_held;         ///< Mock thread only.

    std::atomic<int> m_eventDelayMs{0};
    std::atomic<int> m_firstByteDelayMs{500};
    std::atomic<int> m_streamEventLimit{-1};

    mutable QMutex m_mutex; ///< Guards everything below.
    QByteArray m_requiredApiKey;
    std::unique_ptr<MockWire::VertexAuth> m_vertex;
    QByteArray m_bedrockApiKey;
    std::unique_ptr<MockWire::Doc2xTasks> m_doc2x;
    QHash<int, Record> m_records;
    QList<int> m_order;
    int m_statsRequests = 0;                  ///< Recorded requests other than /mock/ ones.
    QHash<QByteArray, int> m_byAuthorization; ///< Their counts by Authorization header.
    int m_nextId = 1;
    int m_active = 0;
    int m_maxActive = 0;
    int m_openConnections = 0;
};
