#pragma once

#include <QHash>
#include <QJsonObject>
#include <QSqlDatabase>
#include <QString>
#include <QStringList>

/// Rows for the relay's tables, written straight into the main database (no admin API), for
/// tests that then call GatewayCore::reloadSnapshot(). Works on SQLite and PostgreSQL.
namespace RelaySeed {

struct ChannelRow
{
    qint64 id = 0;
    int type = 1; ///< 1: OpenAI.
    QString name;
    QString key;
    QString baseUrl;
    QStringList models;
    QHash<QString, QString> modelMapping;
    int status = 1; ///< 1 enabled, 2 disabled.
    QStringList sets;
    QJsonObject configs; ///< The channel's `configs` (adaptor settings).
    int priority = 0;
    double maxErrorRate = 0;
    double warnErrorRate = 0;
    bool enabledNoPermissionBan = false;
};

struct TokenRow
{
    qint64 id = 0;
    QString key; ///< Stored without the "sk-" prefix clients send.
    QString name;
    QString groupId;
    QStringList models; ///< Empty: every model of the group.
    int status = 1;
};

bool insertGroup(QSqlDatabase db, const QString &id, QString *error, int status = 1,
                 const QStringList &availableSets = {});
bool insertToken(QSqlDatabase db, const TokenRow &token, QString *error);
bool insertChannel(QSqlDatabase db, const ChannelRow &channel, QString *error);
bool insertModelConfig(QSqlDatabase db, const QString &model, const QString &owner, QString *error);

/// The smallest working setup: group \a groupId, token \a tokenKey (id 1), and channel 1 at
/// \a baseUrl serving \a model (with its model config).
bool insertMinimalSetup(QSqlDatabase db, const QString &baseUrl, const QString &model,
                        const QString &groupId, const QString &tokenKey, QString *error);

} // namespace RelaySeed
