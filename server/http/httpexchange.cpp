#include "httpexchange.h"

#include "connectionguard.h"

#include <QDateTime>
#include <QTcpSocket>

namespace {
constexpr qint64 kLowWatermark = 64 * 1024;
}

HttpExchange::HttpExchange(QTcpSocket *socket, ConnectionGuard *guard, QByteArray requestId)
    : m_socket(socket)
    , m_guard(guard)
    , m_requestId(std::move(requestId))
{
    connect(socket, &QTcpSocket::disconnected, this, [this] {
        if (!m_finished)
            Q_EMIT clientGone();
    });
    connect(socket, &QObject::destroyed, this, [this] {
        if (!m_finished)
            Q_EMIT clientGone();
    });
    connect(socket, &QTcpSocket::bytesWritten, this, [this] {
        if (m_streaming && m_socket && m_socket->bytesToWrite() < kLowWatermark)
            Q_EMIT drained();
    });
}

HttpExchange::~HttpExchange() = default;

QByteArray HttpExchange::reasonPhrase(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 204:
        return "No Content";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 402:
        return "Payment Required";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 408:
        return "Request Timeout";
    case 409:
        return "Conflict";
    case 413:
        return "Payload Too Large";
    case 422:
        return "Unprocessable Entity";
    case 429:
        return "Too Many Requests";
    case 500:
        return "Internal Server Error";
    case 501:
        return "Not Implemented";
    case 502:
        return "Bad Gateway";
    case 503:
        return "Service Unavailable";
    case 504:
        return "Gateway Timeout";
    default:
        return status < 400 ? "OK" : "Error";
    }
}

bool HttpExchange::isClientGone() const
{
    return !m_socket || m_socket->state() != QAbstractSocket::ConnectedState;
}

qint64 HttpExchange::pendingBytes() const
{
    return m_socket ? m_socket->bytesToWrite() : 0;
}

QByteArray HttpExchange::head(int status, const QByteArray &contentType, const HeaderList &extra,
                              qint64 contentLength) const
{
    QByteArray out;
    out.reserve(192 + contentType.size());
    out.append("HTTP/1.1 ")
        .append(QByteArray::number(status))
        .append(' ')
        .append(reasonPhrase(status));
    if (!contentType.isEmpty())
        out.append("\r\nContent-Type: ").append(contentType);
    if (contentLength >= 0)
        out.append("\r\nContent-Length: ").append(QByteArray::number(contentLength));
    else if (m_chunked)
        out.append("\r\nTransfer-Encoding: chunked");
    if (!m_requestId.isEmpty())
        out.append("\r\nX-Request-Id: ").append(m_requestId);
    for (const auto &[key, value] : extra)
        out.append("\r\n").append(key).append(": ").append(value);
    const bool close =
        !m_guard || m_guard->closeAfterResponse() || (contentLength < 0 && !m_chunked);
    out.append(close ? "\r\nConnection: close\r\n\r\n" : "\r\n\r\n");
    return out;
}

void HttpExchange::markFirstByte()
{
    if (m_firstByteAtUs == 0)
        m_firstByteAtUs = QDateTime::currentMSecsSinceEpoch() * 1000;
}

void HttpExchange::send(int status, const QByteArray &contentType, const QByteArray &body,
                        const HeaderList &extraHeaders)
{
    if (m_finished || m_headSent)
        return;
    m_headSent = true;
    if (m_socket && m_socket->state() == QAbstractSocket::ConnectedState) {
        markFirstByte();
        QByteArray response = head(status, contentType, extraHeaders, body.size());
        response.append(body);
        m_socket->write(response);
        m_socket->flush();
    }
    finish();
}

void HttpExchange::beginStream(int status, const QByteArray &contentType,
                               const HeaderList &extraHeaders)
{
    if (m_finished || m_headSent)
        return;
    m_headSent = true;
    m_streaming = true;
    m_chunked = !(m_guard && m_guard->isHttp10());
    if (m_socket && m_socket->state() == QAbstractSocket::ConnectedState) {
        markFirstByte();
        m_socket->write(head(status, contentType, extraHeaders, -1));
        m_socket->flush();
    }
}

bool HttpExchange::writeChunk(const QByteArray &data)
{
    if (!m_streaming || m_finished || isClientGone())
        return false;
    if (data.isEmpty())
        return true;
    if (m_chunked) {
        QByteArray framed;
        framed.reserve(data.size() + 16);
        framed += QByteArray::number(data.size(), 16) + "\r\n" + data + "\r\n";
        m_socket->write(framed);
    } else {
        m_socket->write(data);
    }
    m_socket->flush();
    return true;
}

void HttpExchange::endStream()
{
    if (!m_streaming || m_finished)
        return;
    if (!isClientGone()) {
        if (m_chunked) {
            m_socket->write("0\r\n\r\n", 5);
            m_socket->flush();
        } else {
            m_socket->disconnectFromHost();
        }
    }
    finish();
}

void HttpExchange::abandon()
{
    if (m_finished)
        return;
    if (m_headSent && m_socket) {
        // A partial response cannot be completed: the connection must not be reused.
        m_socket->disconnectFromHost();
    }
    finish();
}

void HttpExchange::finish()
{
    if (m_finished)
        return;
    m_finished = true;
    if (m_guard)
        m_guard->endResponse();
    deleteLater();
}
