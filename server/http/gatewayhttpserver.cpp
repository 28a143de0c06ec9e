#include "gatewayhttpserver.h"

#include "httpexchange.h"

#include <QDateTime>
#include <QHttpServerRequest>
#include <QTcpSocket>

#include <atomic>

GuardedTcpServer::GuardedTcpServer(QObject *httpServer, ConnectionGuard::Limits limits,
                                   QObject *parent)
    : QTcpServer(parent)
    , m_httpServer(httpServer)
    , m_limits(limits)
{
}

void GuardedTcpServer::incomingConnection(qintptr descriptor)
{
    auto *socket = new QTcpSocket;
    if (!socket->setSocketDescriptor(descriptor)) {
        delete socket;
        return;
    }
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    // Owned by this listener, so connections still open when the worker shuts down are closed
    // (and their exchanges see clientGone()) instead of leaking.
    socket->setParent(this);
    ConnectionGuard *guard = ConnectionGuard::install(socket, m_httpServer, m_limits);
    // The HTTP server connects its readyRead slot while handling this call.
    addPendingConnection(socket);
    guard->attachPostReadSlot();
}

GatewayHttpServer::GatewayHttpServer(Router router, NotFoundHandler notFound, QObject *parent)
    : QAbstractHttpServer(parent)
    , m_router(std::move(router))
    , m_notFound(std::move(notFound))
{
}

bool GatewayHttpServer::adoptListeningSocket(qintptr listeningDescriptor,
                                             const ConnectionGuard::Limits &limits)
{
    auto *tcp = new GuardedTcpServer(this, limits);
    tcp->setMaxPendingConnections(1024);
    if (!tcp->setSocketDescriptor(listeningDescriptor)) {
        delete tcp;
        return false;
    }
    bind(tcp);
    m_listeners.append(tcp);
    return true;
}

void GatewayHttpServer::stopAccepting()
{
    for (GuardedTcpServer *tcp : std::as_const(m_listeners))
        tcp->close();
}

QByteArray GatewayHttpServer::nextRequestId()
{
    static std::atomic<qint64> last{0};
    const qint64 now = QDateTime::currentMSecsSinceEpoch() * 1000;
    qint64 previous = last.load();
    qint64 next = 0;
    do {
        next = qMax(now, previous + 1);
    } while (!last.compare_exchange_weak(previous, next));
    return QByteArray::number(next);
}

namespace {

QByteArray methodName(QHttpServerRequest::Method method)
{
    switch (method) {
    case QHttpServerRequest::Method::Get:
        return "GET";
    case QHttpServerRequest::Method::Put:
        return "PUT";
    case QHttpServerRequest::Method::Delete:
        return "DELETE";
    case QHttpServerRequest::Method::Post:
        return "POST";
    case QHttpServerRequest::Method::Head:
        return "HEAD";
    case QHttpServerRequest::Method::Options:
        return "OPTIONS";
    case QHttpServerRequest::Method::Patch:
        return "PATCH";
    default:
        return "UNKNOWN";
    }
}

} // namespace

bool GatewayHttpServer::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    ConnectionGuard *guard = ConnectionGuard::of(socket);
    if (guard && !guard->beginResponse())
        return true; // Pipelined or closing: dropped, the connection closes after the current
                     // reply.

    HttpRequest copy;
    copy.method = methodName(request.method());
    const QUrl url = request.url();
    copy.path = url.path();
    copy.query = QUrlQuery(url);
    const auto headers = request.headers();
    copy.headers.reserve(headers.size());
    for (const auto &header : headers)
        copy.headers.append({header.first, header.second});
    copy.body = request.body();
    copy.remoteAddress = request.remoteAddress();

    auto *exchange = new HttpExchange(socket, guard, nextRequestId());
    ++m_active;
    connect(exchange, &QObject::destroyed, this, [this] { --m_active; });
    bool methodMismatch = false;
    if (const Router::Handler *handler = m_router.match(copy, &methodMismatch))
        (*handler)(copy, exchange);
    else
        m_notFound(copy, exchange, methodMismatch);
    return true;
}

void GatewayHttpServer::missingHandler(const QHttpServerRequest &, QTcpSocket *)
{
    // Unreachable: handleRequest() always answers.
}
