#pragma once

#include <QJsonObject>
#include <QStringList>

class QSqlRecord;

/// A tenant (aiproxy's Group): owns tokens, sees channels through its available sets.
struct Group
{
    enum Status
    {
        Enabled = 1,
        Disabled = 2,
        Internal = 3
    };

    QString id;
    int status = Enabled;
    double rpmRatio = 1;
    double tpmRatio = 1;
    double usedAmount = 0;
    qint64 requestCount = 0;
    QStringList availableSets;
    bool balanceAlertEnabled = false;
    double balanceAlertThreshold = 0;
    qint64 createdAt = 0;

    /// Sets whose channels this group may use; empty means {"default"}.
    QStringList effectiveSets() const;
    bool isUsable() const { return status == Enabled || status == Internal; }

    static Group fromRecord(const QSqlRecord &record);
    QString applyJson(const QJsonObject &json);
    QJsonObject toJson() const;
};
