#pragma once

#include "config/gatewayconfig.h"

#include <QString>
#include <QTemporaryDir>
#include <QUrl>

#include <functional>
#include <memory>

class GatewayCore;

/// Runs a GatewayCore in-process for a test: 127.0.0.1 on an ephemeral port, a temporary
/// DATA_DIR (SQLite databases live there; a new one at every start()), a fixed admin key and
/// two worker threads.
///
/// With a PostgreSQL DSN, both databases go to a fresh schema of that server (created at
/// start(), dropped at stop()), so every run starts from an empty schema and concurrent test
/// processes never see each other's rows.
///
/// Create, start and stop it on the test's main thread.
class TestGateway
{
public:
    static inline const QString adminKey = QStringLiteral("test-admin-key-0123456789abcdef");

    struct Options
    {
        QString postgresDsn; ///< Empty: SQLite in the temporary DATA_DIR.
        std::function<void(GatewayConfig &)> configure; ///< Last-minute config changes.
    };

    TestGateway();
    ~TestGateway();
    Q_DISABLE_COPY_MOVE(TestGateway)

    bool start(const Options &options, QString *error);
    bool start(QString *error) { return start(Options(), error); }
    /// Stops the gateway (draining nothing) and drops the PostgreSQL schema, if any.
    void stop();

    GatewayCore *core() const { return m_core.get(); }
    quint16 port() const;
    /// http://127.0.0.1:<port><pathAndQuery>
    QUrl url(const QString &pathAndQuery = QString()) const;
    QString dataDir() const { return m_dataDir ? m_dataDir->path() : QString(); }

    /// The DSN in AIPROXY_TEST_PG_DSN, or an empty string when the variable is not set.
    static QString postgresDsnFromEnvironment();

private:
    bool createSchema(const QString &dsn, QString *error);
    void dropSchema();
    bool execOnServer(const QString &dsn, const QString &sql, QString *error);

    std::unique_ptr<QTemporaryDir> m_dataDir;
    std::unique_ptr<GatewayCore> m_core;
    QString m_serverDsn;
    QString m_schema;
};
