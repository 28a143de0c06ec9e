#include "modelconfig.h"

#include "jsonfields.h"

#include <QSqlRecord>
#include <QVariant>

ModelConfig ModelConfig::fromRecord(const QSqlRecord &r)
{
    ModelConfig m;
    m.model = r.value(QStringLiteral("model")).toString();
    m.owner = r.value(QStringLiteral("owner")).toString();
    m.type = r.value(QStringLiteral("type")).toInt();
    m.rpm = r.value(QStringLiteral("rpm")).toLongLong();
    m.tpm = r.value(QStringLiteral("tpm")).toLongLong();
    m.retryTimes = r.value(QStringLiteral("retry_times")).toInt();
    m.extra = JsonFields::parseObject(r.value(QStringLiteral("data")).toString());
    m.createdAt = r.value(QStringLiteral("created_at")).toLongLong();
    m.updatedAt = r.value(QStringLiteral("updated_at")).toLongLong();
    return m;
}

QString ModelConfig::applyJson(const QJsonObject &json)
{
    static const QStringList columns = {QStringLiteral("model"),      QStringLiteral("owner"),
                                        QStringLiteral("type"),       QStringLiteral("rpm"),
                                        QStringLiteral("tpm"),        QStringLiteral("retry_times"),
                                        QStringLiteral("created_at"), QStringLiteral("updated_at")};
    const QJsonValue modelValue = json.value(QStringLiteral("model"));
    if (modelValue.isString() && !modelValue.toString().trimmed().isEmpty())
        model = modelValue.toString().trimmed();
    if (model.isEmpty())
        return QStringLiteral("invalid field 'model': required");
    const QJsonValue ownerValue = json.value(QStringLiteral("owner"));
    if (!ownerValue.isUndefined() && !ownerValue.isNull()) {
        if (!ownerValue.isString())
            return QStringLiteral("invalid field 'owner'");
        owner = ownerValue.toString();
    }
    for (const auto &[field, target] :
         {std::pair<const char *, qint64 *>{"rpm", &rpm}, {"tpm", &tpm}}) {
        const QJsonValue v = json.value(QLatin1String(field));
        if (v.isUndefined() || v.isNull())
            continue;
        if (!v.isDouble() || v.toDouble() < 0)
            return QStringLiteral("invalid field '%1'").arg(QLatin1String(field));
        *target = v.toInteger();
    }
    for (const auto &[field, target] :
         {std::pair<const char *, int *>{"type", &type}, {"retry_times", &retryTimes}}) {
        const QJsonValue v = json.value(QLatin1String(field));
        if (v.isUndefined() || v.isNull())
            continue;
        if (!v.isDouble() || v.toDouble() < 0)
            return QStringLiteral("invalid field '%1'").arg(QLatin1String(field));
        *target = v.toInt();
    }
    for (auto it = json.begin(); it != json.end(); ++it) {
        if (!columns.contains(it.key()))
            extra.insert(it.key(), it.value());
    }
    return {};
}

QJsonObject ModelConfig::toJson() const
{
    QJsonObject json = extra;
    json.insert(QStringLiteral("model"), model);
    json.insert(QStringLiteral("owner"), owner);
    json.insert(QStringLiteral("type"), type);
    json.insert(QStringLiteral("rpm"), rpm);
    json.insert(QStringLiteral("tpm"), tpm);
    json.insert(QStringLiteral("retry_times"), retryTimes);
    json.insert(QStringLiteral("created_at"), JsonFields::timeText(createdAt));
    json.insert(QStringLiteral("updated_at"), JsonFields::timeText(updatedAt));
    return json;
}
