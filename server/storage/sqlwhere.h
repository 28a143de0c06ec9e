#pragma once

#include <QString>
#include <QStringList>
#include <QVariantList>

/// Builds a WHERE clause from AND-ed conditions with positional ('?') parameters, so every
/// filter value is bound, never spliced into the SQL text. Works on SQLite and PostgreSQL.
class SqlWhere
{
public:
    /// Adds \a clause (with '?' placeholders for \a values).
    void add(const QString &clause, const QVariantList &values = {});
    /// `column = value`.
    void equals(const QString &column, const QVariant &value);
    /// `column IN (...)`; an empty \a values list matches nothing.
    void in(const QString &column, const QVariantList &values);
    /// Case-insensitive substring match of \a text on any of \a columns; no-op when empty.
    void contains(const QStringList &columns, const QString &text);

    /// " WHERE a AND b", or an empty string without conditions.
    QString sql() const;
    const QVariantList &values() const { return m_values; }

    /// LIKE pattern matching \a text as a substring (wildcards escaped with '\').
    static QString likePattern(const QString &text);

private:
    QStringList m_clauses;
    QVariantList m_values;
};
