#include "relaysession.h"

#include "gateway/storedobjects.h"
#include "http/httpexchange.h"
#include "jsonscan.h"
#include "openaierror.h"
#include "openaiprotocol.h"
#include "protocol/conversionutil.h"
#include "protocol/thinksplitter.h"
#include "providers/provideradaptor.h"
#include "relaystate.h"
#include "routing/retrypolicy.h"
#include "storage/logwriter.h"
#include "upstream/upstreamcall.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTimerEvent>

#include <atomic>
#include <climits>

namespace {

constexpr qint64 kMaxBufferedBody = 64ll * 1024 * 1024;
constexpr qint64 kPauseAbove = 1024 * 1024;
std::atomic<int> g_live{0};

qint64 textLength(const QJsonValue &value)
{
    return value.isString() ? value.toString().size() : 0;
}

} // namespace

RelaySession::RelaySession(RelayContext context, HttpExchange *exchange, UpstreamCall *call,
                           LogWriter *logs, QObject *parent)
    : QObject(parent)
    , m_context(std::move(context))
    , m_exchange(exchange)
    , m_call(call)
    , m_logs(logs)
    , m_startedAtMs(QDateTime::currentMSecsSinceEpoch())
{
    if (!m_context.protocol)
        m_context.protocol = std::make_shared<OpenAIProtocol>(m_context.clientWantsUsage);
    m_protocol = m_context.protocol.get();
    if (m_context.stream && m_context.rawForward && m_context.passthroughDecoder)
        m_decoder = m_context.passthroughDecoder(); // The bytes are in the client's protocol.
    else if (m_context.stream && m_context.adaptor)
        m_decoder = m_context.adaptor->newStreamDecoder(m_context.model);
    m_framer = m_context.adaptor ? m_context.adaptor->newStreamFramer() : nullptr;
    if (!m_framer)
        m_framer = std::make_unique<SseFramer>();
    if (m_context.stream && m_context.thinkSplit)
        m_thinkSplit = std::make_unique<ThinkSplitChunks>();
    g_live.fetch_add(1);
    call->setParent(this);
    connect(call, &UpstreamCall::headersReceived, this, &RelaySession::onHeaders);
    connect(call, &UpstreamCall::dataReceived, this, &RelaySession::onData);
    connect(call, &UpstreamCall::finished, this, &RelaySession::onFinished);
    connect(exchange, &HttpExchange::clientGone, this, &RelaySession::onClientGone);
    connect(exchange, &HttpExchange::drained, this, [this] {
        if (!m_paused)
            return;
        m_paused = false;
        if (m_call)
            m_call->resume();
        m_lastActivityMs = QDateTime::currentMSecsSinceEpoch();
        if (m_gotData && m_context.idleTimeoutMs > 0 && !m_done)
            armDeadline(int(m_context.idleTimeoutMs));
    });
    if (exchange->isClientGone()) // Gone while the attempt was prepared: end it at once.
        QMetaObject::invokeMethod(this, &RelaySession::onClientGone, Qt::QueuedConnection);
    if (m_context.firstByteTimeoutMs > 0)
        armDeadline(m_context.firstByteTimeoutMs);
}

void RelaySession::onTimeout()
{
    if (m_done || !m_call)
        return;
    if (m_gotData) {
        // The idle clock is re-armed lazily: chunks only note the time they came.
        const qint64 idleFor = QDateTime::currentMSecsSinceEpoch() - m_lastActivityMs;
        if (idleFor < m_context.idleTimeoutMs) {
            armDeadline(int(m_context.idleTimeoutMs - idleFor));
            return;
        }
    }
    const QString error = m_gotData ? QStringLiteral("timed out: the stream was idle for %1 s")
                                          .arg(double(m_context.idleTimeoutMs) / 1000)
                                    : QStringLiteral("timed out: no answer within %1 s")
                                          .arg(double(m_context.firstByteTimeoutMs) / 1000);
    m_call->abort();
    onFinished(28, error); // CURLE_OPERATION_TIMEDOUT.
}

void RelaySession::armDeadline(qint64 ms)
{
    disarmDeadline();
    m_deadlineTimer = startTimer(int(qBound(qint64(1), ms, qint64(INT_MAX))));
}

void RelaySession::disarmDeadline()
{
    if (m_deadlineTimer != 0)
        killTimer(m_deadlineTimer);
    m_deadlineTimer = 0;
}

void RelaySession::timerEvent(QTimerEvent *event)
{
    if (event->timerId() != m_deadlineTimer)
        return QObject::timerEvent(event);
    disarmDeadline(); // One shot.
    onTimeout();
}

void RelaySession::pauseUpstream()
{
    m_call->pause();
    m_paused = true;
    disarmDeadline(); // A slow client is not an idle upstream.
}

RelaySession::~RelaySession()
{
    g_live.fetch_sub(1);
}

int RelaySession::liveCount()
{
    return g_live.load();
}

void RelaySession::onHeaders(int status)
{
    m_upstreamStatus = status;
    m_upstreamId = QString::fromUtf8(m_call->responseHeader("x-request-id"));
    const QByteArray contentType = m_call->responseHeader("content-type");
    if (status >= 200 && status < 300 && m_context.mode == RelayMode::AudioSpeech) {
        // Audio goes to the client as it arrives, byte for byte.
        m_binaryStream = true;
        if (m_exchange)
            m_exchange->beginStream(status, contentType.isEmpty()
                                                ? QByteArray("application/octet-stream")
                                                : contentType);
        return;
    }
    // The client's stream starts with the first event (see writeStream): until then a failed
    // attempt can still be retried.
    if (status >= 200 && status < 300 && m_context.stream && m_framer->accepts(contentType))
        m_streaming = true;
}

void RelaySession::writeStream(const QByteArray &data)
{
    if (!m_exchange || data.isEmpty())
        return;
    if (!m_streamStarted) {
        m_streamStarted = true;
        // No retry from here on: let go of what a retry needed (the request body, kept for
        // replays), so a long stream holds no more than its own state.
        m_context.retry = nullptr;
        m_exchange->beginStream(200, "text/event-stream; charset=utf-8",
                                {{"Cache-Control", "no-cache"}, {"X-Accel-Buffering", "no"}});
    }
    m_exchange->writeChunk(data);
}

bool RelaySession::handOver(int status, const QString &message)
{
    if (!m_context.retry || m_streamStarted || m_binaryStream || !m_exchange)
        return false;
    const qint64 retryAfterMs =
        RetryPolicy::retryAfterMs(m_call ? m_call->responseHeader("retry-after") : QByteArray(),
                                  QDateTime::currentMSecsSinceEpoch());
    if (!m_context.retry(status, retryAfterMs))
        return false;
    m_retried = true;
    complete(status, message);
    return true;
}

void RelaySession::onData(const QByteArray &data)
{
    if (m_done)
        return;
    if (m_streaming || m_binaryStream) {
        m_lastActivityMs = QDateTime::currentMSecsSinceEpoch();
        if (!m_gotData) { // The first byte: from now on the idle limit applies.
            m_gotData = true;
            if (m_context.idleTimeoutMs > 0)
                armDeadline(int(m_context.idleTimeoutMs));
            else
                disarmDeadline();
        }
    }
    if (m_binaryStream) {
        if (m_exchange)
            m_exchange->writeChunk(data);
        if (m_exchange && m_exchange->pendingBytes() > kPauseAbove)
            pauseUpstream();
        return;
    }
    if (m_streaming) {
        forwardEvents(m_framer->feed(data));
        if (m_exchange && m_exchange->pendingBytes() > kPauseAbove)
            pauseUpstream();
        return;
    }
    if (m_body.size() + data.size() > kMaxBufferedBody) {
        m_call->abort();
        finishWithError(502, QStringLiteral("upstream response is too large"),
                        QStringLiteral("upstream_error"), QStringLiteral("response_too_large"));
        return;
    }
    m_body += data;
}

void RelaySession::rememberStoredObject(const QString &id)
{
    if (id.isEmpty() || m_objectRemembered || !m_context.state ||
        m_context.mode != RelayMode::Responses || !m_context.rawForward || m_context.skipLog)
        return;
    m_objectRemembered = true;
    constexpr qint64 kThirtyDaysMs = 30ll * 24 * 3600 * 1000; // OpenAI keeps responses 30 days.
    m_context.state->objects.remember(id, m_context.groupId, m_context.channel.id, kThirtyDaysMs);
}

bool RelaySession::inspectChunk(const QJsonObject &chunk)
{
    if (m_objectId.isEmpty()) {
        m_objectId = chunk.value(QStringLiteral("id")).toString();
        rememberStoredObject(m_objectId); // Before the client can see the id.
    }
    if (m_upstreamId.isEmpty())
        m_upstreamId = m_objectId;
    const QJsonValue errorValue = chunk.value(QStringLiteral("error"));
    if (errorValue.isObject())
        m_streamError = errorValue.toObject().value(QStringLiteral("message")).toString();
    const QJsonArray choices = chunk.value(QStringLiteral("choices")).toArray();
    for (const QJsonValue &choiceValue : choices) {
        const QJsonObject choice = choiceValue.toObject();
        const QJsonObject delta = choice.value(QStringLiteral("delta")).toObject();
        m_deliveredTextChars += textLength(delta.value(QStringLiteral("content"))) +
                                ConversionUtil::reasoningText(delta).size() +
                                textLength(choice.value(QStringLiteral("text")));
        const QJsonArray toolCalls = delta.value(QStringLiteral("tool_calls")).toArray();
        for (const QJsonValue &toolCall : toolCalls)
            m_deliveredTextChars += textLength(toolCall.toObject()
                                                   .value(QStringLiteral("function"))
                                                   .toObject()
                                                   .value(QStringLiteral("arguments")));
    }
    const QJsonValue usage = chunk.value(QStringLiteral("usage"));
    if (!usage.isObject())
        return false;
    // The terminal usage chunk is the authority for the whole request.
    m_usage = Usage::fromOpenAI(usage.toObject());
    m_usageFromUpstream = true;
    return choices.isEmpty();
}

void RelaySession::forwardEvents(const QList<SseParser::Event> &events)
{
    if (events.isEmpty())
        return;
    QByteArray out;
    for (const SseParser::Event &event : events) {
        // Keep-alive comments before the first event are not forwarded: they would start the
        // client's stream and rule out a retry.
        if (event.isCommentOnly && !m_streamStarted && out.isEmpty())
            continue;
        QList<QJsonObject> chunks;
        if (m_decoder) {
            chunks = m_decoder->onEvent(event);
        } else if (!event.data.isEmpty() && event.data != "[DONE]") {
            const QJsonObject chunk = QJsonDocument::fromJson(event.data).object();
            if (!chunk.isEmpty())
                chunks.append(chunk);
        }
        if (m_thinkSplit) {
            for (QJsonObject &chunk : chunks)
                chunk = m_thinkSplit->applyToChunk(std::move(chunk));
        }
        bool usageOnly = false;
        for (const QJsonObject &chunk : std::as_const(chunks))
            usageOnly = inspectChunk(chunk) || usageOnly;
        if (m_context.rawForward) {
            // The gateway asked an OpenAI upstream for the usage chunk; the client may not have.
            const bool dropUsage = usageOnly && !m_decoder && !m_context.clientWantsUsage;
            if (!dropUsage)
                out += event.raw;
        } else {
            for (const QJsonObject &chunk : std::as_const(chunks))
                out += m_protocol->convertChunk(chunk);
        }
    }
    writeStream(out);
}

QByteArray RelaySession::splitThinking(const QByteArray &openaiBody) const
{
    if (!m_context.thinkSplit)
        return openaiBody;
    return QJsonDocument(
               ThinkSplitChunks::applyToResponse(QJsonDocument::fromJson(openaiBody).object()))
        .toJson(QJsonDocument::Compact);
}

void RelaySession::finishDecoder()
{
    QList<QJsonObject> chunks;
    if (m_decoder)
        chunks = m_decoder->finish();
    if (m_thinkSplit) {
        // Text still held back by the splitter (a stream that ended without finish_reason).
        const QJsonArray held = m_thinkSplit->finishChoices();
        if (!held.isEmpty())
            chunks.append(
                QJsonObject{{QStringLiteral("object"), QStringLiteral("chat.completion.chunk")},
                            {QStringLiteral("choices"), held}});
    }
    if (chunks.isEmpty())
        return;
    QByteArray out;
    for (const QJsonObject &chunk : std::as_const(chunks)) {
        inspectChunk(chunk);
        if (!m_context.rawForward)
            out += m_protocol->convertChunk(chunk);
    }
    writeStream(out);
}

void RelaySession::onFinished(int curlCode, const QString &error)
{
    if (m_done)
        return;
    const bool timeout = error.contains(QLatin1String("timed out"), Qt::CaseInsensitive);
    if (m_binaryStream) {
        if (m_exchange) {
            if (curlCode != 0)
                m_exchange->abandon(); // Truncated: the client sees the connection close.
            else
                m_exchange->endStream();
        }
        complete(curlCode == 0 ? m_upstreamStatus
                 : timeout     ? 504
                               : 502,
                 curlCode != 0 ? QStringLiteral("upstream stream failed: %1").arg(error)
                               : QString());
        return;
    }
    if (m_streaming) {
        // A failed transfer's unterminated last event is dropped, not forwarded half.
        if (curlCode == 0) {
            forwardEvents(m_framer->finish());
            finishDecoder();
        }
        QString errorText = m_streamError;
        if (curlCode != 0) {
            errorText = QStringLiteral("upstream stream failed: %1").arg(error);
            if (!m_streamStarted) {
                // Nothing reached the client yet: retry, or answer with a plain error.
                if (!handOver(timeout ? 504 : 502, errorText))
                    finishWithError(timeout ? 504 : 502, errorText,
                                    QStringLiteral("upstream_error"),
                                    timeout ? QStringLiteral("upstream_timeout")
                                            : QStringLiteral("upstream_unreachable"));
                return;
            }
            writeStream(m_protocol->streamError(errorText, m_context.requestId));
        } else if (!m_context.rawForward) {
            // An error event inside a 200 stream ends it as an error in the client's protocol.
            writeStream(errorText.isEmpty()
                            ? m_protocol->finishStream()
                            : m_protocol->streamError(errorText, m_context.requestId));
        }
        if (m_exchange) {
            if (!m_streamStarted) { // An empty stream: still a (short) stream for the client.
                m_streamStarted = true;
                m_exchange->beginStream(200, "text/event-stream; charset=utf-8",
                                        {{"Cache-Control", "no-cache"}});
            }
            m_exchange->endStream();
        }
        complete(curlCode == 0 ? 200 : timeout ? 504 : 502, errorText);
        return;
    }
    if (curlCode != 0) {
        const QString message = QStringLiteral("upstream request failed: %1").arg(error);
        if (handOver(timeout ? 504 : 502, message))
            return;
        finishWithError(timeout ? 504 : 502, message, QStringLiteral("upstream_error"),
                        timeout ? QStringLiteral("upstream_timeout")
                                : QStringLiteral("upstream_unreachable"));
        return;
    }
    if (m_upstreamStatus < 200 || m_upstreamStatus >= 300) {
        const OpenAIError::Mapped mapped =
            OpenAIError::mapUpstream(m_upstreamStatus, m_body, m_context.requestId);
        if (handOver(m_upstreamStatus, mapped.message))
            return;
        if (m_context.rawForward && m_context.adaptor->nativeProtocol() == "openai" &&
            !m_context.passthroughAnswer) {
            // An OpenAI (or Responses) client of an OpenAI upstream gets the provider's own
            // error object; other clients get theirs rendered in their protocol.
            if (m_exchange)
                m_exchange->send(mapped.status, "application/json", mapped.body);
            complete(mapped.status, mapped.message);
            return;
        }
        QString message = m_context.adaptor->errorMessage(m_body);
        if (message.isEmpty())
            message = mapped.message;
        else if (m_upstreamStatus == 401 || m_upstreamStatus == 403)
            message = QStringLiteral("the upstream provider rejected the channel's credentials "
                                     "(HTTP %1): %2")
                          .arg(m_upstreamStatus)
                          .arg(message);
        finishWithError(mapped.status, message, mapped.type,
                        mapped.code.isString() ? mapped.code.toString()
                                               : QString::number(mapped.code.toInt()));
        return;
    }
    const bool passthroughAnswer = m_context.rawForward && m_context.passthroughAnswer;
    if (passthroughAnswer || m_decoder || m_context.adaptor->nativeProtocol() != "openai") {
        // A native answer: convert it (also for accounting when it is forwarded as it is).
        const QJsonObject native = QJsonDocument::fromJson(m_body).object();
        QJsonObject openai = passthroughAnswer
                                 ? m_context.passthroughAnswer(native, m_context.model)
                                 : m_context.adaptor->toOpenAIResponse(native, m_context.model);
        if (openai.value(QStringLiteral("usage")).isObject()) {
            m_usage = Usage::fromOpenAI(openai.value(QStringLiteral("usage")).toObject());
            m_usageFromUpstream = true;
        } else if (m_context.mode == RelayMode::Embeddings) {
            // Providers without embedding usage (Gemini): the client gets what is logged, the
            // gateway's estimate (complete() records it as such).
            const qint64 tokens = m_context.estimatedPromptTokens;
            openai.insert(QStringLiteral("usage"),
                          QJsonObject{{QStringLiteral("prompt_tokens"), tokens},
                                      {QStringLiteral("total_tokens"), tokens}});
        }
        if (m_context.mode == RelayMode::Embeddings && m_context.embeddingsBase64)
            openai = ConversionUtil::base64Embeddings(openai);
        if (m_upstreamId.isEmpty())
            m_upstreamId = JsonScan::firstStringMember(m_body, "id");
        if (m_upstreamId.isEmpty()) // Answers without an `id` (Gemini's responseId): as converted.
            m_upstreamId = openai.value(QStringLiteral("id")).toString();
        const QByteArray out =
            m_context.rawForward
                ? m_body
                : m_protocol->convertResponse(QJsonDocument(openai).toJson(QJsonDocument::Compact));
        rememberStoredObject(JsonScan::firstStringMember(m_body, "id"));
        if (m_exchange)
            m_exchange->send(m_upstreamStatus, "application/json", out);
        complete(m_upstreamStatus, QString());
        return;
    }
    // Only `usage` and `id` matter here; large answers are not parsed whole. Rerank answers
    // report `meta.tokens` instead.
    const QJsonObject usage = JsonScan::lastObjectMember(m_body, m_context.mode == RelayMode::Rerank
                                                                     ? QByteArrayView("tokens")
                                                                     : QByteArrayView("usage"));
    if (!usage.isEmpty()) {
        m_usage = Usage::fromOpenAI(usage);
        m_usageFromUpstream = true;
    } else {
        const QJsonArray choices =
            QJsonDocument::fromJson(m_body).object().value(QStringLiteral("choices")).toArray();
        for (const QJsonValue &choice : choices) {
            const QJsonObject object = choice.toObject();
            m_deliveredTextChars += textLength(object.value(QStringLiteral("message"))
                                                   .toObject()
                                                   .value(QStringLiteral("content"))) +
                                    textLength(object.value(QStringLiteral("text")));
        }
    }
    if (m_upstreamId.isEmpty())
        m_upstreamId = JsonScan::firstStringMember(m_body, "id");
    QByteArray contentType = m_call->responseHeader("content-type");
    if (contentType.isEmpty() || !m_context.rawForward)
        contentType = "application/json";
    // Remembered before the client gets the id: its next call may reach another worker first.
    rememberStoredObject(JsonScan::firstStringMember(m_body, "id"));
    if (m_exchange)
        m_exchange->send(m_upstreamStatus, contentType,
                         m_context.rawForward ? m_body
                                              : m_protocol->convertResponse(splitThinking(m_body)));
    complete(m_upstreamStatus, QString());
}

void RelaySession::finishWithError(int status, const QString &message, const QString &type,
                                   const QString &code)
{
    if (m_exchange) {
        if (m_streamStarted) {
            writeStream(m_protocol->streamError(message, m_context.requestId));
            m_exchange->endStream();
        } else {
            m_exchange->send(
                status, "application/json",
                m_protocol->errorBody(status, message, type, code, m_context.requestId));
        }
    }
    complete(status, message);
}

void RelaySession::onClientGone()
{
    if (m_done)
        return;
    if (m_call)
        m_call->abort();
    if (m_exchange)
        m_exchange->abandon();
    complete(499, QStringLiteral("connection closed before the response completed"));
}

void RelaySession::complete(int status, const QString &errorText)
{
    if (m_done)
        return;
    m_done = true;
    LogRecord record = m_context.logRecord(status, errorText);
    if (m_retried) {
        record.retryAttempt = true;
        record.latencyMs = record.createdAt - m_startedAtMs; // This attempt's own time.
    }
    if (m_exchange && !m_retried && m_exchange->firstByteAtUs() > 0)
        record.ttfbMs = qMax<qint64>(0, m_exchange->firstByteAtUs() / 1000 - m_context.requestAtMs);
    record.upstreamId = m_upstreamId;
    if (m_usageFromUpstream) {
        record.usage = m_usage;
        record.usageSource = QStringLiteral("upstream");
    } else if (m_deliveredTextChars > 0 || (status >= 200 && status < 300)) {
        // Billing policy: what was delivered is what is counted (estimate: 4 chars a token).
        record.usage.inputTokens = m_context.estimatedPromptTokens;
        record.usage.outputTokens = (m_deliveredTextChars + 3) / 4;
        record.usage.totalTokens = record.usage.inputTokens + record.usage.outputTokens;
        record.usageSource = QStringLiteral("estimated");
    }
    // The channel's own status (a refused key stays a 401 for the bans, though the client got a
    // 502), unless the client left.
    const int channelStatus = m_upstreamStatus >= 300 && status != 499 ? m_upstreamStatus : status;
    if (m_context.state && !m_context.skipLog && m_context.channel.id != 0)
        m_context.state->health.record(m_context.channel, m_context.model, channelStatus,
                                       m_context.state->nowMs());
    if (m_logs && !m_context.skipLog)
        m_logs->enqueue(std::move(record));
    if (m_call) {
        m_call->abort();
        m_call->deleteLater();
        m_call = nullptr;
    }
    deleteLater();
}
