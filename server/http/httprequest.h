#pragma once

#include <QByteArray>
#include <QHash>
#include <QHostAddress>
#include <QList>
#include <QPair>
#include <QString>
#include <QUrlQuery>

/// A request detached from its socket: safe to keep after the handler returns and to pass
/// to another thread.
struct HttpRequest
{
    QByteArray method; ///< Upper case, e.g. "POST".
    QString path;      ///< Decoded path without the query.
    QUrlQuery query;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    QHostAddress remoteAddress;
    QHash<QString, QString> pathParams; ///< Captures of the matched route.

    /// First header named \a name (case-insensitive), or an empty array.
    QByteArray header(QByteArrayView name) const
    {
        for (const auto &[key, value] : headers) {
            if (QByteArrayView(key).compare(name, Qt::CaseInsensitive) == 0)
                return value;
        }
        return {};
    }
    QString param(const QString &name) const { return pathParams.value(name); }
    QString queryValue(const QString &name) const
    {
        return query.queryItemValue(name, QUrl::FullyDecoded);
    }
};
