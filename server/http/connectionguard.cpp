#include "connectionguard.h"

#include <QTcpSocket>

#include <atomic>

namespace {

std::atomic<qint64> g_rejected{0};
constexpr char kGuardProperty[] = "_aiproxy_guard";

/// The framing-relevant headers of one request, found in a single pass without allocations
/// beyond the values themselves.
struct FramingHeaders
{
    QByteArray connection;
    QByteArray transferEncoding;
    QByteArray contentLength;
    QByteArray expect;
    int contentLengthCount = 0;
};

bool nameIs(const char *begin, qsizetype length, const char *lowerName, qsizetype nameLength)
{
    return length == nameLength && qstrnicmp(begin, lowerName, nameLength) == 0;
}

FramingHeaders scanHeaders(const char *data, qsizetype size)
{
    FramingHeaders found;
    qsizetype pos = 0;
    while (pos < size) {
        const char *line = data + pos;
        const char *newline = static_cast<const char *>(memchr(line, '\n', size_t(size - pos)));
        const qsizetype lineLength = newline ? newline - line : size - pos;
        pos += lineLength + 1;
        const char *colon = static_cast<const char *>(memchr(line, ':', size_t(lineLength)));
        if (!colon)
            continue;
        qsizetype nameLength = colon - line;
        while (nameLength > 0 && (line[nameLength - 1] == ' ' || line[nameLength - 1] == '\t'))
            --nameLength;
        QByteArray *target = nullptr;
        if (nameIs(line, nameLength, "content-length", 14)) {
            target = &found.contentLength;
            ++found.contentLengthCount;
        } else if (nameIs(line, nameLength, "connection", 10)) {
            target = &found.connection;
        } else if (nameIs(line, nameLength, "transfer-encoding", 17)) {
            target = &found.transferEncoding;
        } else if (nameIs(line, nameLength, "expect", 6)) {
            target = &found.expect;
        }
        if (target)
            *target = QByteArray(colon + 1, line + lineLength - colon - 1).trimmed().toLower();
    }
    return found;
}

} // namespace

ConnectionGuard *ConnectionGuard::install(QTcpSocket *socket, QObject *httpServer,
                                          const Limits &limits)
{
    auto *guard = new ConnectionGuard(socket, httpServer, limits);
    socket->setProperty(kGuardProperty, QVariant::fromValue<QObject *>(guard));
    return guard;
}

ConnectionGuard *ConnectionGuard::of(QTcpSocket *socket)
{
    return socket ? qobject_cast<ConnectionGuard *>(
                        socket->property(kGuardProperty).value<QObject *>())
                  : nullptr;
}

qint64 ConnectionGuard::rejectedCount()
{
    return g_rejected.load();
}

ConnectionGuard::ConnectionGuard(QTcpSocket *socket, QObject *httpServer, const Limits &limits)
    : QObject(socket)
    , m_socket(socket)
    , m_httpServer(httpServer)
    , m_limits(limits)
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &ConnectionGuard::onTimeout);
    // Connected before the HTTP server's slot, so it runs first.
    connect(socket, &QTcpSocket::readyRead, this, &ConnectionGuard::preRead);
    armTimer();
}

void ConnectionGuard::attachPostReadSlot()
{
    connect(m_socket, &QTcpSocket::readyRead, this, &ConnectionGuard::postRead);
}

void ConnectionGuard::preRead()
{
    if (m_rejected) {
        // Lingering close after a rejection: drain what the client still sends.
        if (m_socket->isTransactionStarted())
            m_socket->commitTransaction();
        m_socket->readAll();
        return;
    }
    const qint64 available = m_socket->bytesAvailable();
    if (available <= m_unconsumed) {
        m_unconsumed = available;
        return;
    }
    const qint64 fresh = available - m_unconsumed;
    if (m_phase == Phase::FixedBody && fresh < m_bodyRemaining) {
        m_bodyRemaining -= fresh; // Body bytes need counting, not copying.
    } else {
        const QByteArray data = m_socket->peek(available);
        feed(data.constData() + m_unconsumed, data.size() - m_unconsumed);
    }
    m_unconsumed = available;
    armTimer();
}

void ConnectionGuard::postRead()
{
    m_unconsumed = m_rejected ? 0 : m_socket->bytesAvailable();
}

void ConnectionGuard::feed(const char *data, qint64 size)
{
    while (size > 0 && !m_rejected) {
        switch (m_phase) {
        case Phase::Headers: {
            // Only the header block is copied; body bytes in the same segment are not.
            const qsizetype before = m_headerBuffer.size();
            const qsizetype window = qsizetype(qMin<qint64>(size, m_limits.maxHeaderBytes + 4));
            qsizetype end = -1;
            qsizetype terminatorLength = 4;
            if (before == 0) {
                end = QByteArrayView(data, window).indexOf("\r\n\r\n");
                m_headerBuffer.append(data, end < 0 ? window : end + 4);
            } else {
                m_headerBuffer.append(data, window);
                end = m_headerBuffer.indexOf("\r\n\r\n", qMax<qsizetype>(0, before - 3));
            }
            if (end < 0) {
                end = m_headerBuffer.indexOf("\n\n");
                terminatorLength = 2;
            }
            if (end < 0) {
                if (m_headerBuffer.size() > m_limits.maxHeaderBytes)
                    reject(431, "Request Header Fields Too Large", "request headers are too large");
                return;
            }
            const qint64 used = end + terminatorLength - before;
            m_headerBuffer.truncate(end + terminatorLength);
            data += used;
            size -= used;
            if (!parseHeaderBlock())
                return;
            m_headerBuffer.clear();
            break;
        }
        case Phase::FixedBody: {
            const qint64 take = qMin(size, m_bodyRemaining);
            m_bodyRemaining -= take;
            data += take;
            size -= take;
            if (m_bodyRemaining == 0)
                requestComplete();
            break;
        }
        case Phase::ChunkedBody: {
            qint64 consumed = 0;
            feedChunked(data, size, &consumed);
            data += consumed;
            size -= consumed;
            break;
        }
        }
    }
}

bool ConnectionGuard::parseHeaderBlock()
{
    const qsizetype lineEnd = m_headerBuffer.indexOf('\n');
    const QByteArray requestLine = m_headerBuffer.left(lineEnd).trimmed();
    const FramingHeaders headers =
        scanHeaders(m_headerBuffer.constData() + lineEnd + 1, m_headerBuffer.size() - lineEnd - 1);
    const QList<QByteArray> parts = requestLine.split(' ');
    if (parts.size() != 3 || !parts[2].startsWith("HTTP/1.")) {
        reject(400, "Bad Request", "malformed request line");
        return false;
    }
    m_http10 = parts[2] == "HTTP/1.0";
    if (m_http10 ? !headers.connection.contains("keep-alive")
                 : headers.connection.contains("close"))
        m_closeAfterResponse = true;

    const QByteArray &transferEncoding = headers.transferEncoding;
    const QByteArray &contentLength = headers.contentLength;
    if (!transferEncoding.isEmpty() && !contentLength.isEmpty()) {
        reject(400, "Bad Request", "both Content-Length and Transfer-Encoding were sent");
        return false;
    }
    if (headers.contentLengthCount > 1) {
        reject(400, "Bad Request", "more than one Content-Length header");
        return false;
    }
    m_bodySeen = 0;
    if (!transferEncoding.isEmpty()) {
        if (transferEncoding != "chunked") {
            reject(501, "Not Implemented", "unsupported Transfer-Encoding");
            return false;
        }
        m_phase = Phase::ChunkedBody;
        m_chunkState = ChunkState::Size;
        m_chunkLine.clear();
    } else if (!contentLength.isEmpty()) {
        bool ok = false;
        const qint64 length = contentLength.toLongLong(&ok);
        if (!ok || length < 0) {
            reject(400, "Bad Request", "invalid Content-Length");
            return false;
        }
        if (length > m_limits.maxBodyBytes) {
            reject(413, "Payload Too Large",
                   "request body is larger than the gateway's limit (MAX_REQUEST_BODY_SIZE)");
            return false;
        }
        m_bodyRemaining = length;
        m_phase = Phase::FixedBody;
    } else {
        m_bodyRemaining = 0;
        m_phase = Phase::FixedBody;
    }
    const bool expectsBody = m_phase == Phase::ChunkedBody || m_bodyRemaining > 0;
    if (expectsBody && headers.expect == "100-continue")
        m_socket->write("HTTP/1.1 100 Continue\r\n\r\n");
    if (m_phase == Phase::FixedBody && m_bodyRemaining == 0)
        requestComplete();
    return true;
}

void ConnectionGuard::feedChunked(const char *data, qint64 size, qint64 *consumed)
{
    qint64 pos = 0;
    while (pos < size && m_phase == Phase::ChunkedBody && !m_rejected) {
        switch (m_chunkState) {
        case ChunkState::Size:
        case ChunkState::DataEnd:
        case ChunkState::Trailer: {
            const char c = data[pos++];
            m_chunkLine.append(c);
            if (m_chunkLine.size() > 4096) {
                reject(400, "Bad Request", "malformed chunked body");
                break;
            }
            if (c != '\n')
                break;
            const QByteArray line = m_chunkLine.trimmed();
            m_chunkLine.clear();
            if (m_chunkState == ChunkState::DataEnd) {
                m_chunkState = ChunkState::Size;
            } else if (m_chunkState == ChunkState::Trailer) {
                if (line.isEmpty())
                    requestComplete();
            } else {
                bool ok = false;
                const qint64 length = line.split(';').first().trimmed().toLongLong(&ok, 16);
                if (!ok || length < 0) {
                    reject(400, "Bad Request", "malformed chunk size");
                    break;
                }
                m_bodySeen += length;
                if (m_bodySeen > m_limits.maxBodyBytes) {
                    reject(
                        413, "Payload Too Large",
                        "request body is larger than the gateway's limit (MAX_REQUEST_BODY_SIZE)");
                    break;
                }
                m_chunkRemaining = length;
                m_chunkState = length == 0 ? ChunkState::Trailer : ChunkState::Data;
            }
            break;
        }
        case ChunkState::Data: {
            const qint64 take = qMin(size - pos, m_chunkRemaining);
            m_chunkRemaining -= take;
            pos += take;
            if (m_chunkRemaining == 0)
                m_chunkState = ChunkState::DataEnd;
            break;
        }
        }
    }
    *consumed = pos;
}

void ConnectionGuard::requestComplete()
{
    m_phase = Phase::Headers;
    ++m_pendingRequests;
    armTimer();
}

bool ConnectionGuard::beginResponse()
{
    if (m_rejected || m_responding || m_socket->state() != QAbstractSocket::ConnectedState) {
        // Pipelined behind an unfinished response: answering it now would interleave the two.
        // Drop it and close after the current response; the client retries it (RFC 9112 §9.3.2).
        m_closeAfterResponse = true;
        return false;
    }
    if (m_pendingRequests > 0)
        --m_pendingRequests;
    m_responding = true;
    m_timer.stop();
    return true;
}

void ConnectionGuard::endResponse()
{
    if (!m_responding)
        return;
    m_responding = false;
    if (m_closeAfterResponse) {
        m_socket->disconnectFromHost();
        return;
    }
    armTimer();
}

void ConnectionGuard::reject(int status, const char *reason, const char *message)
{
    g_rejected.fetch_add(1);
    m_rejected = true;
    m_closeAfterResponse = true;
    if (m_httpServer)
        QObject::disconnect(m_socket, &QTcpSocket::readyRead, m_httpServer, nullptr);
    if (!m_responding) {
        const QByteArray body = QByteArray(R"({"error":{"message":")") + message +
                                R"(","type":"invalid_request_error","code":"request_rejected"}})";
        m_socket->write(
            "HTTP/1.1 " + QByteArray::number(status) + ' ' + reason +
            "\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: " +
            QByteArray::number(body.size()) + "\r\n\r\n" + body);
    }
    m_socket->disconnectFromHost();
    // Lingering close: give the client 2 s to read the answer while we drain its upload.
    m_timer.start(2000);
}

void ConnectionGuard::armTimer()
{
    if (m_responding)
        return;
    const bool midRequest = m_phase != Phase::Headers || !m_headerBuffer.isEmpty();
    if (midRequest) {
        if (!m_timer.isActive() || m_timer.interval() != m_limits.requestTimeoutMs)
            m_timer.start(m_limits.requestTimeoutMs);
    } else if (m_pendingRequests == 0) {
        m_timer.start(m_limits.idleTimeoutMs);
    }
}

void ConnectionGuard::onTimeout()
{
    if (m_responding)
        return;
    if (m_rejected) {
        m_socket->abort();
        return;
    }
    const bool midRequest = m_phase != Phase::Headers || !m_headerBuffer.isEmpty();
    if (midRequest)
        reject(408, "Request Timeout", "the request was not received in time (HEADER_TIMEOUT)");
    else if (m_pendingRequests == 0)
        m_socket->disconnectFromHost();
}
