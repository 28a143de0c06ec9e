#pragma once

#include <QByteArray>
#include <QObject>
#include <QPointer>
#include <QTimer>

class QTcpSocket;

/// Closes the gaps of Qt 6.4's HTTP server for one connection (see qt64-notes §2):
/// request size limits (413/431), `Expect: 100-continue`, `Connection: close` and HTTP/1.0,
/// idle and request timeouts, and refusal of pipelined requests while a response is active.
///
/// It watches the byte stream before QHttpServer parses it: preRead() runs before the server's
/// readyRead slot and sees each byte exactly once; postRead() runs after it.
/// Lives in the socket's thread and is a child of the socket.
class ConnectionGuard : public QObject
{
    Q_OBJECT
public:
    struct Limits
    {
        qint64 maxBodyBytes = 64ll * 1024 * 1024;
        int maxHeaderBytes = 64 * 1024;
        int idleTimeoutMs = 120000;
        int requestTimeoutMs = 30000;
    };

    /// Installs a guard on \a socket; \a httpServer is the QObject receiving readyRead from it.
    static ConnectionGuard *install(QTcpSocket *socket, QObject *httpServer, const Limits &limits);
    static ConnectionGuard *of(QTcpSocket *socket);

    /// Installs the slot that must run after the HTTP server's readyRead slot.
    void attachPostReadSlot();

    /// Called when a request is dispatched. Returns false when the request must be dropped
    /// (the connection is closing, or a response is already active: pipelining).
    bool beginResponse();
    /// Called once the response was fully written; closes the connection when it must.
    void endResponse();

    /// True when the connection closes after the current response (send `Connection: close`).
    bool closeAfterResponse() const { return m_closeAfterResponse; }
    /// True when the current request came as HTTP/1.0 (no chunked encoding possible).
    bool isHttp10() const { return m_http10; }
    bool isResponding() const { return m_responding; }

    static qint64 rejectedCount();

private:
    enum class Phase
    {
        Headers,
        FixedBody,
        ChunkedBody
    };
    enum class ChunkState
    {
        Size,
        Data,
        DataEnd,
        Trailer
    };

    ConnectionGuard(QTcpSocket *socket, QObject *httpServer, const Limits &limits);
    void preRead();
    void postRead();
    void feed(const char *data, qint64 size);
    bool parseHeaderBlock();
    void feedChunked(const char *data, qint64 size, qint64 *consumed);
    void requestComplete();
    void reject(int status, const char *reason, const char *message);
    void armTimer();
    void onTimeout();

    QTcpSocket *m_socket;
    QPointer<QObject> m_httpServer;
    Limits m_limits;
    QTimer m_timer;
    Phase m_phase = Phase::Headers;
    QByteArray m_headerBuffer;
    qint64 m_bodyRemaining = 0;
    qint64 m_bodySeen = 0;
    ChunkState m_chunkState = ChunkState::Size;
    qint64 m_chunkRemaining = 0;
    QByteArray m_chunkLine;
    qint64 m_unconsumed = 0; ///< Bytes the server left unread after its last readyRead slot.
    int m_pendingRequests = 0;
    bool m_responding = false;
    bool m_closeAfterResponse = false;
    bool m_http10 = false;
    bool m_rejected = false;
};
