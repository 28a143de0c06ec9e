#include "modelconfigrepository.h"

#include "model/jsonfields.h"

namespace {

const QString kTable = QStringLiteral("model_configs");

SqlWhere whereModels(const QStringList &models)
{
    SqlWhere where;
    where.in(QStringLiteral("model"), QVariantList(models.begin(), models.end()));
    return where;
}

} // namespace

ModelConfigRepository::ModelConfigRepository(Database &database)
    : Repository(database)
{
}

std::optional<ModelConfig> ModelConfigRepository::find(const QString &model)
{
    return selectOne<ModelConfig>(kTable, whereModels({model}));
}

Page<ModelConfig> ModelConfigRepository::list(const ModelConfigFilter &filter,
                                              const PageRequest &page)
{
    SqlWhere where;
    where.contains({QStringLiteral("model"), QStringLiteral("owner")}, filter.keyword);
    if (!filter.model.isEmpty())
        where.equals(QStringLiteral("model"), filter.model);
    if (!filter.owner.isEmpty())
        where.equals(QStringLiteral("owner"), filter.owner);
    return selectPage<ModelConfig>(kTable, where, QStringLiteral("model ASC"), page);
}

QList<ModelConfig> ModelConfigRepository::all()
{
    return select<ModelConfig>(QStringLiteral("SELECT * FROM model_configs ORDER BY model"));
}

QList<ModelConfig> ModelConfigRepository::findMany(const QStringList &models)
{
    const SqlWhere where = whereModels(models);
    return select<ModelConfig>(
        QStringLiteral("SELECT * FROM model_configs%1 ORDER BY model").arg(where.sql()),
        where.values());
}

bool ModelConfigRepository::upsert(ModelConfig &config)
{
    config.createdAt = config.updatedAt = nowMs();
    // ON CONFLICT ... DO UPDATE is understood by SQLite (>= 3.24) and PostgreSQL alike.
    QSqlQuery query(m_db);
    return exec(
        query,
        QStringLiteral(
            "INSERT INTO model_configs (model, owner, type, rpm, tpm, retry_times, data, "
            "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (model) DO UPDATE SET owner = excluded.owner, type = excluded.type, "
            "rpm = excluded.rpm, tpm = excluded.tpm, retry_times = excluded.retry_times, "
            "data = excluded.data, updated_at = excluded.updated_at"),
        {config.model, config.owner, config.type, config.rpm, config.tpm, config.retryTimes,
         JsonFields::toText(config.extra), config.createdAt, config.updatedAt});
}

qint64 ModelConfigRepository::remove(const QStringList &models)
{
    const SqlWhere where = whereModels(models);
    return execAffected(QStringLiteral("DELETE FROM model_configs") + where.sql(), where.values());
}
