#pragma once

#include "http/connectionguard.h"
#include "http/router.h"

#include <QObject>
#include <QThread>

#include <functional>

class CurlMulti;
class GatewayHttpServer;
class RelayController;
class LogWriter;
class SnapshotStore;
struct RelayState;
struct GatewayConfig;

/// One event-loop thread with its own HTTP server (on a shared SO_REUSEPORT port), upstream
/// client and relay controller. A request is handled entirely on the thread that accepted it.
class HttpWorker : public QObject
{
    Q_OBJECT
public:
    /// Adds routes that are not part of the relay (admin API). Called on the worker thread;
    /// \a threadContext is a QObject living on that thread (for replies computed elsewhere).
    using RouteInstaller = std::function<void(Router &router, QObject *threadContext)>;

    HttpWorker(int index, const GatewayConfig &config, SnapshotStore *snapshots, LogWriter *logs,
               RelayState *relayState, RouteInstaller installRoutes);
    ~HttpWorker() override;

    /// Starts the thread and serves \a listeningDescriptor. Blocks until ready.
    bool start(qintptr listeningDescriptor);
    /// Stops accepting connections; in-flight requests continue. Thread-safe.
    void stopAccepting();
    /// Requests being answered right now. Thread-safe.
    int activeRequests() const;
    /// Destroys everything on the worker thread and joins it.
    void shutdown();

private:
    void setUp(qintptr listeningDescriptor, bool *ok);
    void tearDown();

    int m_index;
    const GatewayConfig &m_config;
    SnapshotStore *m_snapshots;
    LogWriter *m_logs;
    RelayState *m_relayState;
    RouteInstaller m_installRoutes;
    QThread m_thread;
    CurlMulti *m_curl = nullptr;
    RelayController *m_relay = nullptr;
    GatewayHttpServer *m_server = nullptr;
    std::atomic<int> m_active{0};
};
