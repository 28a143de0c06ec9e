#pragma once

#include "page.h"
#include "sqlwhere.h"

#include <QList>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QString>
#include <QStringList>
#include <QVariantList>

#include <functional>
#include <optional>

class Database;
class QSqlError;

/// Base of the per-table repositories: plain SQL with bound parameters on the calling
/// thread's connection of a Database, valid for SQLite and PostgreSQL alike.
///
/// A repository is a short-lived object: create it where it is used, on the thread that uses
/// it. Failures are reported through lastError() (never containing bound values).
class Repository
{
public:
    const QString &lastError() const { return m_error; }
    bool hasError() const { return !m_error.isEmpty(); }

    /// Runs \a work in a transaction on this connection; commits when it returns true and no
    /// error was recorded, else rolls back. Returns whether it committed.
    bool transaction(const std::function<bool()> &work);

protected:
    explicit Repository(Database &database);

    /// Prepares \a sql, binds \a values in order and executes it. False on error.
    bool exec(QSqlQuery &query, const QString &sql, const QVariantList &values = {});
    /// Runs a statement; returns the number of affected rows, or -1 on error.
    qint64 execAffected(const QString &sql, const QVariantList &values = {});
    /// The first column of the first row as an integer; -1 on error.
    qint64 scalar(const QString &sql, const QVariantList &values = {});
    /// Every row of \a sql mapped with T::fromRecord.
    template<typename T> QList<T> select(const QString &sql, const QVariantList &values = {})
    {
        QList<T> rows;
        QSqlQuery query(m_db);
        query.setForwardOnly(true);
        if (!exec(query, sql, values))
            return rows;
        while (query.next())
            rows.append(T::fromRecord(query.record()));
        return rows;
    }
    /// The first row of `SELECT * FROM table WHERE ...`, or nullopt (check hasError()).
    template<typename T> std::optional<T> selectOne(const QString &table, const SqlWhere &where)
    {
        const QList<T> rows = select<T>(QStringLiteral("SELECT * FROM ") + table + where.sql() +
                                            QStringLiteral(" LIMIT 1"),
                                        where.values());
        if (rows.isEmpty())
            return std::nullopt;
        return rows.first();
    }
    /// One page of `SELECT * FROM table WHERE ... ORDER BY ...` plus the total row count.
    template<typename T>
    Page<T> selectPage(const QString &table, const SqlWhere &where, const QString &orderBy,
                       const PageRequest &page)
    {
        Page<T> result;
        result.total =
            scalar(QStringLiteral("SELECT COUNT(*) FROM ") + table + where.sql(), where.values());
        if (result.total <= 0) {
            result.total = std::max<qint64>(result.total, 0);
            return result;
        }
        QVariantList values = where.values();
        values << page.perPage << page.offset();
        result.items = select<T>(QStringLiteral("SELECT * FROM %1%2 ORDER BY %3 LIMIT ? OFFSET ?")
                                     .arg(table, where.sql(), orderBy),
                                 values);
        return result;
    }
    /// INSERT of \a columns; returns the generated id (0 for tables without one), -1 on error.
    qint64 insertRow(const QString &table, const QStringList &columns, const QVariantList &values);
    /// UPDATE of \a columns for the rows matching \a where; affected rows or -1.
    qint64 updateRows(const QString &table, const QStringList &columns, QVariantList values,
                      const SqlWhere &where);

    /// aiproxy's order syntax "<column>[-asc|-desc]" (default descending) restricted to
    /// \a columns; anything else gives \a fallback. The result is SQL after ORDER BY.
    static QString orderBy(const QString &order, const QStringList &columns,
                           const QString &fallback);

    static qint64 nowMs();
    /// The text of \a error without anything that could quote bound values.
    static QString describe(const QSqlError &error);

    QSqlDatabase m_db;
    QString m_error;
};
