#pragma once

#include "httprequest.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <functional>

class HttpExchange;

/// Maps (method, path) to handlers. Patterns are '/'-separated segments where "{name}"
/// captures one segment and "{*name}" (last only) captures the rest of the path, slashes
/// included. Routes are tried in registration order; static segments are compared exactly.
///
/// A handler must eventually complete the exchange (send/endStream/abandon), synchronously or
/// later from the exchange's thread.
class Router
{
public:
    using Handler = std::function<void(HttpRequest &request, HttpExchange *exchange)>;

    void add(QByteArray method, const QString &pattern, Handler handler);
    /// Finds the handler for \a request and fills its pathParams. Returns nullptr when no route
    /// matches; \a methodMismatch tells whether the path matched with another method.
    const Handler *match(HttpRequest &request, bool *methodMismatch) const;

private:
    struct Route
    {
        QByteArray method;
        QStringList segments;
        Handler handler;
    };
    static bool matchSegments(const Route &route, const QStringList &path,
                              QHash<QString, QString> *params);
    QList<Route> m_routes;
};
