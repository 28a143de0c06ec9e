#pragma once

#include "clientprotocol.h"
#include "relaycontext.h"
#include "sseparser.h"
#include "streamframer.h"

#include <QObject>
#include <QPointer>

#include <memory>

class HttpExchange;
class LogWriter;
class StreamDecoder;
class ThinkSplitChunks;
class UpstreamCall;

/// Proxies one request to its upstream and the answer back, then writes its log row.
///
/// Streams are forwarded event by event as they arrive (one chunk per upstream read,
/// flushed), never accumulated: memory per stream is the current partial event plus the
/// socket buffers. The upstream is paused while the client's socket has more than 1 MiB
/// unsent. A client disconnect aborts the upstream at once.
/// Lives in the worker thread; deletes itself when done.
class RelaySession : public QObject
{
    Q_OBJECT
public:
    RelaySession(RelayContext context, HttpExchange *exchange, UpstreamCall *call, LogWriter *logs,
                 QObject *parent = nullptr);
    ~RelaySession() override;

    /// Counts live sessions of all threads (for draining on shutdown).
    static int liveCount();

private:
    void onHeaders(int status);
    void onData(const QByteArray &data);
    void onFinished(int curlCode, const QString &error);
    void onClientGone();
    /// The attempt took too long (see RelayContext's timeouts): a timeout failure (504).
    void onTimeout();
    /// (Re)starts the one-shot deadline; its expiry calls onTimeout().
    void armDeadline(qint64 ms);
    void disarmDeadline();
    void timerEvent(QTimerEvent *event) override;
    /// Pauses the upstream while the client's socket is full (the idle clock stops too).
    void pauseUpstream();
    void forwardEvents(const QList<SseParser::Event> &events);
    /// Records usage, errors and delivered text of one OpenAI chunk; true for a usage-only chunk.
    bool inspectChunk(const QJsonObject &chunk);
    /// Pins a stored Responses object \a id to this channel and group (once; passthrough only).
    void rememberStoredObject(const QString &id);
    /// Flushes what the upstream's stream decoder and the think splitter still hold.
    void finishDecoder();
    /// The answer with `<think>` text moved to reasoning_content when the model asks for it.
    QByteArray splitThinking(const QByteArray &openaiBody) const;
    /// Writes stream bytes to the client, starting its stream with the first of them.
    void writeStream(const QByteArray &data);
    /// Offers a failed attempt to the relay for a retry (only while nothing reached the client);
    /// true when it is retried: the session then logs a retry row and answers nothing.
    bool handOver(int status, const QString &message);
    void finishWithError(int status, const QString &message, const QString &type,
                         const QString &code);
    void complete(int status, const QString &errorText);

    RelayContext m_context;
    ClientProtocol *m_protocol;               ///< Owned by m_context.
    std::unique_ptr<StreamDecoder> m_decoder; ///< Null when the upstream streams OpenAI chunks.
    std::unique_ptr<ThinkSplitChunks> m_thinkSplit; ///< Streams of think-split models only.
    QPointer<HttpExchange> m_exchange;
    UpstreamCall *m_call;
    LogWriter *m_logs;
    std::unique_ptr<StreamFramer> m_framer; ///< Cuts the upstream stream into events.
    int m_upstreamStatus = 0;
    bool m_streaming = false;    ///< Response is a stream (forwarded event by event).
    bool m_binaryStream = false; ///< A binary answer (speech) forwarded as it arrives.
    bool m_done = false;
    bool m_streamStarted = false; ///< The client's stream has begun (no retry after that).
    bool m_retried = false;       ///< This attempt failed and another one follows.
    qint64 m_startedAtMs;
    bool m_gotData = false;      ///< A stream's first body bytes arrived.
    bool m_paused = false;       ///< The upstream is paused for a slow client.
    qint64 m_lastActivityMs = 0; ///< When the stream's last bytes came (idle limit).
    int m_deadlineTimer = 0;     ///< First-byte, whole-answer or idle deadline (timer id).
    QByteArray m_body;           ///< Non-streamed response or error body (bounded).
    Usage m_usage;
    bool m_usageFromUpstream = false;
    qint64 m_deliveredTextChars = 0;
    QString m_upstreamId;
    QString m_objectId; ///< The answer's own id (a stored Responses object's id).
    bool m_objectRemembered = false;
    QString m_streamError;
};
