#pragma once

#include "model/channel.h"
#include "model/logrecord.h"

#include <QByteArray>
#include <QHostAddress>
#include <QString>

#include <functional>
#include <memory>

class ClientProtocol;
class ProviderAdaptor;
class StreamDecoder;
struct RelayState;

/// Relay modes, with aiproxy's ids.
enum class RelayMode
{
    Unknown = 0,
    ChatCompletions = 1,
    Completions = 2,
    Embeddings = 3,
    Moderations = 4,
    ImagesGenerations = 5,
    ImagesEdits = 6,
    AudioSpeech = 7,
    AudioTranscription = 8,
    AudioTranslation = 9,
    Rerank = 10,
    ParsePdf = 11,
    Anthropic = 12,
    Responses = 16,
    Gemini = 21,
};

/// Everything a relay session needs to know about the request it serves.
struct RelayContext
{
    QByteArray requestId;
    qint64 requestAtMs = 0;
    RelayMode mode = RelayMode::Unknown;
    QString endpoint;
    QString groupId;
    qint64 tokenId = 0;
    QString tokenName;
    QString model;   ///< As the client named it (canonical spelling).
    Channel channel; ///< Copy: the snapshot may be replaced during the request.
    bool stream = false;
    bool clientWantsUsage = false; ///< stream_options.include_usage as the client sent it.
    qint64 estimatedPromptTokens = 0;
    QString clientIp;
    QString user;
    QJsonObject metadata;
    /// How answers and errors reach the client (never null once the session starts).
    std::shared_ptr<ClientProtocol> protocol;
    /// The channel's adaptor (never null once the session starts; shared, stateless).
    const ProviderAdaptor *adaptor = nullptr;
    /// Client and upstream speak the same protocol: upstream bytes go to the client unchanged
    /// and are decoded only for accounting.
    bool rawForward = true;
    /// Move `<think>…</think>` at the start of the answer into reasoning_content (per model:
    /// model config `plugin.think-split.enable`).
    bool thinkSplit = false;
    /// Accounting for answers forwarded unchanged (rawForward), in the client's protocol: a
    /// stream decoder and a converter of a whole answer to OpenAI's shape (for its usage). Used
    /// instead of the adaptor's when set; may be empty.
    std::function<std::unique_ptr<StreamDecoder>()> passthroughDecoder;
    std::function<QJsonObject(const QJsonObject &answer, const QString &model)> passthroughAnswer;
    /// Where stored Responses objects are pinned to their channel and the outcome of the
    /// upstream call is recorded (null: nowhere).
    RelayState *state = nullptr;
    /// Offered a failed attempt before anything reached the client: the channel's HTTP \a status
    /// (502/504 for transport failures and timeouts), the Retry-After it asked for (ms, -1
    /// none). True when the relay tries again (the session then answers nothing and logs a retry
    /// row). Empty: no retries.
    std::function<bool(int status, qint64 retryAfterMs)> retry;
    /// Attempts before this one (the log row's retry_times).
    int retryTimes = 0;
    /// When this attempt started (Unix ms; a retry row's latency is this attempt's own).
    qint64 attemptAtMs = 0;
    /// Until the answer (not streamed) or its first byte (streams); 0: no limit.
    qint64 firstByteTimeoutMs = 0;
    /// Streams: the longest gap between chunks; 0: no limit.
    qint64 idleTimeoutMs = 0;
    /// Calls on stored objects (GET/DELETE) are neither logged nor billed, as aiproxy's.
    bool skipLog = false;
    /// An embeddings request asked for `encoding_format: "base64"`: converted answers (float
    /// arrays from a non-OpenAI adaptor) are encoded for it.
    bool embeddingsBase64 = false;

    /// This request's log row, finished now with \a status and \a errorText (usage unset).
    LogRecord logRecord(int status, const QString &errorText) const;
};
