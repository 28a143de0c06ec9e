#pragma once

#include "storage/page.h"

#include <QJsonArray>
#include <QJsonObject>

/// JSON shapes shared by the admin use cases.
namespace AdminJson {

/// Maps \a items with \a toJson into an array.
template<typename T, typename ToJson> QJsonArray array(const QList<T> &items, ToJson toJson)
{
    QJsonArray result;
    for (const T &item : items)
        result.append(toJson(item));
    return result;
}

/// aiproxy's paged list: {"<listKey>": [...], "total": N}.
template<typename T, typename ToJson>
QJsonObject page(const QString &listKey, const Page<T> &page, ToJson toJson)
{
    return QJsonObject{{listKey, array(page.items, toJson)}, {QStringLiteral("total"), page.total}};
}

/// Decodes every element of \a array into a fresh T with T::applyJson. On failure returns an
/// error naming the element, e.g. "channels[2]: invalid field 'type'", and \a out is partial.
template<typename T> QString decodeAll(const QJsonArray &array, const QString &what, QList<T> *out)
{
    for (qsizetype i = 0; i < array.size(); ++i) {
        T item;
        const QString error = array.at(i).isObject() ? item.applyJson(array.at(i).toObject())
                                                     : QStringLiteral("an object is required");
        if (!error.isEmpty())
            return QStringLiteral("%1[%2]: %3").arg(what).arg(i).arg(error);
        out->append(std::move(item));
    }
    return {};
}

} // namespace AdminJson
