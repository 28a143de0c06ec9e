#pragma once

#include "connectionguard.h"
#include "router.h"

#include <QAbstractHttpServer>
#include <QTcpServer>

#include <functional>

/// QTcpServer over an already-listening descriptor that installs a ConnectionGuard on every
/// accepted socket (TCP_NODELAY, limits, timeouts) before the HTTP server sees it.
class GuardedTcpServer : public QTcpServer
{
    Q_OBJECT
public:
    GuardedTcpServer(QObject *httpServer, ConnectionGuard::Limits limits,
                     QObject *parent = nullptr);

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    QObject *m_httpServer;
    ConnectionGuard::Limits m_limits;
};

/// One HTTP server per worker thread. Requests are dispatched through a Router; responses are
/// written by HttpExchange. Unmatched requests get a 404 in the caller's protocol.
class GatewayHttpServer : public QAbstractHttpServer
{
    Q_OBJECT
public:
    using NotFoundHandler =
        std::function<void(HttpRequest &request, HttpExchange *exchange, bool methodMismatch)>;

    GatewayHttpServer(Router router, NotFoundHandler notFound, QObject *parent = nullptr);

    /// Serves connections accepted on \a listeningDescriptor (already bound and listening).
    bool adoptListeningSocket(qintptr listeningDescriptor, const ConnectionGuard::Limits &limits);
    /// Stops accepting new connections (in-flight ones continue).
    void stopAccepting();
    /// Requests currently being answered on this server.
    int activeExchanges() const { return m_active; }

    /// A new unique request id: Unix microseconds, 16 digits (as aiproxy's X-Request-Id).
    static QByteArray nextRequestId();

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    Router m_router;
    NotFoundHandler m_notFound;
    QList<GuardedTcpServer *> m_listeners;
    int m_active = 0;
};
