#pragma once

#include "model/modelconfig.h"
#include "repository.h"

#include <optional>

/// Filters of the model config list and search endpoints; empty fields do not filter.
struct ModelConfigFilter
{
    QString keyword; ///< Search: substring of the model or owner.
    QString model;   ///< Exact model name.
    QString owner;   ///< Exact owner.
};

/// The `model_configs` table, keyed by model name.
class ModelConfigRepository : public Repository
{
public:
    explicit ModelConfigRepository(Database &database);

    std::optional<ModelConfig> find(const QString &model);
    Page<ModelConfig> list(const ModelConfigFilter &filter, const PageRequest &page);
    QList<ModelConfig> all();
    /// The configs of those \a models that exist.
    QList<ModelConfig> findMany(const QStringList &models);
    /// Inserts or replaces \a config; an existing row keeps its creation time.
    bool upsert(ModelConfig &config);
    /// Deletes the configs of \a models; number deleted or -1.
    qint64 remove(const QStringList &models);
};
