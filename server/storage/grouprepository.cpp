#include "grouprepository.h"

#include "model/jsonfields.h"

namespace {

const QString kTable = QStringLiteral("tenant_groups");

const QStringList &columns()
{
    static const QStringList list = {QStringLiteral("id"),
                                     QStringLiteral("status"),
                                     QStringLiteral("rpm_ratio"),
                                     QStringLiteral("tpm_ratio"),
                                     QStringLiteral("used_amount"),
                                     QStringLiteral("request_count"),
                                     QStringLiteral("available_sets"),
                                     QStringLiteral("balance_alert_enabled"),
                                     QStringLiteral("balance_alert_threshold"),
                                     QStringLiteral("created_at")};
    return list;
}

QVariantList values(const Group &g)
{
    return {g.id,
            g.status,
            g.rpmRatio,
            g.tpmRatio,
            g.usedAmount,
            g.requestCount,
            JsonFields::toText(g.availableSets),
            int(g.balanceAlertEnabled),
            g.balanceAlertThreshold,
            g.createdAt};
}

SqlWhere whereIds(const QStringList &ids, const QString &column = QStringLiteral("id"))
{
    SqlWhere where;
    where.in(column, QVariantList(ids.begin(), ids.end()));
    return where;
}

} // namespace

GroupRepository::GroupRepository(Database &database)
    : Repository(database)
{
}

std::optional<Group> GroupRepository::find(const QString &id)
{
    const SqlWhere where = whereIds({id});
    return selectOne<Group>(kTable, where);
}

Page<Group> GroupRepository::list(const GroupFilter &filter, const PageRequest &page)
{
    SqlWhere where;
    where.contains({QStringLiteral("id")}, filter.keyword);
    if (filter.status > 0)
        where.equals(QStringLiteral("status"), filter.status);
    const QString order =
        orderBy(filter.order,
                {QStringLiteral("id"), QStringLiteral("status"), QStringLiteral("created_at"),
                 QStringLiteral("used_amount"), QStringLiteral("request_count")},
                QStringLiteral("created_at DESC"));
    return selectPage<Group>(kTable, where, order + QStringLiteral(", id ASC"), page);
}

bool GroupRepository::insert(Group &group)
{
    group.createdAt = nowMs();
    return insertRow(kTable, columns(), values(group)) >= 0;
}

bool GroupRepository::update(const Group &group)
{
    return updateRows(kTable, columns(), values(group), whereIds({group.id})) > 0;
}

qint64 GroupRepository::remove(const QStringList &ids)
{
    qint64 removed = -1;
    transaction([&] {
        const SqlWhere tokens = whereIds(ids, QStringLiteral("group_id"));
        if (execAffected(QStringLiteral("DELETE FROM tokens") + tokens.sql(), tokens.values()) < 0)
            return false;
        const SqlWhere groups = whereIds(ids);
        removed = execAffected(QStringLiteral("DELETE FROM tenant_groups") + groups.sql(),
                               groups.values());
        return removed >= 0;
    });
    return hasError() ? -1 : removed;
}

qint64 GroupRepository::setStatus(const QStringList &ids, int status)
{
    return updateRows(kTable, {QStringLiteral("status")}, {status}, whereIds(ids));
}
