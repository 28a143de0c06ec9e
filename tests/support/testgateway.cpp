#include "testgateway.h"

#include "gateway/gatewaycore.h"
#include "storage/databasespec.h"

#include <QCoreApplication>
#include <QDebug>
#include <QRandomGenerator>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>

TestGateway::TestGateway() = default;

TestGateway::~TestGateway()
{
    stop();
}

QString TestGateway::postgresDsnFromEnvironment()
{
    return qEnvironmentVariable("AIPROXY_TEST_PG_DSN").trimmed();
}

bool TestGateway::start(const Options &options, QString *error)
{
    stop();
    m_dataDir = std::make_unique<QTemporaryDir>();
    if (!m_dataDir->isValid()) {
        *error = QStringLiteral("cannot create a temporary DATA_DIR");
        return false;
    }
    GatewayConfig config;
    config.listenAddress = QHostAddress::LocalHost;
    config.listenPort = 0;
    config.adminKey = adminKey;
    config.dataDir = m_dataDir->path();
    config.workerThreads = 2;
    config.shutdownTimeoutSec = 1;
    if (!options.postgresDsn.isEmpty()) {
        if (!createSchema(options.postgresDsn, error))
            return false;
        const QString separator = options.postgresDsn.contains(QLatin1Char('?'))
                                      ? QStringLiteral("&")
                                      : QStringLiteral("?");
        // libpq's "options" sets the search_path of every connection to the fresh schema.
        config.sqlDsn =
            options.postgresDsn + separator + QStringLiteral("options=-csearch_path%3D") + m_schema;
    }
    if (options.configure)
        options.configure(config);
    m_core = std::make_unique<GatewayCore>(config);
    if (!m_core->start(error)) {
        m_core.reset();
        dropSchema();
        return false;
    }
    return true;
}

void TestGateway::stop()
{
    if (m_core) {
        m_core->stop(0);
        m_core.reset();
    }
    dropSchema();
}

quint16 TestGateway::port() const
{
    return m_core ? m_core->port() : 0;
}

QUrl TestGateway::url(const QString &pathAndQuery) const
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(port()).arg(pathAndQuery));
}

bool TestGateway::createSchema(const QString &dsn, QString *error)
{
    m_schema = QStringLiteral("aiproxy_test_%1_%2")
                   .arg(QCoreApplication::applicationPid())
                   .arg(QRandomGenerator::global()->generate(), 8, 16, QLatin1Char('0'));
    m_serverDsn = dsn;
    if (!execOnServer(dsn, QStringLiteral("CREATE SCHEMA %1").arg(m_schema), error)) {
        m_schema.clear();
        return false;
    }
    return true;
}

void TestGateway::dropSchema()
{
    if (m_schema.isEmpty())
        return;
    QString error;
    if (!execOnServer(m_serverDsn, QStringLiteral("DROP SCHEMA IF EXISTS %1 CASCADE").arg(m_schema),
                      &error))
        qWarning().noquote() << "test gateway: could not drop schema" << m_schema << ":" << error;
    m_schema.clear();
}

bool TestGateway::execOnServer(const QString &dsn, const QString &sql, QString *error)
{
    QString specError;
    const DatabaseSpec spec = DatabaseSpec::parse(dsn, QString(), 3000, &specError);
    if (!specError.isEmpty() || spec.dialect != DatabaseSpec::Dialect::Postgres) {
        *error = specError.isEmpty() ? QStringLiteral("not a PostgreSQL DSN") : specError;
        return false;
    }
    const QString connectionName = QStringLiteral("test-gateway-admin-%1").arg(quintptr(this));
    bool ok = false;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), connectionName);
        db.setHostName(spec.host);
        db.setPort(spec.port);
        db.setDatabaseName(spec.databaseName);
        db.setUserName(spec.user);
        db.setPassword(spec.password);
        db.setConnectOptions(spec.connectOptions);
        if (!db.open()) {
            *error = QStringLiteral("cannot connect to %1: %2")
                         .arg(spec.describe(), db.lastError().text());
        } else {
            QSqlQuery query(db);
            query.exec(QStringLiteral("SET client_min_messages = warning"));
            ok = query.exec(sql);
            if (!ok)
                *error = query.lastError().text();
            db.close();
        }
    }
    QSqlDatabase::removeDatabase(connectionName);
    return ok;
}
