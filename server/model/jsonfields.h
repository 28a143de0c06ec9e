#pragma once

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStringList>

/// Small conversions shared by the model structs (JSON text columns, time stamps).
namespace JsonFields {

inline QStringList toStringList(const QJsonValue &value)
{
    QStringList list;
    const QJsonArray array = value.toArray();
    for (const QJsonValue &item : array)
        list << item.toString();
    return list;
}

inline QStringList parseStringList(const QString &text)
{
    return toStringList(QJsonDocument::fromJson(text.toUtf8()).array());
}

inline QString toText(const QStringList &list)
{
    return QString::fromUtf8(
        QJsonDocument(QJsonArray::fromStringList(list)).toJson(QJsonDocument::Compact));
}

inline QJsonObject parseObject(const QString &text)
{
    return QJsonDocument::fromJson(text.toUtf8()).object();
}

inline QString toText(const QJsonObject &object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

/// Unix milliseconds → RFC 3339 in UTC, as aiproxy's JSON shows times; 0 → empty string.
inline QString timeText(qint64 msecs)
{
    if (msecs <= 0)
        return {};
    return QDateTime::fromMSecsSinceEpoch(msecs, Qt::UTC).toString(Qt::ISODateWithMs);
}

} // namespace JsonFields
