#include "repository.h"

#include "database.h"

#include <QDateTime>
#include <QSqlError>

QString Repository::describe(const QSqlError &error)
{
    // PostgreSQL adds DETAIL lines that may quote row values (e.g. a duplicate key): keep the
    // first line of the server's message only.
    const QString server = error.databaseText().section(QLatin1Char('\n'), 0, 0).trimmed();
    const QString driver = error.driverText().trimmed();
    if (server.isEmpty())
        return driver;
    return driver.isEmpty() ? server : server + QStringLiteral(" (") + driver + QLatin1Char(')');
}

Repository::Repository(Database &database)
    : m_db(database.connection())
{
    if (!m_db.isOpen())
        m_error = QStringLiteral("database is not open: %1").arg(describe(m_db.lastError()));
}

bool Repository::exec(QSqlQuery &query, const QString &sql, const QVariantList &values)
{
    if (!query.prepare(sql)) {
        m_error = describe(query.lastError());
        return false;
    }
    for (const QVariant &value : values) {
        // A null QString binds as SQL NULL; the schema's text columns are NOT NULL.
        if (value.typeId() == QMetaType::QString && value.toString().isNull())
            query.addBindValue(QStringLiteral(""));
        else
            query.addBindValue(value);
    }
    if (!query.exec()) {
        m_error = describe(query.lastError());
        return false;
    }
    return true;
}

qint64 Repository::execAffected(const QString &sql, const QVariantList &values)
{
    QSqlQuery query(m_db);
    if (!exec(query, sql, values))
        return -1;
    return query.numRowsAffected();
}

qint64 Repository::scalar(const QString &sql, const QVariantList &values)
{
    QSqlQuery query(m_db);
    query.setForwardOnly(true);
    if (!exec(query, sql, values))
        return -1;
    return query.next() ? query.value(0).toLongLong() : 0;
}

qint64 Repository::insertRow(const QString &table, const QStringList &columns,
                             const QVariantList &values)
{
    QSqlQuery query(m_db);
    const QString sql =
        QStringLiteral("INSERT INTO %1 (%2) VALUES (%3)")
            .arg(table, columns.join(QLatin1Char(',')),
                 QStringList(columns.size(), QStringLiteral("?")).join(QLatin1Char(',')));
    if (!exec(query, sql, values))
        return -1;
    // QSQLITE reads sqlite3_last_insert_rowid(); QPSQL runs "SELECT lastval()".
    return query.lastInsertId().toLongLong();
}

qint64 Repository::updateRows(const QString &table, const QStringList &columns, QVariantList values,
                              const SqlWhere &where)
{
    QStringList assignments;
    for (const QString &column : columns)
        assignments << column + QStringLiteral(" = ?");
    values << where.values();
    return execAffected(QStringLiteral("UPDATE %1 SET %2%3")
                            .arg(table, assignments.join(QLatin1Char(',')), where.sql()),
                        values);
}

bool Repository::transaction(const std::function<bool()> &work)
{
    if (hasError())
        return false;
    if (!m_db.transaction()) {
        m_error = describe(m_db.lastError());
        return false;
    }
    if (work() && !hasError() && m_db.commit())
        return true;
    if (m_error.isEmpty())
        m_error = describe(m_db.lastError());
    m_db.rollback();
    return false;
}

QString Repository::orderBy(const QString &order, const QStringList &columns,
                            const QString &fallback)
{
    const QString column = order.section(QLatin1Char('-'), 0, 0).trimmed();
    if (!columns.contains(column))
        return fallback;
    const bool ascending = order.section(QLatin1Char('-'), 1).trimmed() == QLatin1String("asc");
    return column + (ascending ? QStringLiteral(" ASC") : QStringLiteral(" DESC"));
}

qint64 Repository::nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}
