#include "channelrepository.h"

#include "model/jsonfields.h"

namespace {

const QString kTable = QStringLiteral("channels");

const QStringList &columns()
{
    static const QStringList list = {QStringLiteral("type"),
                                     QStringLiteral("name"),
                                     QStringLiteral("key"),
                                     QStringLiteral("base_url"),
                                     QStringLiteral("proxy_url"),
                                     QStringLiteral("models"),
                                     QStringLiteral("model_mapping"),
                                     QStringLiteral("status"),
                                     QStringLiteral("priority"),
                                     QStringLiteral("balance"),
                                     QStringLiteral("balance_threshold"),
                                     QStringLiteral("balance_updated_at"),
                                     QStringLiteral("enabled_auto_balance_check"),
                                     QStringLiteral("skip_tls_verify"),
                                     QStringLiteral("enabled_no_permission_ban"),
                                     QStringLiteral("warn_error_rate"),
                                     QStringLiteral("max_error_rate"),
                                     QStringLiteral("configs"),
                                     QStringLiteral("sets"),
                                     QStringLiteral("used_amount"),
                                     QStringLiteral("request_count"),
                                     QStringLiteral("retry_count"),
                                     QStringLiteral("created_at"),
                                     QStringLiteral("updated_at")};
    return list;
}

QVariantList values(const Channel &c)
{
    QJsonObject mapping;
    for (auto it = c.modelMapping.begin(); it != c.modelMapping.end(); ++it)
        mapping.insert(it.key(), it.value());
    return {c.type,
            c.name,
            c.key,
            c.baseUrl,
            c.proxyUrl,
            JsonFields::toText(c.models),
            JsonFields::toText(mapping),
            c.status,
            c.priority,
            c.balance,
            c.balanceThreshold,
            c.balanceUpdatedAt,
            int(c.enabledAutoBalanceCheck),
            int(c.skipTlsVerify),
            int(c.enabledNoPermissionBan),
            c.warnErrorRate,
            c.maxErrorRate,
            JsonFields::toText(c.configs),
            JsonFields::toText(c.sets),
            c.usedAmount,
            c.requestCount,
            c.retryCount,
            c.createdAt,
            c.updatedAt};
}

SqlWhere whereId(qint64 id)
{
    SqlWhere where;
    where.equals(QStringLiteral("id"), id);
    return where;
}

} // namespace

ChannelRepository::ChannelRepository(Database &database)
    : Repository(database)
{
}

std::optional<Channel> ChannelRepository::find(qint64 id)
{
    const SqlWhere where = whereId(id);
    return selectOne<Channel>(kTable, where);
}

Page<Channel> ChannelRepository::list(const ChannelFilter &filter, const PageRequest &page)
{
    SqlWhere where;
    where.contains({QStringLiteral("name"), QStringLiteral("key"), QStringLiteral("base_url"),
                    QStringLiteral("models")},
                   filter.keyword);
    if (filter.id > 0)
        where.equals(QStringLiteral("id"), filter.id);
    if (filter.type > 0)
        where.equals(QStringLiteral("type"), filter.type);
    where.contains({QStringLiteral("name")}, filter.name);
    where.contains({QStringLiteral("key")}, filter.key);
    where.contains({QStringLiteral("base_url")}, filter.baseUrl);
    const QString order =
        orderBy(filter.order,
                {QStringLiteral("id"), QStringLiteral("name"), QStringLiteral("type"),
                 QStringLiteral("status"), QStringLiteral("priority"), QStringLiteral("created_at"),
                 QStringLiteral("used_amount"), QStringLiteral("request_count"),
                 QStringLiteral("balance_updated_at")},
                QStringLiteral("id DESC"));
    return selectPage<Channel>(kTable, where, order + QStringLiteral(", id DESC"), page);
}

QList<Channel> ChannelRepository::all()
{
    return select<Channel>(QStringLiteral("SELECT * FROM channels ORDER BY id"));
}

bool ChannelRepository::insert(Channel &channel)
{
    channel.createdAt = channel.updatedAt = nowMs();
    const qint64 id = insertRow(kTable, columns(), values(channel));
    if (id <= 0) {
        if (m_error.isEmpty())
            m_error = QStringLiteral("no id generated for the new channel");
        return false;
    }
    channel.id = id;
    return true;
}

bool ChannelRepository::update(Channel &channel)
{
    channel.updatedAt = nowMs();
    return updateRows(kTable, columns(), values(channel), whereId(channel.id)) > 0;
}

bool ChannelRepository::updateBalance(qint64 id, double balance, qint64 updatedAtMs)
{
    return updateRows(kTable, {QStringLiteral("balance"), QStringLiteral("balance_updated_at")},
                      {balance, updatedAtMs}, whereId(id)) > 0;
}

qint64 ChannelRepository::remove(const QList<qint64> &ids)
{
    SqlWhere where;
    where.in(QStringLiteral("id"), QVariantList(ids.begin(), ids.end()));
    return execAffected(QStringLiteral("DELETE FROM channels") + where.sql(), where.values());
}
