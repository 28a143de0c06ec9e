#include "token.h"

#include "jsonfields.h"

#include <QHostAddress>
#include <QRandomGenerator>
#include <QSqlRecord>
#include <QVariant>

QString Token::generateKey()
{
    static constexpr char alphabet[] =
        "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    QString key;
    key.reserve(48);
    auto *random = QRandomGenerator::system();
    for (int i = 0; i < 48; ++i)
        key += QLatin1Char(alphabet[random->bounded(62)]);
    return key;
}

QString Token::normalizeKey(QString credential)
{
    credential = credential.trimmed();
    if (credential.startsWith(QLatin1String("Bearer "), Qt::CaseInsensitive))
        credential = credential.mid(7).trimmed();
    if (credential.startsWith(QLatin1String("sk-")))
        credential = credential.mid(3);
    return credential;
}

Token Token::fromRecord(const QSqlRecord &r)
{
    Token t;
    t.id = r.value(QStringLiteral("id")).toLongLong();
    t.key = r.value(QStringLiteral("key")).toString();
    t.name = r.value(QStringLiteral("name")).toString();
    t.groupId = r.value(QStringLiteral("group_id")).toString();
    t.subnets = JsonFields::parseStringList(r.value(QStringLiteral("subnets")).toString());
    t.models = JsonFields::parseStringList(r.value(QStringLiteral("models")).toString());
    t.status = r.value(QStringLiteral("status")).toInt();
    t.quota = r.value(QStringLiteral("quota")).toDouble();
    t.periodQuota = r.value(QStringLiteral("period_quota")).toDouble();
    t.periodType = r.value(QStringLiteral("period_type")).toString();
    t.periodLastUpdateTime = r.value(QStringLiteral("period_last_update_time")).toLongLong();
    t.periodLastUpdateAmount = r.value(QStringLiteral("period_last_update_amount")).toDouble();
    t.usedAmount = r.value(QStringLiteral("used_amount")).toDouble();
    t.requestCount = r.value(QStringLiteral("request_count")).toLongLong();
    t.createdAt = r.value(QStringLiteral("created_at")).toLongLong();
    t.accessedAt = r.value(QStringLiteral("accessed_at")).toLongLong();
    return t;
}

QString Token::applyJson(const QJsonObject &json)
{
    const QJsonValue nameValue = json.value(QStringLiteral("name"));
    if (!nameValue.isUndefined() && !nameValue.isNull()) {
        if (!nameValue.isString())
            return QStringLiteral("invalid field 'name'");
        name = nameValue.toString().trimmed();
    }
    if (name.isEmpty() || name.size() > 32)
        return QStringLiteral("invalid field 'name': 1 to 32 characters required");
    for (const char *field : {"subnets", "models"}) {
        const QJsonValue v = json.value(QLatin1String(field));
        if (v.isUndefined() || v.isNull())
            continue;
        if (!v.isArray())
            return QStringLiteral("invalid field '%1'").arg(QLatin1String(field));
        (qstrcmp(field, "subnets") == 0 ? subnets : models) = JsonFields::toStringList(v);
    }
    for (const QString &subnet : std::as_const(subnets)) {
        const auto parsed = QHostAddress::parseSubnet(subnet);
        if (parsed.first.isNull())
            return QStringLiteral("invalid field 'subnets': '%1' is not a CIDR subnet").arg(subnet);
    }
    for (const auto &[field, target] :
         {std::pair<const char *, double *>{"quota", &quota}, {"period_quota", &periodQuota}}) {
        const QJsonValue v = json.value(QLatin1String(field));
        if (v.isUndefined() || v.isNull())
            continue;
        if (!v.isDouble())
            return QStringLiteral("invalid field '%1'").arg(QLatin1String(field));
        *target = v.toDouble();
    }
    const QJsonValue periodTypeValue = json.value(QStringLiteral("period_type"));
    if (periodTypeValue.isString()) {
        periodType = periodTypeValue.toString();
        if (!periodType.isEmpty() && periodType != QLatin1String("daily") &&
            periodType != QLatin1String("weekly") && periodType != QLatin1String("monthly"))
            return QStringLiteral("invalid field 'period_type': daily, weekly or monthly");
    }
    const QJsonValue statusValue = json.value(QStringLiteral("status"));
    if (statusValue.isDouble())
        status = statusValue.toInt();
    else if (!statusValue.isUndefined() && !statusValue.isNull())
        return QStringLiteral("invalid field 'status'");
    if (status != Enabled && status != Disabled)
        return QStringLiteral("invalid field 'status'");
    return {};
}

QJsonObject Token::toJson(bool includeKey) const
{
    return QJsonObject{
        {QStringLiteral("id"), id},
        {QStringLiteral("key"),
         includeKey ? key : key.left(4) + QStringLiteral("***") + key.right(4)},
        {QStringLiteral("name"), name},
        {QStringLiteral("group"), groupId},
        {QStringLiteral("subnets"), QJsonArray::fromStringList(subnets)},
        {QStringLiteral("models"), QJsonArray::fromStringList(models)},
        {QStringLiteral("status"), status},
        {QStringLiteral("quota"), quota},
        {QStringLiteral("period_quota"), periodQuota},
        {QStringLiteral("period_type"), periodType},
        {QStringLiteral("period_last_update_time"), JsonFields::timeText(periodLastUpdateTime)},
        {QStringLiteral("period_last_update_amount"), periodLastUpdateAmount},
        {QStringLiteral("used_amount"), usedAmount},
        {QStringLiteral("request_count"), requestCount},
        {QStringLiteral("created_at"), JsonFields::timeText(createdAt)},
        {QStringLiteral("accessed_at"), JsonFields::timeText(accessedAt)},
    };
}
