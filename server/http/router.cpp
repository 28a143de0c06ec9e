#include "router.h"

void Router::add(QByteArray method, const QString &pattern, Handler handler)
{
    m_routes.append({std::move(method), pattern.split(QLatin1Char('/'), Qt::SkipEmptyParts),
                     std::move(handler)});
}

bool Router::matchSegments(const Route &route, const QStringList &path,
                           QHash<QString, QString> *params)
{
    const QStringList &pattern = route.segments;
    for (qsizetype i = 0; i < pattern.size(); ++i) {
        const QString &segment = pattern.at(i);
        if (segment.startsWith(QLatin1String("{*"))) {
            const QString rest = path.mid(i).join(QLatin1Char('/'));
            if (rest.isEmpty())
                return false;
            params->insert(segment.mid(2, segment.size() - 3), rest);
            return true;
        }
        if (i >= path.size())
            return false;
        if (segment.startsWith(QLatin1Char('{')))
            params->insert(segment.mid(1, segment.size() - 2), path.at(i));
        else if (segment != path.at(i))
            return false;
    }
    return pattern.size() == path.size();
}

const Router::Handler *Router::match(HttpRequest &request, bool *methodMismatch) const
{
    const QStringList path = request.path.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    *methodMismatch = false;
    for (const Route &route : m_routes) {
        QHash<QString, QString> params;
        if (!matchSegments(route, path, &params))
            continue;
        if (route.method != request.method) {
            *methodMismatch = true;
            continue;
        }
        request.pathParams = std::move(params);
        return &route.handler;
    }
    return nullptr;
}
