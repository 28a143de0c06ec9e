#pragma once

#include <QString>

/// Where a database lives, parsed from aiproxy's SQL_DSN / SQLITE_PATH settings.
struct DatabaseSpec
{
    enum class Dialect
    {
        Sqlite,
        Postgres
    };

    Dialect dialect = Dialect::Sqlite;
    QString sqlitePath; ///< Sqlite only; ":memory:" is not supported (one file shared by threads).
    int sqliteBusyTimeoutMs = 3000;
    QString host; ///< Postgres only.
    int port = 5432;
    QString databaseName;
    QString user;
    QString password;
    QString connectOptions; ///< QPSQL connect options, e.g. "sslmode=disable;connect_timeout=5".

    /// Parses a DSN: empty → SQLite at \a sqlitePath; postgres:// or postgresql:// → PostgreSQL.
    /// Anything else is an error written to \a error.
    static DatabaseSpec parse(const QString &dsn, const QString &sqlitePath, int busyTimeoutMs,
                              QString *error);

    /// Human-readable location with the password removed, safe for logs.
    QString describe() const;
};
