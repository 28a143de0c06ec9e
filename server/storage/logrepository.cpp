#include "logrepository.h"

namespace {

SqlWhere toWhere(const LogFilter &f)
{
    SqlWhere where;
    if (!f.group.isEmpty())
        where.equals(QStringLiteral("group_id"), f.group);
    if (f.startMs > 0)
        where.add(QStringLiteral("request_at >= ?"), {f.startMs});
    if (f.endMs > 0)
        where.add(QStringLiteral("request_at <= ?"), {f.endMs});
    if (!f.model.isEmpty())
        where.equals(QStringLiteral("model"), f.model);
    if (f.channelId > 0)
        where.equals(QStringLiteral("channel_id"), f.channelId);
    if (f.tokenId > 0)
        where.equals(QStringLiteral("token_id"), f.tokenId);
    if (!f.tokenName.isEmpty())
        where.equals(QStringLiteral("token_name"), f.tokenName);
    if (!f.requestId.isEmpty())
        where.equals(QStringLiteral("request_id"), f.requestId);
    if (!f.upstreamId.isEmpty())
        where.equals(QStringLiteral("upstream_id"), f.upstreamId);
    if (f.codeType == QLatin1String("success"))
        where.add(QStringLiteral("code = 200"));
    else if (f.codeType == QLatin1String("error"))
        where.add(QStringLiteral("code <> 200"));
    if (f.code > 0)
        where.equals(QStringLiteral("code"), f.code);
    if (!f.ip.isEmpty())
        where.equals(QStringLiteral("ip"), f.ip);
    if (!f.user.isEmpty())
        where.equals(QStringLiteral("end_user"), f.user);
    where.contains({QStringLiteral("request_id"), QStringLiteral("model"),
                    QStringLiteral("content"), QStringLiteral("token_name")},
                   f.keyword);
    return where;
}

} // namespace

LogFilter LogFilter::scope() const
{
    LogFilter filter;
    filter.group = group;
    filter.startMs = startMs;
    filter.endMs = endMs;
    return filter;
}

LogRepository::LogRepository(Database &database)
    : Repository(database)
{
}

Page<LogRecord> LogRepository::list(const LogFilter &filter, const PageRequest &page)
{
    QString order = QStringLiteral("request_at DESC, id DESC");
    if (filter.order == QLatin1String("created_at-asc"))
        order = QStringLiteral("request_at ASC, id ASC");
    else if (filter.order == QLatin1String("id-asc"))
        order = QStringLiteral("id ASC");
    else if (filter.order == QLatin1String("id-desc"))
        order = QStringLiteral("id DESC");
    return selectPage<LogRecord>(QStringLiteral("logs"), toWhere(filter), order, page);
}

QVariantList LogRepository::distinct(const QString &column, const QString &emptyValue,
                                     const LogFilter &filter)
{
    SqlWhere where = toWhere(filter);
    where.add(column + QStringLiteral(" <> ") + emptyValue);
    QSqlQuery query(m_db);
    query.setForwardOnly(true);
    QVariantList result;
    if (!exec(query,
              QStringLiteral("SELECT DISTINCT %1 FROM logs%2 ORDER BY %1").arg(column, where.sql()),
              where.values()))
        return result;
    while (query.next())
        result << query.value(0);
    return result;
}

QStringList LogRepository::distinctStrings(const QString &column, const LogFilter &filter)
{
    QStringList strings;
    for (const QVariant &value : distinct(column, QStringLiteral("''"), filter))
        strings << value.toString();
    return strings;
}

QStringList LogRepository::distinctModels(const LogFilter &filter)
{
    return distinctStrings(QStringLiteral("model"), filter);
}

QStringList LogRepository::distinctTokenNames(const LogFilter &filter)
{
    return distinctStrings(QStringLiteral("token_name"), filter);
}

QList<qint64> LogRepository::distinctChannels(const LogFilter &filter)
{
    QList<qint64> channels;
    for (const QVariant &value :
         distinct(QStringLiteral("channel_id"), QStringLiteral("0"), filter))
        channels << value.toLongLong();
    return channels;
}

qint64 LogRepository::removeBefore(qint64 timestampMs)
{
    return execAffected(QStringLiteral("DELETE FROM logs WHERE request_at < ?"), {timestampMs});
}
