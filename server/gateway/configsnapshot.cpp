#include "configsnapshot.h"

#include "providers/providerregistry.h"
#include "storage/database.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>

namespace {

template<typename T, typename Insert>
bool loadTable(Database &db, const char *sql, Insert insert, QString *error)
{
    QSqlQuery query(db.connection());
    query.setForwardOnly(true);
    if (!query.exec(QLatin1String(sql))) {
        if (error)
            *error = query.lastError().text();
        return false;
    }
    while (query.next())
        insert(T::fromRecord(query.record()));
    return true;
}

} // namespace

std::shared_ptr<ConfigSnapshot> ConfigSnapshot::load(Database &db, bool disableModelConfig,
                                                     QString *error)
{
    auto snapshot = std::make_shared<ConfigSnapshot>();
    snapshot->disableModelConfig = disableModelConfig;
    ConfigSnapshot &s = *snapshot;
    if (!loadTable<Token>(
            db, "SELECT * FROM tokens", [&](Token t) { s.tokensByKey.insert(t.key, std::move(t)); },
            error) ||
        !loadTable<Group>(
            db, "SELECT * FROM tenant_groups",
            [&](Group g) { s.groups.insert(g.id, std::move(g)); }, error) ||
        !loadTable<Channel>(
            db, "SELECT * FROM channels ORDER BY id",
            [&](Channel c) { s.channels.insert(c.id, std::move(c)); }, error) ||
        !loadTable<ModelConfig>(
            db, "SELECT * FROM model_configs",
            [&](ModelConfig m) { s.modelConfigs.insert(m.model, std::move(m)); }, error))
        return nullptr;
    for (const Channel &channel : std::as_const(s.channels)) {
        if (channel.status != Channel::Enabled ||
            !ProviderRegistry::instance().forType(channel.type))
            continue;
        for (const QString &model : channel.models) {
            if (!disableModelConfig && !s.modelConfigs.contains(model))
                continue; // As aiproxy: a channel model without a model config is not served.
            s.channelsByModel[model].append(channel.id);
        }
    }
    return snapshot;
}

const Token *ConfigSnapshot::tokenByKey(const QString &key) const
{
    const auto it = tokensByKey.constFind(key);
    return it == tokensByKey.constEnd() ? nullptr : &it.value();
}

const Group *ConfigSnapshot::group(const QString &id) const
{
    const auto it = groups.constFind(id);
    return it == groups.constEnd() ? nullptr : &it.value();
}

QList<const Channel *> ConfigSnapshot::channelsFor(const QString &model,
                                                   const QStringList &sets) const
{
    QList<const Channel *> result;
    const auto ids = channelsByModel.value(model);
    for (qint64 id : ids) {
        const Channel &channel = channels.find(id).value();
        const QStringList channelSets = channel.effectiveSets();
        for (const QString &set : sets) {
            if (channelSets.contains(set)) {
                result.append(&channel);
                break;
            }
        }
    }
    return result;
}

QStringList ConfigSnapshot::modelsFor(const Token &token, const Group &group) const
{
    QStringList models;
    const QStringList sets = group.effectiveSets();
    for (auto it = channelsByModel.constBegin(); it != channelsByModel.constEnd(); ++it) {
        if (!token.models.isEmpty() && !token.models.contains(it.key(), Qt::CaseInsensitive))
            continue;
        if (!channelsFor(it.key(), sets).isEmpty())
            models << it.key();
    }
    models.sort();
    return models;
}

QString ConfigSnapshot::canonicalModel(const QString &model) const
{
    if (channelsByModel.contains(model))
        return model;
    for (auto it = channelsByModel.constBegin(); it != channelsByModel.constEnd(); ++it) {
        if (it.key().compare(model, Qt::CaseInsensitive) == 0)
            return it.key();
    }
    return model;
}

std::shared_ptr<const ConfigSnapshot> SnapshotStore::current() const
{
    QMutexLocker lock(&m_mutex);
    return m_current;
}

void SnapshotStore::publish(std::shared_ptr<const ConfigSnapshot> snapshot)
{
    QMutexLocker lock(&m_mutex);
    m_current = std::move(snapshot);
}
