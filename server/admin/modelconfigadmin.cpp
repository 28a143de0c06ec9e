// AdminService: model config use cases.
#include "adminjson.h"
#include "adminservice.h"
#include "storage/modelconfigrepository.h"

namespace {

QJsonObject configJson(const ModelConfig &config)
{
    return config.toJson();
}

AdminService::Result notFound(const QString &model)
{
    return AdminService::Result::error(404,
                                       QStringLiteral("model config '%1' not found").arg(model));
}

} // namespace

AdminService::Result AdminService::modelConfig(const QString &model)
{
    ModelConfigRepository repository(*m_main);
    return foundOr(repository, repository.find(model), configJson, notFound(model));
}

AdminService::Result AdminService::listModelConfigs(const ModelConfigFilter &filter,
                                                    const PageRequest &page)
{
    ModelConfigRepository repository(*m_main);
    const Page<ModelConfig> configs = repository.list(filter, page);
    return okUnlessFailed(repository,
                          AdminJson::page(QStringLiteral("configs"), configs, configJson));
}

AdminService::Result AdminService::allModelConfigs()
{
    ModelConfigRepository repository(*m_main);
    const QList<ModelConfig> configs = repository.all();
    return okUnlessFailed(repository, AdminJson::array(configs, configJson));
}

AdminService::Result AdminService::modelConfigsContaining(const QStringList &models)
{
    ModelConfigRepository repository(*m_main);
    const QList<ModelConfig> configs = repository.findMany(models);
    return okUnlessFailed(repository, AdminJson::array(configs, configJson));
}

AdminService::Result AdminService::saveModelConfig(const QString &model, const QJsonObject &body)
{
    QJsonObject named = body;
    named.insert(QStringLiteral("model"), model);
    QList<ModelConfig> configs(1);
    const QString error = configs.first().applyJson(named);
    if (!error.isEmpty())
        return Result::error(400, error);
    const Result stored = upsertModelConfigs(configs);
    return stored.isOk() ? modelConfig(configs.first().model) : stored;
}

AdminService::Result AdminService::saveModelConfigs(const QJsonArray &body)
{
    QList<ModelConfig> configs;
    const QString error = AdminJson::decodeAll(body, QStringLiteral("configs"), &configs);
    if (!error.isEmpty())
        return Result::error(400, error);
    const Result stored = upsertModelConfigs(configs);
    return stored.isOk() ? Result::ok(qint64(configs.size())) : stored;
}

AdminService::Result AdminService::upsertModelConfigs(QList<ModelConfig> &configs)
{
    ModelConfigRepository repository(*m_main);
    const bool stored = repository.transaction([&] {
        for (ModelConfig &config : configs) {
            if (!repository.upsert(config))
                return false;
        }
        return true;
    });
    if (!stored)
        return storageError(repository);
    changed();
    return Result::ok();
}

AdminService::Result AdminService::deleteModelConfig(const QString &model)
{
    return requireOne(deleteModelConfigs({model}), notFound(model));
}

AdminService::Result AdminService::deleteModelConfigs(const QStringList &models)
{
    ModelConfigRepository repository(*m_main);
    return writeResult(repository, repository.remove(models));
}
