#pragma once

#include <QJsonValue>
#include <QObject>
#include <QString>

class Database;
class LogWriter;
class SnapshotStore;
struct GatewayConfig;

/// The admin use cases, shared by the HTTP admin API and the desktop UI.
///
/// Threading: lives on the gateway's admin thread and is only called there (HTTP routes reach
/// it through replyFromThread()). It owns all writes to the main database; after each change it
/// rebuilds the configuration snapshot the request threads read.
class AdminService : public QObject
{
    Q_OBJECT
public:
    /// Result of a use case: \a status is the HTTP status, \a data the envelope's data.
    struct Result
    {
        int status = 200;
        QString message;
        QJsonValue data;
        static Result ok(QJsonValue data = QJsonValue()) { return {200, QString(), std::move(data)}; }
        static Result error(int status, QString message) { return {status, std::move(message), QJsonValue()}; }
        bool isOk() const { return status >= 200 && status < 300; }
    };

    AdminService(const GatewayConfig &config, Database *mainDb, Database *logDb, LogWriter *logs,
                 SnapshotStore *snapshots, QObject *parent = nullptr);

    /// Rebuilds the snapshot from the database. Returns false (keeping the old one) on error.
    bool reloadSnapshot(QString *error = nullptr);

    Database *mainDatabase() const { return m_main; }
    Database *logDatabase() const { return m_log; }
    LogWriter *logWriter() const { return m_logs; }
    const GatewayConfig &config() const { return m_config; }

private:
    const GatewayConfig &m_config;
    Database *m_main;
    Database *m_log;
    LogWriter *m_logs;
    SnapshotStore *m_snapshots;
};
