#include "rawhttpclient.h"

#include <QDeadlineTimer>
#include <QJsonDocument>
#include <QTcpSocket>

QByteArray RawHttpClient::Response::header(QByteArrayView name) const
{
    for (const auto &[key, value] : headers) {
        if (QByteArrayView(key).compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

QJsonObject RawHttpClient::Response::json() const
{
    return QJsonDocument::fromJson(body).object();
}

QList<QByteArray> RawHttpClient::Response::events() const
{
    QList<QByteArray> result;
    qsizetype start = 0;
    while (true) {
        const qsizetype end = body.indexOf("\n\n", start);
        if (end < 0)
            break;
        result.append(body.mid(start, end + 2 - start));
        start = end + 2;
    }
    return result;
}

RawHttpClient::Response RawHttpClient::postJson(quint16 port, const QByteArray &pathAndQuery,
                                                const QJsonObject &body, Headers headers)
{
    RawHttpClient client;
    if (!client.connectToPort(port))
        return {};
    headers.append(qMakePair(QByteArray("Content-Type"), QByteArray("application/json")));
    return client.request("POST", pathAndQuery, QJsonDocument(body).toJson(QJsonDocument::Compact),
                          headers);
}

RawHttpClient::RawHttpClient()
    : m_socket(std::make_unique<QTcpSocket>())
    , m_buffer(std::make_shared<QByteArray>())
    , m_closed(std::make_shared<bool>(false))
{
    QTcpSocket *socket = m_socket.get();
    auto buffer = m_buffer;
    auto closed = m_closed;
    QObject::connect(socket, &QTcpSocket::readyRead, socket,
                     [socket, buffer] { *buffer += socket->readAll(); });
    QObject::connect(socket, &QTcpSocket::disconnected, socket, [socket, buffer, closed] {
        if (socket->isOpen())
            *buffer += socket->readAll();
        *closed = true;
    });
    QObject::connect(socket, &QTcpSocket::errorOccurred, socket, [socket, buffer, closed] {
        if (socket->isOpen())
            *buffer += socket->readAll();
        if (socket->state() != QAbstractSocket::ConnectedState)
            *closed = true;
    });
}

RawHttpClient::~RawHttpClient()
{
    m_socket->disconnect();
    m_socket->abort();
}

bool RawHttpClient::connectToPort(quint16 port, int timeoutMs)
{
    *m_closed = false;
    m_socket->connectToHost(QStringLiteral("127.0.0.1"), port);
    return m_socket->waitForConnected(timeoutMs);
}

void RawHttpClient::send(const QByteArray &bytes)
{
    m_socket->write(bytes);
    m_socket->flush();
}

RawHttpClient::Response RawHttpClient::request(const QByteArray &method, const QByteArray &path,
                                               const QByteArray &body, const Headers &headers,
                                               int timeoutMs)
{
    send(buildRequest(method, path, body, headers));
    Response response;
    readResponse(&response, timeoutMs);
    return response;
}

bool RawHttpClient::waitFor(const std::function<bool()> &done, int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    while (!done()) {
        if (*m_closed || m_socket->state() != QAbstractSocket::ConnectedState) {
            if (m_socket->isOpen())
                *m_buffer += m_socket->readAll();
            return done();
        }
        if (deadline.hasExpired())
            return false;
        m_socket->waitForReadyRead(int(qMin<qint64>(deadline.remainingTime(), 100)));
    }
    return true;
}

bool RawHttpClient::readResponse(Response *response, int timeoutMs)
{
    qsizetype used = 0;
    const bool ok = waitFor(
        [&] {
            *response = Response();
            used = parse(*m_buffer, response, *m_closed);
            return used > 0;
        },
        timeoutMs);
    if (ok)
        m_buffer->remove(0, used);
    return ok;
}

RawHttpClient::Response RawHttpClient::peekResponse() const
{
    Response response;
    parse(*m_buffer, &response, *m_closed);
    return response;
}

bool RawHttpClient::waitForDisconnected(int timeoutMs)
{
    return waitFor(
        [this] { return *m_closed || m_socket->state() == QAbstractSocket::UnconnectedState; },
        timeoutMs);
}

bool RawHttpClient::isConnected() const
{
    return m_socket->state() == QAbstractSocket::ConnectedState && !*m_closed;
}

bool RawHttpClient::isClosed() const
{
    return *m_closed;
}

void RawHttpClient::abort()
{
    m_socket->abort();
}

QByteArray RawHttpClient::buildRequest(const QByteArray &method, const QByteArray &path,
                                       const QByteArray &body, const Headers &headers,
                                       const QByteArray &version)
{
    QByteArray out = method + ' ' + path + ' ' + version + "\r\nHost: 127.0.0.1\r\n";
    bool hasLength = false;
    for (const auto &[key, value] : headers) {
        out += key + ": " + value + "\r\n";
        hasLength = hasLength || key.compare("content-length", Qt::CaseInsensitive) == 0 ||
                    key.compare("transfer-encoding", Qt::CaseInsensitive) == 0;
    }
    if (!hasLength && (!body.isEmpty() || method == "POST"))
        out += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    return out + "\r\n" + body;
}

qsizetype RawHttpClient::parse(const QByteArray &data, Response *response, bool closed)
{
    const qsizetype headEnd = data.indexOf("\r\n\r\n");
    if (headEnd < 0)
        return 0;
    const QList<QByteArray> lines = data.left(headEnd).split('\n');
    const QByteArray statusLine = lines.value(0).trimmed();
    response->version = statusLine.left(statusLine.indexOf(' '));
    response->status = statusLine.mid(statusLine.indexOf(' ') + 1, 3).toInt();
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon > 0)
            response->headers.append({line.left(colon).trimmed(), line.mid(colon + 1).trimmed()});
    }
    response->headComplete = true;
    qsizetype pos = headEnd + 4;
    if (response->status < 200 || response->status == 204 || response->status == 304) {
        response->complete = true;
        return pos;
    }
    if (response->header("transfer-encoding").toLower() == "chunked") {
        while (true) {
            const qsizetype lineEnd = data.indexOf("\r\n", pos);
            if (lineEnd < 0)
                return 0;
            bool ok = false;
            const qsizetype size =
                data.mid(pos, lineEnd - pos).split(';').first().trimmed().toLongLong(&ok, 16);
            if (!ok)
                return 0;
            if (size == 0) {
                if (data.size() < lineEnd + 4 || data.mid(lineEnd + 2, 2) != "\r\n")
                    return 0; // (No trailers are sent by the servers under test.)
                response->complete = true;
                return lineEnd + 4;
            }
            if (data.size() < lineEnd + 2 + size + 2)
                return 0;
            const QByteArray payload = data.mid(lineEnd + 2, size);
            response->chunks.append(payload);
            response->body += payload;
            pos = lineEnd + 2 + size + 2;
        }
    }
    const QByteArray lengthText = response->header("content-length");
    if (!lengthText.isEmpty()) {
        const qsizetype length = lengthText.toLongLong();
        response->body = data.mid(pos, length);
        if (data.size() < pos + length)
            return 0;
        response->complete = true;
        return pos + length;
    }
    response->body = data.mid(pos);
    if (!closed)
        return 0;
    response->complete = true;
    return data.size();
}
