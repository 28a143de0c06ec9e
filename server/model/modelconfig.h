#pragma once

#include <QJsonObject>
#include <QString>

class QSqlRecord;

/// Per-model settings (aiproxy's ModelConfig). Fields the gateway does not interpret yet
/// (price, config, plugin, ...) are kept verbatim in \c extra and returned unchanged.
struct ModelConfig
{
    QString model;
    QString owner;
    int type = 0; ///< Mode id (1 chat, 2 completions, 3 embeddings, ...); 0 = any.
    qint64 rpm = 0;
    qint64 tpm = 0;
    int retryTimes = 0;
    QJsonObject extra;
    qint64 createdAt = 0;
    qint64 updatedAt = 0;

    static ModelConfig fromRecord(const QSqlRecord &record);
    QString applyJson(const QJsonObject &json);
    QJsonObject toJson() const;
};
