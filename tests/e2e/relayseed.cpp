#include "relayseed.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlError>
#include <QSqlQuery>

namespace RelaySeed {

namespace {

QString jsonList(const QStringList &values)
{
    return QString::fromUtf8(
        QJsonDocument(QJsonArray::fromStringList(values)).toJson(QJsonDocument::Compact));
}

bool run(QSqlDatabase db, const QString &sql, const QVariantList &values, QString *error)
{
    QSqlQuery query(db);
    query.prepare(sql);
    for (const QVariant &value : values)
        query.addBindValue(value);
    if (query.exec())
        return true;
    if (error)
        *error = QStringLiteral("%1: %2").arg(sql, query.lastError().text());
    return false;
}

} // namespace

bool insertGroup(QSqlDatabase db, const QString &id, QString *error, int status,
                 const QStringList &availableSets)
{
    return run(db,
               QStringLiteral("INSERT INTO tenant_groups (id, status, available_sets, created_at) "
                              "VALUES (?, ?, ?, ?)"),
               {id, status, jsonList(availableSets), QDateTime::currentMSecsSinceEpoch()}, error);
}

bool insertToken(QSqlDatabase db, const TokenRow &token, QString *error)
{
    return run(
        db,
        QStringLiteral("INSERT INTO tokens (id, key, name, group_id, models, status, created_at) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?)"),
        {token.id, token.key, token.name, token.groupId, jsonList(token.models), token.status,
         QDateTime::currentMSecsSinceEpoch()},
        error);
}

bool insertChannel(QSqlDatabase db, const ChannelRow &channel, QString *error)
{
    QJsonObject mapping;
    for (auto it = channel.modelMapping.begin(); it != channel.modelMapping.end(); ++it)
        mapping.insert(it.key(), it.value());
    return run(
        db,
        QStringLiteral(
            "INSERT INTO channels (id, type, name, key, base_url, models, model_mapping, status, "
            "sets, configs, created_at, priority, max_error_rate, warn_error_rate, "
            "enabled_no_permission_ban) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
        {channel.id, channel.type, channel.name, channel.key, channel.baseUrl,
         jsonList(channel.models),
         QString::fromUtf8(QJsonDocument(mapping).toJson(QJsonDocument::Compact)), channel.status,
         jsonList(channel.sets),
         QString::fromUtf8(QJsonDocument(channel.configs).toJson(QJsonDocument::Compact)),
         QDateTime::currentMSecsSinceEpoch(), channel.priority, channel.maxErrorRate,
         channel.warnErrorRate, channel.enabledNoPermissionBan ? 1 : 0},
        error);
}

bool insertModelConfig(QSqlDatabase db, const QString &model, const QString &owner, QString *error)
{
    return run(
        db, QStringLiteral("INSERT INTO model_configs (model, owner, created_at) VALUES (?, ?, ?)"),
        {model, owner, QDateTime::currentMSecsSinceEpoch()}, error);
}

bool insertMinimalSetup(QSqlDatabase db, const QString &baseUrl, const QString &model,
                        const QString &groupId, const QString &tokenKey, QString *error)
{
    ChannelRow channel;
    channel.id = 1;
    channel.name = QStringLiteral("mock");
    channel.key = QStringLiteral("sk-upstream");
    channel.baseUrl = baseUrl;
    channel.models = {model};
    return insertGroup(db, groupId, error) &&
           insertToken(db, {1, tokenKey, QStringLiteral("t"), groupId, {}, 1}, error) &&
           insertChannel(db, channel, error) &&
           insertModelConfig(db, model, QStringLiteral("openai"), error);
}

} // namespace RelaySeed
