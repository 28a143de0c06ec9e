#pragma once

#include "model/channel.h"
#include "model/group.h"
#include "model/modelconfig.h"
#include "model/token.h"

#include <QHash>
#include <QMutex>

#include <memory>

class Database;

/// An immutable view of channels, groups, tokens and model configs, built from the database
/// and shared by all request threads. The hot path reads only this; it never queries SQL.
struct ConfigSnapshot
{
    QHash<QString, Token> tokensByKey;
    QHash<QString, Group> groups;
    QHash<qint64, Channel> channels;
    QHash<QString, ModelConfig> modelConfigs;
    /// Model name → enabled channels serving it that the relay can talk to.
    QHash<QString, QList<qint64>> channelsByModel;
    bool disableModelConfig = false;

    /// Loads everything from \a db (calling thread's connection).
    static std::shared_ptr<ConfigSnapshot> load(Database &db, bool disableModelConfig,
                                                QString *error);

    const Token *tokenByKey(const QString &key) const;
    const Group *group(const QString &id) const;
    /// Enabled channels in \a sets that serve \a model.
    QList<const Channel *> channelsFor(const QString &model, const QStringList &sets) const;
    /// Models a token of \a group may call (token model list ∩ the group's channels), sorted.
    QStringList modelsFor(const Token &token, const Group &group) const;
    /// Resolves a client-sent model name case-insensitively to its canonical spelling.
    QString canonicalModel(const QString &model) const;
};

/// Holds the current snapshot; swapping is atomic for readers. Thread-safe.
class SnapshotStore
{
public:
    std::shared_ptr<const ConfigSnapshot> current() const;
    void publish(std::shared_ptr<const ConfigSnapshot> snapshot);

private:
    mutable QMutex m_mutex;
    std::shared_ptr<const ConfigSnapshot> m_current = std::make_shared<ConfigSnapshot>();
};
