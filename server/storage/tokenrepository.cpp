#include "tokenrepository.h"

#include "model/jsonfields.h"

namespace {

const QString kTable = QStringLiteral("tokens");

const QStringList &columns()
{
    static const QStringList list = {QStringLiteral("key"),
                                     QStringLiteral("name"),
                                     QStringLiteral("group_id"),
                                     QStringLiteral("subnets"),
                                     QStringLiteral("models"),
                                     QStringLiteral("status"),
                                     QStringLiteral("quota"),
                                     QStringLiteral("period_quota"),
                                     QStringLiteral("period_type"),
                                     QStringLiteral("period_last_update_time"),
                                     QStringLiteral("period_last_update_amount"),
                                     QStringLiteral("used_amount"),
                                     QStringLiteral("request_count"),
                                     QStringLiteral("created_at"),
                                     QStringLiteral("accessed_at")};
    return list;
}

QVariantList values(const Token &t)
{
    return {t.key,
            t.name,
            t.groupId,
            JsonFields::toText(t.subnets),
            JsonFields::toText(t.models),
            t.status,
            t.quota,
            t.periodQuota,
            t.periodType,
            t.periodLastUpdateTime,
            t.periodLastUpdateAmount,
            t.usedAmount,
            t.requestCount,
            t.createdAt,
            t.accessedAt};
}

SqlWhere whereIds(const QList<qint64> &ids, const QString &group)
{
    SqlWhere where;
    where.in(QStringLiteral("id"), QVariantList(ids.begin(), ids.end()));
    if (!group.isEmpty())
        where.equals(QStringLiteral("group_id"), group);
    return where;
}

} // namespace

TokenRepository::TokenRepository(Database &database)
    : Repository(database)
{
}

std::optional<Token> TokenRepository::find(qint64 id, const QString &group)
{
    const SqlWhere where = whereIds({id}, group);
    return selectOne<Token>(kTable, where);
}

std::optional<Token> TokenRepository::findByName(const QString &group, const QString &name)
{
    SqlWhere where;
    where.equals(QStringLiteral("group_id"), group);
    where.equals(QStringLiteral("name"), name);
    return selectOne<Token>(kTable, where);
}

Page<Token> TokenRepository::list(const TokenFilter &filter, const PageRequest &page)
{
    SqlWhere where;
    if (!filter.group.isEmpty())
        where.equals(QStringLiteral("group_id"), filter.group);
    if (filter.status > 0)
        where.equals(QStringLiteral("status"), filter.status);
    where.contains({QStringLiteral("name"), QStringLiteral("key")}, filter.keyword);
    where.contains({QStringLiteral("name")}, filter.name);
    where.contains({QStringLiteral("key")}, filter.key);
    const QString order = orderBy(
        filter.order,
        {QStringLiteral("id"), QStringLiteral("name"), QStringLiteral("group_id"),
         QStringLiteral("status"), QStringLiteral("created_at"), QStringLiteral("accessed_at"),
         QStringLiteral("used_amount"), QStringLiteral("request_count"), QStringLiteral("quota")},
        QStringLiteral("id DESC"));
    return selectPage<Token>(kTable, where, order + QStringLiteral(", id DESC"), page);
}

bool TokenRepository::insert(Token &token)
{
    token.createdAt = nowMs();
    const qint64 id = insertRow(kTable, columns(), values(token));
    if (id <= 0) {
        if (m_error.isEmpty())
            m_error = QStringLiteral("no id generated for the new token");
        return false;
    }
    token.id = id;
    return true;
}

bool TokenRepository::update(const Token &token)
{
    return updateRows(kTable, columns(), values(token), whereIds({token.id}, QString())) > 0;
}

qint64 TokenRepository::remove(const QList<qint64> &ids, const QString &group)
{
    const SqlWhere where = whereIds(ids, group);
    return execAffected(QStringLiteral("DELETE FROM tokens") + where.sql(), where.values());
}
