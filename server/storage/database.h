#pragma once

#include "databasespec.h"

#include <QSqlDatabase>
#include <QString>
#include <QStringList>

/// A logical database (main or log) with one QtSql connection per thread.
///
/// Thread-safety: connection() may be called from any thread; it returns the calling thread's
/// own connection, opening it on first use. Connections are closed when their thread ends, and
/// the destroying thread's own connection when the Database is destroyed. Connection names are
/// unique per Database instance, so a later instance (e.g. a restarted core in the same
/// process) never picks up an earlier instance's connection.
class Database
{
public:
    enum class Schema
    {
        Main,
        Log
    };

    Database(DatabaseSpec spec, QString name);
    ~Database();
    Q_DISABLE_COPY_MOVE(Database)

    /// Opens the calling thread's connection and applies pending migrations of \a schemas.
    bool open(const QList<Schema> &schemas, QString *error);

    /// The calling thread's connection (opened lazily). Check isOpen() on failure.
    QSqlDatabase connection();

    DatabaseSpec::Dialect dialect() const { return m_spec.dialect; }
    const DatabaseSpec &spec() const { return m_spec; }
    QString name() const { return m_name; }

    /// Highest applied migration version of \a schema, or 0.
    int schemaVersion(Schema schema);

    /// SQL text of the migrations of \a schema for \a dialect, in order (version = index + 1).
    static QStringList migrationScripts(Schema schema, DatabaseSpec::Dialect dialect);

private:
    bool migrate(Schema schema, QString *error);
    QSqlDatabase openForThread(const QString &connectionName);
    QString connectionNameForThread() const;

    DatabaseSpec m_spec;
    QString m_name;
    quint64 m_instance;
};
