#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QPair>

#include <functional>
#include <memory>

class QTcpSocket;

/// A byte-level HTTP/1.x client over one QTcpSocket, for tests that must see the wire: chunk
/// boundaries, interim 100 responses, pipelining, connection closes.
///
/// Received bytes are buffered by the socket's readyRead, so it works both blocking (the wait*
/// functions, when the server runs on another thread) and with QTRY_* on the test's event loop.
class RawHttpClient
{
public:
    using Headers = QList<QPair<QByteArray, QByteArray>>;

    struct Response
    {
        QByteArray version;
        int status = 0;
        Headers headers;
        QByteArray body;          ///< Decoded body received so far.
        QList<QByteArray> chunks; ///< Payloads of the chunks received so far (chunked only).
        bool headComplete = false;
        bool complete = false;

        QByteArray header(QByteArrayView name) const;
        QJsonObject json() const;
        /// The SSE events of the body: blocks ending in a blank line, terminator included.
        QList<QByteArray> events() const;
    };

    RawHttpClient();
    ~RawHttpClient();
    RawHttpClient(const RawHttpClient &) = delete;
    RawHttpClient &operator=(const RawHttpClient &) = delete;

    bool connectToPort(quint16 port, int timeoutMs = 10000);
    /// One POST of \a body as JSON (Content-Type added) on a new connection to \a port.
    static Response postJson(quint16 port, const QByteArray &pathAndQuery, const QJsonObject &body,
                             Headers headers = {});
    void send(const QByteArray &bytes);
    /// Sends a request and reads its complete response.
    Response request(const QByteArray &method, const QByteArray &path, const QByteArray &body = {},
                     const Headers &headers = {}, int timeoutMs = 30000);

    /// Blocks (reading the socket) until \a done returns true, the peer closed or the timeout.
    bool waitFor(const std::function<bool()> &done, int timeoutMs = 30000);
    /// Blocks until one complete response is buffered, then removes it from the buffer.
    bool readResponse(Response *response, int timeoutMs = 30000);
    /// The response at the start of the buffer, as far as it arrived (nothing is consumed).
    Response peekResponse() const;
    bool waitForDisconnected(int timeoutMs = 30000);
    bool isConnected() const;
    /// True once the peer closed the connection (or it failed).
    bool isClosed() const;
    QByteArray buffer() const { return *m_buffer; }
    void clearBuffer() { m_buffer->clear(); }
    void abort();
    QTcpSocket *socket() const { return m_socket.get(); }

    static QByteArray buildRequest(const QByteArray &method, const QByteArray &path,
                                   const QByteArray &body = {}, const Headers &headers = {},
                                   const QByteArray &version = "HTTP/1.1");
    /// Parses the response at the start of \a data; returns the bytes it spans when complete,
    /// else 0. \a closed: the connection ended (completes close-delimited bodies).
    static qsizetype parse(const QByteArray &data, Response *response, bool closed);

private:
    std::unique_ptr<QTcpSocket> m_socket;
    std::shared_ptr<QByteArray> m_buffer;
    std::shared_ptr<bool> m_closed;
};
