#pragma once

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QPair>
#include <QPointer>

class ConnectionGuard;
class QAbstractSocket;
class QTcpSocket;

using HeaderList = QList<QPair<QByteArray, QByteArray>>;

/// The response side of one request: writes a complete response or a streamed one
/// (hand-written chunked framing, flushed per write) straight to the socket.
///
/// Lives in the connection's thread. Deletes itself (deleteLater) once the response is complete,
/// or when abandon() is called; holders keep a QPointer. clientGone() fires if the peer
/// disconnects before the response completed.
class HttpExchange : public QObject
{
    Q_OBJECT
public:
    HttpExchange(QTcpSocket *socket, ConnectionGuard *guard, QByteArray requestId);
    ~HttpExchange() override;

    const QByteArray &requestId() const { return m_requestId; }

    /// Complete response with Content-Length.
    void send(int status, const QByteArray &contentType, const QByteArray &body,
              const HeaderList &extraHeaders = {});
    /// Starts a streamed response (chunked on HTTP/1.1, close-delimited on HTTP/1.0).
    void beginStream(int status, const QByteArray &contentType,
                     const HeaderList &extraHeaders = {});
    /// Writes one piece of a streamed response and flushes it. False once the client is gone.
    bool writeChunk(const QByteArray &data);
    /// Ends a streamed response.
    void endStream();
    /// Gives up on the exchange without (further) writing; closes the connection if a partial
    /// response was started.
    void abandon();

    bool isStreaming() const { return m_streaming; }
    bool isFinished() const { return m_finished; }
    bool isClientGone() const;
    /// Bytes written to the socket but not yet sent (backpressure).
    qint64 pendingBytes() const;
    /// Microseconds since the epoch when the first response byte was written, or 0.
    qint64 firstByteAtUs() const { return m_firstByteAtUs; }

    static QByteArray reasonPhrase(int status);

Q_SIGNALS:
    void clientGone();
    /// Emitted when pendingBytes() fell below the low watermark after being above it.
    void drained();

private:
    QByteArray head(int status, const QByteArray &contentType, const HeaderList &extra,
                    qint64 contentLength) const;
    void finish();
    void markFirstByte();

    /// QAbstractSocket, not QTcpSocket: the socket's destructor emits disconnected() from
    /// ~QAbstractSocket, when a QTcpSocket pointer to it would no longer be valid.
    QPointer<QAbstractSocket> m_socket;
    QPointer<ConnectionGuard> m_guard;
    QByteArray m_requestId;
    bool m_streaming = false;
    bool m_chunked = true;
    bool m_finished = false;
    bool m_headSent = false;
    qint64 m_firstByteAtUs = 0;
};
