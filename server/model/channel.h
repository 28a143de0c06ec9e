#pragma once

#include <QHash>
#include <QJsonObject>
#include <QString>
#include <QStringList>

class QSqlRecord;

/// A provider account (aiproxy's Channel). Field names and type ids as aiproxy's.
struct Channel
{
    enum Status
    {
        Enabled = 1,
        Disabled = 2
    };

    qint64 id = 0;
    int type = 0;
    QString name;
    QString key;
    QString baseUrl;
    QString proxyUrl;
    QStringList models;
    QHash<QString, QString> modelMapping;
    int status = Enabled;
    int priority = 0;
    double balance = 0;
    double balanceThreshold = 0;
    qint64 balanceUpdatedAt = 0;
    bool enabledAutoBalanceCheck = false;
    bool skipTlsVerify = false;
    bool enabledNoPermissionBan = false;
    double warnErrorRate = 0;
    double maxErrorRate = 0;
    QJsonObject configs;
    QStringList sets;
    double usedAmount = 0;
    qint64 requestCount = 0;
    qint64 retryCount = 0;
    qint64 createdAt = 0;
    qint64 updatedAt = 0;

    /// Sets the channel belongs to; an empty list means {"default"}.
    QStringList effectiveSets() const;
    /// The upstream model name for \a model after model_mapping.
    QString mappedModel(const QString &model) const;

    static Channel fromRecord(const QSqlRecord &record);
    /// Applies the fields present in \a json; unknown fields are ignored.
    /// Returns an error naming the offending field, or an empty string.
    QString applyJson(const QJsonObject &json);
    /// \a includeKey false masks the key (list responses never show secrets).
    QJsonObject toJson(bool includeKey) const;
};
