#pragma once

#include <QByteArray>
#include <QJsonObject>

/// Cheap lookups in a JSON document without parsing all of it (for large responses whose
/// only interesting parts are `usage` and `id`).
namespace JsonScan {

/// The object value of the last member named \a key (e.g. "usage"), or an empty object.
/// Matches an unescaped `"key"` followed by ':' and '{'; the object is delimited by brace
/// counting that skips strings, then parsed. Empty when absent or malformed.
QJsonObject lastObjectMember(const QByteArray &json, QByteArrayView key);

/// The string value of the first member named \a key (e.g. "id"), or an empty string.
QString firstStringMember(const QByteArray &json, QByteArrayView key);

} // namespace JsonScan
