#include "sqlwhere.h"

void SqlWhere::add(const QString &clause, const QVariantList &values)
{
    m_clauses << clause;
    m_values << values;
}

void SqlWhere::equals(const QString &column, const QVariant &value)
{
    add(column + QStringLiteral(" = ?"), {value});
}

void SqlWhere::in(const QString &column, const QVariantList &values)
{
    if (values.isEmpty()) {
        add(QStringLiteral("1 = 0"));
        return;
    }
    add(QStringLiteral("%1 IN (%2)")
            .arg(column, QStringList(values.size(), QStringLiteral("?")).join(QLatin1Char(','))),
        values);
}

void SqlWhere::contains(const QStringList &columns, const QString &text)
{
    if (text.isEmpty() || columns.isEmpty())
        return;
    QStringList alternatives;
    QVariantList values;
    const QString pattern = likePattern(text.toLower());
    for (const QString &column : columns) {
        alternatives << QStringLiteral("LOWER(%1) LIKE ? ESCAPE '\\'").arg(column);
        values << pattern;
    }
    add(QLatin1Char('(') + alternatives.join(QStringLiteral(" OR ")) + QLatin1Char(')'), values);
}

QString SqlWhere::sql() const
{
    if (m_clauses.isEmpty())
        return {};
    return QStringLiteral(" WHERE ") + m_clauses.join(QStringLiteral(" AND "));
}

QString SqlWhere::likePattern(const QString &text)
{
    QString escaped = text;
    escaped.replace(QLatin1Char('\\'), QStringLiteral("\\\\"));
    escaped.replace(QLatin1Char('%'), QStringLiteral("\\%"));
    escaped.replace(QLatin1Char('_'), QStringLiteral("\\_"));
    return QLatin1Char('%') + escaped + QLatin1Char('%');
}
