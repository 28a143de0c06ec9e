#include "httpworker.h"

#include "config/gatewayconfig.h"
#include "http/gatewayhttpserver.h"
#include "http/httpexchange.h"
#include "relay/openaierror.h"
#include "relay/relaycontroller.h"
#include "upstream/curlmulti.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTimer>

HttpWorker::HttpWorker(int index, const GatewayConfig &config, SnapshotStore *snapshots,
                       LogWriter *logs, RelayState *relayState, RouteInstaller installRoutes)
    : m_index(index)
    , m_config(config)
    , m_snapshots(snapshots)
    , m_logs(logs)
    , m_relayState(relayState)
    , m_installRoutes(std::move(installRoutes))
{
    m_thread.setObjectName(QStringLiteral("aiproxy-http-%1").arg(index));
}

HttpWorker::~HttpWorker()
{
    shutdown();
}

bool HttpWorker::start(qintptr listeningDescriptor)
{
    moveToThread(&m_thread);
    m_thread.start();
    bool ok = false;
    QMetaObject::invokeMethod(
        this, [this, listeningDescriptor, &ok] { setUp(listeningDescriptor, &ok); },
        Qt::BlockingQueuedConnection);
    return ok;
}

void HttpWorker::setUp(qintptr listeningDescriptor, bool *ok)
{
    m_curl = new CurlMulti;
    m_relay = new RelayController(m_config, m_snapshots, m_logs, m_curl, m_relayState);
    Router router;
    m_relay->registerRoutes(router);
    auto notFound = [](HttpRequest &request, HttpExchange *exchange, bool methodMismatch) {
        const int status = methodMismatch ? 405 : 404;
        const QString message = methodMismatch
                                    ? QStringLiteral("method %1 is not allowed for %2")
                                          .arg(QString::fromLatin1(request.method), request.path)
                                    : QStringLiteral("no route for %1 %2")
                                          .arg(QString::fromLatin1(request.method), request.path);
        if (request.path.startsWith(QLatin1String("/api/"))) {
            exchange->send(status, "application/json",
                           QJsonDocument(QJsonObject{{QStringLiteral("success"), false},
                                                     {QStringLiteral("message"), message},
                                                     {QStringLiteral("data"), QJsonValue()}})
                               .toJson(QJsonDocument::Compact));
        } else {
            exchange->send(status, "application/json",
                           OpenAIError::body(message, QStringLiteral("invalid_request_error"),
                                             QStringLiteral("not_found"), exchange->requestId()));
        }
    };
    if (m_installRoutes)
        m_installRoutes(router, this);
    m_server = new GatewayHttpServer(std::move(router), notFound);
    ConnectionGuard::Limits limits;
    limits.maxBodyBytes = m_config.maxRequestBodyBytes;
    limits.idleTimeoutMs = m_config.idleTimeoutSec * 1000;
    limits.requestTimeoutMs = m_config.headerTimeoutSec * 1000;
    *ok = m_server->adoptListeningSocket(listeningDescriptor, limits);
    auto *counter = new QTimer(m_server);
    counter->setInterval(20);
    connect(counter, &QTimer::timeout, m_server,
            [this] { m_active = m_server->activeExchanges(); });
    counter->start();
}

void HttpWorker::stopAccepting()
{
    if (!m_thread.isRunning())
        return;
    QMetaObject::invokeMethod(
        this,
        [this] {
            if (m_server)
                m_server->stopAccepting();
        },
        Qt::BlockingQueuedConnection);
}

int HttpWorker::activeRequests() const
{
    return m_active.load();
}

void HttpWorker::tearDown()
{
    delete m_server; // Closes remaining connections.
    m_server = nullptr;
    delete m_relay; // Destroys live sessions and their upstream calls.
    m_relay = nullptr;
    delete m_curl;
    m_curl = nullptr;
    moveToThread(nullptr);
    m_thread.quit();
}

void HttpWorker::shutdown()
{
    if (!m_thread.isRunning())
        return;
    QMetaObject::invokeMethod(
        this, [this] { tearDown(); }, Qt::BlockingQueuedConnection);
    m_thread.wait();
}
