#pragma once

#include <QJsonObject>
#include <QStringList>

class QSqlRecord;

/// A client API key (aiproxy's Token), owned by one group.
struct Token
{
    enum Status
    {
        Enabled = 1,
        Disabled = 2
    };

    qint64 id = 0;
    QString key; ///< 48 characters [0-9A-Za-z]; clients may send it with an "sk-" prefix.
    QString name;
    QString groupId;
    QStringList subnets;
    QStringList models; ///< Empty: every model the group can reach.
    int status = Enabled;
    double quota = 0;
    double periodQuota = 0;
    QString periodType;
    qint64 periodLastUpdateTime = 0;
    double periodLastUpdateAmount = 0;
    double usedAmount = 0;
    qint64 requestCount = 0;
    qint64 createdAt = 0;
    qint64 accessedAt = 0;

    /// A new random key of aiproxy's shape.
    static QString generateKey();
    /// Strips "Bearer " and "sk-" from a credential as clients send it.
    static QString normalizeKey(QString credential);

    static Token fromRecord(const QSqlRecord &record);
    QString applyJson(const QJsonObject &json);
    /// \a includeKey false masks the key (list responses).
    QJsonObject toJson(bool includeKey) const;
};
