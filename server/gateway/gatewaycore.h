#pragma once

#include "config/gatewayconfig.h"

#include <QObject>
#include <QThread>

#include <memory>
#include <vector>

class AdminService;
class Database;
class HttpWorker;
class LogWriter;
class SnapshotStore;
struct RelayState;

/// Owns and wires the gateway: databases, log writer, configuration snapshot, the admin
/// thread and the HTTP worker threads. Used by the console service, the desktop app and tests.
/// Create, start() and stop() it from one thread (usually the main thread).
class GatewayCore : public QObject
{
    Q_OBJECT
public:
    explicit GatewayCore(GatewayConfig config, QObject *parent = nullptr);
    ~GatewayCore() override;

    /// Opens the databases (running migrations), loads the snapshot and starts serving.
    bool start(QString *error);
    /// Graceful stop: stop accepting, let in-flight requests finish for up to \a drainMs,
    /// then flush pending log rows and stop all threads.
    void stop(int drainMs);

    quint16 port() const { return m_port; }
    const GatewayConfig &config() const { return m_config; }
    Database *mainDatabase() const { return m_mainDb.get(); }
    Database *logDatabase() const;
    LogWriter *logWriter() const { return m_logWriter.get(); }
    SnapshotStore *snapshots() const { return m_snapshots.get(); }
    /// Error rates, bans, routing events and the routing clock shared by all threads.
    RelayState *relayState() const { return m_relayState.get(); }
    /// Lives on adminThread(); call it there (e.g. QMetaObject::invokeMethod).
    AdminService *adminService() const { return m_admin; }
    QThread *adminThread() { return &m_adminThread; }
    /// Requests being answered by all workers.
    int activeRequests() const;
    /// Reloads the snapshot on the admin thread and waits for it.
    void reloadSnapshot();

private:
    GatewayConfig m_config;
    std::unique_ptr<Database> m_mainDb;
    std::unique_ptr<Database> m_logDb;
    std::unique_ptr<SnapshotStore> m_snapshots;
    std::unique_ptr<LogWriter> m_logWriter;
    std::unique_ptr<RelayState> m_relayState;
    QThread m_adminThread;
    AdminService *m_admin = nullptr;
    std::vector<std::unique_ptr<HttpWorker>> m_workers;
    quint16 m_port = 0;
    bool m_running = false;
};
