#include "database.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSqlError>
#include <QSqlQuery>
#include <QThread>
#include <QThreadStorage>

#include <atomic>

namespace {

QString schemaKey(Database::Schema schema)
{
    return schema == Database::Schema::Main ? QStringLiteral("main") : QStringLiteral("log");
}

/// Removes a thread's connections when the thread ends (QThreadStorage deletes it then).
struct ThreadConnections
{
    QStringList names;
    ~ThreadConnections()
    {
        for (const QString &name : std::as_const(names)) {
            {
                QSqlDatabase::database(name, false).close();
            }
            QSqlDatabase::removeDatabase(name);
        }
    }
};

QThreadStorage<ThreadConnections *> &threadConnections()
{
    static QThreadStorage<ThreadConnections *> storage;
    return storage;
}

std::atomic<quint64> g_nextInstance{1};

} // namespace

Database::Database(DatabaseSpec spec, QString name)
    : m_spec(std::move(spec))
    , m_name(std::move(name))
    , m_instance(g_nextInstance.fetch_add(1))
{
}

Database::~Database()
{
    // Other threads' connections go with their threads; this thread's goes now.
    const QString connectionName = connectionNameForThread();
    if (!QSqlDatabase::contains(connectionName))
        return;
    QSqlDatabase::database(connectionName, false).close(); // The temporary handle dies here.
    QSqlDatabase::removeDatabase(connectionName);
    if (threadConnections().hasLocalData())
        threadConnections().localData()->names.removeAll(connectionName);
}

QString Database::connectionNameForThread() const
{
    return QStringLiteral("%1-%2-%3")
        .arg(m_name)
        .arg(m_instance)
        .arg(reinterpret_cast<quintptr>(QThread::currentThread()));
}

QSqlDatabase Database::openForThread(const QString &connectionName)
{
    const bool sqlite = m_spec.dialect == DatabaseSpec::Dialect::Sqlite;
    QSqlDatabase db = QSqlDatabase::addDatabase(
        sqlite ? QStringLiteral("QSQLITE") : QStringLiteral("QPSQL"), connectionName);
    if (sqlite) {
        const QFileInfo info(m_spec.sqlitePath);
        if (!info.absoluteDir().exists())
            QDir().mkpath(info.absolutePath());
        db.setDatabaseName(m_spec.sqlitePath);
        db.setConnectOptions(
            QStringLiteral("QSQLITE_BUSY_TIMEOUT=%1").arg(m_spec.sqliteBusyTimeoutMs));
    } else {
        db.setHostName(m_spec.host);
        db.setPort(m_spec.port);
        db.setDatabaseName(m_spec.databaseName);
        db.setUserName(m_spec.user);
        db.setPassword(m_spec.password);
        db.setConnectOptions(m_spec.connectOptions);
    }
    if (db.open() && sqlite) {
        QSqlQuery pragma(db);
        pragma.exec(QStringLiteral("PRAGMA journal_mode=WAL"));
        pragma.exec(QStringLiteral("PRAGMA synchronous=NORMAL"));
        pragma.exec(QStringLiteral("PRAGMA busy_timeout=%1").arg(m_spec.sqliteBusyTimeoutMs));
    }
    auto &storage = threadConnections();
    if (!storage.hasLocalData())
        storage.setLocalData(new ThreadConnections);
    storage.localData()->names << connectionName;
    return db;
}

QSqlDatabase Database::connection()
{
    const QString connectionName = connectionNameForThread();
    if (QSqlDatabase::contains(connectionName)) {
        QSqlDatabase db = QSqlDatabase::database(connectionName, false);
        if (!db.isOpen())
            db.open();
        return db;
    }
    return openForThread(connectionName);
}

bool Database::open(const QList<Schema> &schemas, QString *error)
{
    QSqlDatabase db = connection();
    if (!db.isOpen()) {
        if (error)
            *error = QStringLiteral("cannot open %1 database %2: %3")
                         .arg(m_name, m_spec.describe(), db.lastError().text());
        return false;
    }
    for (Schema schema : schemas) {
        if (!migrate(schema, error))
            return false;
    }
    return true;
}

QStringList Database::migrationScripts(Schema schema, DatabaseSpec::Dialect dialect)
{
    const bool sqlite = dialect == DatabaseSpec::Dialect::Sqlite;
    QStringList scripts;
    for (int version = 1;; ++version) {
        QFile file(QStringLiteral(":/sql/%1/%2_init.sql")
                       .arg(schemaKey(schema))
                       .arg(version, 4, 10, QLatin1Char('0')));
        if (!file.open(QIODevice::ReadOnly)) {
            // Later versions are named NNNN_<anything>.sql; look them up by prefix.
            const QDir dir(QStringLiteral(":/sql/%1").arg(schemaKey(schema)));
            const QStringList matches = dir.entryList(
                {QStringLiteral("%1_*.sql").arg(version, 4, 10, QLatin1Char('0'))}, QDir::Files);
            if (matches.isEmpty())
                break;
            file.setFileName(dir.filePath(matches.first()));
            if (!file.open(QIODevice::ReadOnly))
                break;
        }
        QString sql = QString::fromUtf8(file.readAll());
        sql.replace(QLatin1String("{{ID}}"),
                    sqlite ? QStringLiteral("INTEGER PRIMARY KEY AUTOINCREMENT")
                           : QStringLiteral("BIGSERIAL PRIMARY KEY"));
        sql.replace(QLatin1String("{{REAL}}"),
                    sqlite ? QStringLiteral("REAL") : QStringLiteral("DOUBLE PRECISION"));
        scripts << sql;
    }
    return scripts;
}

int Database::schemaVersion(Schema schema)
{
    QSqlQuery query(connection());
    query.prepare(QStringLiteral("SELECT MAX(version) FROM schema_migrations WHERE component = ?"));
    query.addBindValue(schemaKey(schema));
    if (!query.exec() || !query.next())
        return 0;
    return query.value(0).toInt();
}

bool Database::migrate(Schema schema, QString *error)
{
    QSqlDatabase db = connection();
    QSqlQuery query(db);
    if (!query.exec(
            QStringLiteral("CREATE TABLE IF NOT EXISTS schema_migrations ("
                           "component TEXT NOT NULL, version INTEGER NOT NULL, "
                           "applied_at BIGINT NOT NULL, PRIMARY KEY (component, version))"))) {
        if (error)
            *error =
                QStringLiteral("migration bookkeeping failed: %1").arg(query.lastError().text());
        return false;
    }
    const int current = schemaVersion(schema);
    const QStringList scripts = migrationScripts(schema, m_spec.dialect);
    for (int index = current; index < scripts.size(); ++index) {
        if (!db.transaction()) {
            if (error)
                *error = db.lastError().text();
            return false;
        }
        const QStringList statements =
            scripts.at(index).split(QLatin1Char(';'), Qt::SkipEmptyParts);
        for (const QString &raw : statements) {
            QString statement;
            for (const QString &line : raw.split(QLatin1Char('\n'))) {
                if (!line.trimmed().startsWith(QLatin1String("--")))
                    statement += line + QLatin1Char('\n');
            }
            if (statement.trimmed().isEmpty())
                continue;
            if (!query.exec(statement)) {
                if (error)
                    *error = QStringLiteral("%1 migration %2 failed: %3")
                                 .arg(schemaKey(schema))
                                 .arg(index + 1)
                                 .arg(query.lastError().text());
                db.rollback();
                return false;
            }
        }
        query.prepare(QStringLiteral(
            "INSERT INTO schema_migrations (component, version, applied_at) VALUES (?, ?, ?)"));
        query.addBindValue(schemaKey(schema));
        query.addBindValue(index + 1);
        query.addBindValue(QDateTime::currentMSecsSinceEpoch());
        if (!query.exec() || !db.commit()) {
            if (error)
                *error = query.lastError().text();
            db.rollback();
            return false;
        }
    }
    return true;
}
