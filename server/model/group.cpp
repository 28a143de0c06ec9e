#include "group.h"

#include "jsonfields.h"

#include <QSqlRecord>
#include <QVariant>

QStringList Group::effectiveSets() const
{
    return availableSets.isEmpty() ? QStringList{QStringLiteral("default")} : availableSets;
}

Group Group::fromRecord(const QSqlRecord &r)
{
    Group g;
    g.id = r.value(QStringLiteral("id")).toString();
    g.status = r.value(QStringLiteral("status")).toInt();
    g.rpmRatio = r.value(QStringLiteral("rpm_ratio")).toDouble();
    g.tpmRatio = r.value(QStringLiteral("tpm_ratio")).toDouble();
    g.usedAmount = r.value(QStringLiteral("used_amount")).toDouble();
    g.requestCount = r.value(QStringLiteral("request_count")).toLongLong();
    g.availableSets =
        JsonFields::parseStringList(r.value(QStringLiteral("available_sets")).toString());
    g.balanceAlertEnabled = r.value(QStringLiteral("balance_alert_enabled")).toInt() != 0;
    g.balanceAlertThreshold = r.value(QStringLiteral("balance_alert_threshold")).toDouble();
    g.createdAt = r.value(QStringLiteral("created_at")).toLongLong();
    return g;
}

QString Group::applyJson(const QJsonObject &json)
{
    const auto number = [&](const char *field, double &target) -> QString {
        const QJsonValue v = json.value(QLatin1String(field));
        if (v.isUndefined() || v.isNull())
            return {};
        if (!v.isDouble())
            return QStringLiteral("invalid field '%1'").arg(QLatin1String(field));
        target = v.toDouble();
        return {};
    };
    for (const auto &[field, target] : {std::pair<const char *, double *>{"rpm_ratio", &rpmRatio},
                                        {"tpm_ratio", &tpmRatio},
                                        {"balance_alert_threshold", &balanceAlertThreshold}}) {
        const QString error = number(field, *target);
        if (!error.isEmpty())
            return error;
    }
    const QJsonValue statusValue = json.value(QStringLiteral("status"));
    if (!statusValue.isUndefined() && !statusValue.isNull()) {
        if (!statusValue.isDouble())
            return QStringLiteral("invalid field 'status'");
        status = statusValue.toInt();
    }
    if (status < Enabled || status > Internal)
        return QStringLiteral("invalid field 'status': must be 1, 2 or 3");
    const QJsonValue sets = json.value(QStringLiteral("available_sets"));
    if (!sets.isUndefined() && !sets.isNull()) {
        if (!sets.isArray())
            return QStringLiteral("invalid field 'available_sets'");
        availableSets = JsonFields::toStringList(sets);
    }
    const QJsonValue alert = json.value(QStringLiteral("balance_alert_enabled"));
    if (alert.isBool())
        balanceAlertEnabled = alert.toBool();
    return {};
}

QJsonObject Group::toJson() const
{
    return QJsonObject{
        {QStringLiteral("id"), id},
        {QStringLiteral("status"), status},
        {QStringLiteral("rpm_ratio"), rpmRatio},
        {QStringLiteral("tpm_ratio"), tpmRatio},
        {QStringLiteral("used_amount"), usedAmount},
        {QStringLiteral("request_count"), requestCount},
        {QStringLiteral("available_sets"), QJsonArray::fromStringList(availableSets)},
        {QStringLiteral("balance_alert_enabled"), balanceAlertEnabled},
        {QStringLiteral("balance_alert_threshold"), balanceAlertThreshold},
        {QStringLiteral("created_at"), JsonFields::timeText(createdAt)},
    };
}
