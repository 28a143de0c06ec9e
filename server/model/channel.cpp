#include "channel.h"

#include "jsonfields.h"

#include <QSqlRecord>
#include <QVariant>

QStringList Channel::effectiveSets() const
{
    return sets.isEmpty() ? QStringList{QStringLiteral("default")} : sets;
}

QString Channel::mappedModel(const QString &model) const
{
    return modelMapping.value(model, model);
}

Channel Channel::fromRecord(const QSqlRecord &r)
{
    Channel c;
    c.id = r.value(QStringLiteral("id")).toLongLong();
    c.type = r.value(QStringLiteral("type")).toInt();
    c.name = r.value(QStringLiteral("name")).toString();
    c.key = r.value(QStringLiteral("key")).toString();
    c.baseUrl = r.value(QStringLiteral("base_url")).toString();
    c.proxyUrl = r.value(QStringLiteral("proxy_url")).toString();
    c.models = JsonFields::parseStringList(r.value(QStringLiteral("models")).toString());
    const QJsonObject mapping =
        JsonFields::parseObject(r.value(QStringLiteral("model_mapping")).toString());
    for (auto it = mapping.begin(); it != mapping.end(); ++it)
        c.modelMapping.insert(it.key(), it.value().toString());
    c.status = r.value(QStringLiteral("status")).toInt();
    c.priority = r.value(QStringLiteral("priority")).toInt();
    c.balance = r.value(QStringLiteral("balance")).toDouble();
    c.balanceThreshold = r.value(QStringLiteral("balance_threshold")).toDouble();
    c.balanceUpdatedAt = r.value(QStringLiteral("balance_updated_at")).toLongLong();
    c.enabledAutoBalanceCheck = r.value(QStringLiteral("enabled_auto_balance_check")).toInt() != 0;
    c.skipTlsVerify = r.value(QStringLiteral("skip_tls_verify")).toInt() != 0;
    c.enabledNoPermissionBan = r.value(QStringLiteral("enabled_no_permission_ban")).toInt() != 0;
    c.warnErrorRate = r.value(QStringLiteral("warn_error_rate")).toDouble();
    c.maxErrorRate = r.value(QStringLiteral("max_error_rate")).toDouble();
    c.configs = JsonFields::parseObject(r.value(QStringLiteral("configs")).toString());
    c.sets = JsonFields::parseStringList(r.value(QStringLiteral("sets")).toString());
    c.usedAmount = r.value(QStringLiteral("used_amount")).toDouble();
    c.requestCount = r.value(QStringLiteral("request_count")).toLongLong();
    c.retryCount = r.value(QStringLiteral("retry_count")).toLongLong();
    c.createdAt = r.value(QStringLiteral("created_at")).toLongLong();
    c.updatedAt = r.value(QStringLiteral("updated_at")).toLongLong();
    return c;
}

namespace {

QString expect(const QJsonObject &json, const char *field, QJsonValue::Type type)
{
    const QJsonValue value = json.value(QLatin1String(field));
    if (value.isUndefined() || value.isNull() || value.type() == type)
        return {};
    return QStringLiteral("invalid field '%1'").arg(QLatin1String(field));
}

} // namespace

QString Channel::applyJson(const QJsonObject &json)
{
    using T = QJsonValue::Type;
    const std::pair<const char *, T> typed[] = {
        {"type", T::Double},
        {"name", T::String},
        {"key", T::String},
        {"base_url", T::String},
        {"proxy_url", T::String},
        {"models", T::Array},
        {"model_mapping", T::Object},
        {"status", T::Double},
        {"priority", T::Double},
        {"balance_threshold", T::Double},
        {"skip_tls_verify", T::Bool},
        {"enabled_no_permission_ban", T::Bool},
        {"enabled_auto_balance_check", T::Bool},
        {"warn_error_rate", T::Double},
        {"max_error_rate", T::Double},
        {"configs", T::Object},
        {"sets", T::Array},
    };
    for (const auto &[field, type] : typed) {
        const QString error = expect(json, field, type);
        if (!error.isEmpty())
            return error;
    }
    auto has = [&](const char *field) {
        const QJsonValue v = json.value(QLatin1String(field));
        return !v.isUndefined() && !v.isNull();
    };
    if (has("type"))
        type = json.value(QStringLiteral("type")).toInt();
    if (has("name"))
        name = json.value(QStringLiteral("name")).toString();
    if (has("key"))
        key = json.value(QStringLiteral("key")).toString();
    if (has("base_url"))
        baseUrl = json.value(QStringLiteral("base_url")).toString();
    if (has("proxy_url"))
        proxyUrl = json.value(QStringLiteral("proxy_url")).toString();
    if (has("models")) {
        models.clear();
        for (const QString &model :
             JsonFields::toStringList(json.value(QStringLiteral("models")))) {
            const QString trimmed = model.trimmed();
            if (!trimmed.isEmpty() && !models.contains(trimmed))
                models << trimmed;
        }
    }
    if (has("model_mapping")) {
        modelMapping.clear();
        const QJsonObject mapping = json.value(QStringLiteral("model_mapping")).toObject();
        for (auto it = mapping.begin(); it != mapping.end(); ++it) {
            if (!it.value().isString())
                return QStringLiteral("invalid field 'model_mapping.%1'").arg(it.key());
            modelMapping.insert(it.key(), it.value().toString());
        }
    }
    if (has("status"))
        status = json.value(QStringLiteral("status")).toInt();
    if (has("priority"))
        priority = json.value(QStringLiteral("priority")).toInt();
    if (has("balance_threshold"))
        balanceThreshold = json.value(QStringLiteral("balance_threshold")).toDouble();
    if (has("skip_tls_verify"))
        skipTlsVerify = json.value(QStringLiteral("skip_tls_verify")).toBool();
    if (has("enabled_no_permission_ban"))
        enabledNoPermissionBan = json.value(QStringLiteral("enabled_no_permission_ban")).toBool();
    if (has("enabled_auto_balance_check"))
        enabledAutoBalanceCheck = json.value(QStringLiteral("enabled_auto_balance_check")).toBool();
    if (has("warn_error_rate"))
        warnErrorRate = json.value(QStringLiteral("warn_error_rate")).toDouble();
    if (has("max_error_rate"))
        maxErrorRate = json.value(QStringLiteral("max_error_rate")).toDouble();
    if (has("configs"))
        configs = json.value(QStringLiteral("configs")).toObject();
    if (has("sets"))
        sets = JsonFields::toStringList(json.value(QStringLiteral("sets")));
    if (status != Enabled && status != Disabled)
        return QStringLiteral("invalid field 'status': must be 1 (enabled) or 2 (disabled)");
    if (priority < 0 || priority > 1000000)
        return QStringLiteral("invalid field 'priority': must be between 0 and 1000000");
    if (type <= 0)
        return QStringLiteral("invalid field 'type': a channel type id is required");
    return {};
}

QJsonObject Channel::toJson(bool includeKey) const
{
    QJsonObject mapping;
    for (auto it = modelMapping.begin(); it != modelMapping.end(); ++it)
        mapping.insert(it.key(), it.value());
    QString shownKey = key;
    if (!includeKey)
        shownKey = key.size() > 8 ? key.left(3) + QStringLiteral("***") + key.right(4)
                                  : QStringLiteral("***");
    return QJsonObject{
        {QStringLiteral("id"), id},
        {QStringLiteral("type"), type},
        {QStringLiteral("name"), name},
        {QStringLiteral("key"), shownKey},
        {QStringLiteral("base_url"), baseUrl},
        {QStringLiteral("proxy_url"), proxyUrl},
        {QStringLiteral("models"), QJsonArray::fromStringList(models)},
        {QStringLiteral("model_mapping"), mapping},
        {QStringLiteral("status"), status},
        {QStringLiteral("priority"), priority},
        {QStringLiteral("balance"), balance},
        {QStringLiteral("balance_threshold"), balanceThreshold},
        {QStringLiteral("balance_updated_at"), JsonFields::timeText(balanceUpdatedAt)},
        {QStringLiteral("enabled_auto_balance_check"), enabledAutoBalanceCheck},
        {QStringLiteral("skip_tls_verify"), skipTlsVerify},
        {QStringLiteral("enabled_no_permission_ban"), enabledNoPermissionBan},
        {QStringLiteral("warn_error_rate"), warnErrorRate},
        {QStringLiteral("max_error_rate"), maxErrorRate},
        {QStringLiteral("configs"), configs},
        {QStringLiteral("sets"), QJsonArray::fromStringList(sets)},
        {QStringLiteral("used_amount"), usedAmount},
        {QStringLiteral("request_count"), requestCount},
        {QStringLiteral("retry_count"), retryCount},
        {QStringLiteral("created_at"), JsonFields::timeText(createdAt)},
    };
}
