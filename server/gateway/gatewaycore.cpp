#include "gatewaycore.h"

#include "admin/adminroutes.h"
#include "admin/adminservice.h"
#include "configsnapshot.h"
#include "http/listensocket.h"
#include "httpworker.h"
#include "relay/relaystate.h"
#include "storage/database.h"
#include "storage/logwriter.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QTimer>

GatewayCore::GatewayCore(GatewayConfig config, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
    , m_snapshots(std::make_unique<SnapshotStore>())
    , m_relayState(std::make_unique<RelayState>())
{
    m_adminThread.setObjectName(QStringLiteral("aiproxy-admin"));
}

GatewayCore::~GatewayCore()
{
    stop(0);
}

Database *GatewayCore::logDatabase() const
{
    return m_logDb ? m_logDb.get() : m_mainDb.get();
}

bool GatewayCore::start(QString *error)
{
    if (m_config.adminKey.isEmpty()) {
        QString persistError;
        m_config.adminKey =
            ConfigLoader::generateAndPersistAdminKey(m_config.dataDir, &persistError);
        m_config.adminKeyGenerated = true;
        if (!persistError.isEmpty())
            qWarning().noquote() << persistError;
    }
    QString specError;
    DatabaseSpec mainSpec = DatabaseSpec::parse(m_config.sqlDsn, m_config.resolvedSqlitePath(),
                                                m_config.sqliteBusyTimeoutMs, &specError);
    if (!specError.isEmpty()) {
        *error = QStringLiteral("SQL_DSN: %1").arg(specError);
        return false;
    }
    m_mainDb = std::make_unique<Database>(mainSpec, QStringLiteral("main"));
    if (!m_config.logSqlDsn.isEmpty()) {
        DatabaseSpec logSpec = DatabaseSpec::parse(m_config.logSqlDsn, QString(),
                                                   m_config.sqliteBusyTimeoutMs, &specError);
        if (!specError.isEmpty()) {
            *error = QStringLiteral("LOG_SQL_DSN: %1").arg(specError);
            return false;
        }
        m_logDb = std::make_unique<Database>(logSpec, QStringLiteral("log"));
        if (!m_mainDb->open({Database::Schema::Main}, error) ||
            !m_logDb->open({Database::Schema::Log}, error))
            return false;
    } else if (!m_mainDb->open({Database::Schema::Main, Database::Schema::Log}, error)) {
        return false;
    }

    AutoBanSettings autoBan;
    autoBan.enabled = m_config.autoBan;
    autoBan.banRate = m_config.autoBanRate;
    autoBan.warnRate = m_config.warnErrorRate;
    autoBan.banMs = qint64(m_config.autoBanDurationSec) * 1000;
    m_relayState->health.configure(autoBan);

    auto snapshot = ConfigSnapshot::load(*m_mainDb, m_config.disableModelConfig, error);
    if (!snapshot)
        return false;
    m_snapshots->publish(std::move(snapshot));

    m_logWriter = std::make_unique<LogWriter>(logDatabase(), m_config.logFlushIntervalMs,
                                              m_config.logBatchSize, m_config.logMaxPending);
    m_logWriter->start();

    m_admin = new AdminService(m_config, m_mainDb.get(), logDatabase(), m_logWriter.get(),
                               m_snapshots.get(), m_relayState.get());
    m_admin->moveToThread(&m_adminThread);
    m_adminThread.start();
    // Periodic reload picks up changes made by other instances sharing the database.
    QMetaObject::invokeMethod(
        m_admin,
        [this] {
            auto *timer = new QTimer(m_admin);
            connect(timer, &QTimer::timeout, m_admin, [this] { m_admin->reloadSnapshot(); });
            timer->start(m_config.configReloadSec * 1000);
            m_admin->startBackgroundJobs();
        },
        Qt::BlockingQueuedConnection);

#ifdef Q_OS_LINUX
    const int workerCount = m_config.effectiveWorkerThreads();
#else
    const int workerCount = 1; // Only Linux spreads SO_REUSEPORT connections across sockets.
#endif
    quint16 port = m_config.listenPort;
    for (int i = 0; i < workerCount; ++i) {
        QString listenError;
        const qintptr fd =
            createListeningSocket(m_config.listenAddress, port, workerCount > 1, &listenError);
        if (fd < 0) {
            *error = listenError;
            stop(0);
            return false;
        }
        port = boundPort(fd);
        AdminService *admin = m_admin;
        const QString adminKey = m_config.adminKey;
        auto worker = std::make_unique<HttpWorker>(
            i, m_config, m_snapshots.get(), m_logWriter.get(), m_relayState.get(),
            [admin, adminKey](Router &router, QObject *threadContext) {
                AdminRoutes::install(router, admin, threadContext, adminKey);
            });
        if (!worker->start(fd)) {
            closeDescriptor(fd);
            *error = QStringLiteral("worker %1 could not serve the listening socket").arg(i);
            stop(0);
            return false;
        }
        m_workers.push_back(std::move(worker));
    }
    m_port = port;
    m_running = true;
    return true;
}

int GatewayCore::activeRequests() const
{
    int total = 0;
    for (const auto &worker : m_workers)
        total += worker->activeRequests();
    return total;
}

void GatewayCore::reloadSnapshot()
{
    if (!m_admin)
        return;
    QMetaObject::invokeMethod(
        m_admin, [this] { m_admin->reloadSnapshot(); }, Qt::BlockingQueuedConnection);
}

void GatewayCore::stop(int drainMs)
{
    for (auto &worker : m_workers)
        worker->stopAccepting();
    if (drainMs > 0) {
        QDeadlineTimer deadline(drainMs);
        // Workers update their counters every 20 ms; wait for them to settle at zero.
        QThread::msleep(50);
        while (activeRequests() > 0 && !deadline.hasExpired())
            QThread::msleep(20);
    }
    // Workers first: no new admin jobs can be queued once their connections are gone.
    for (auto &worker : m_workers)
        worker->shutdown();
    if (m_admin) {
        QMetaObject::invokeMethod(
            m_admin,
            [this] {
                delete m_admin;
                m_admin = nullptr;
            },
            Qt::BlockingQueuedConnection);
    }
    m_adminThread.quit();
    m_adminThread.wait();
    m_workers.clear();
    if (m_logWriter)
        m_logWriter->stop();
    m_running = false;
}
