#include "routingevents.h"

#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcRouting, "aiproxy.routing")

QJsonObject RoutingEvent::toJson() const
{
    QJsonObject json{{QStringLiteral("at"), atMs},
                     {QStringLiteral("kind"), kind},
                     {QStringLiteral("level"), level},
                     {QStringLiteral("channel_id"), channelId},
                     {QStringLiteral("message"), message}};
    if (!model.isEmpty())
        json.insert(QStringLiteral("model"), model);
    return json;
}

void RoutingEvents::publish(RoutingEvent event)
{
    const QString line =
        QStringLiteral("%1 channel %2%3: %4")
            .arg(event.kind)
            .arg(event.channelId)
            .arg(event.model.isEmpty() ? QString() : QLatin1Char(' ') + event.model, event.message);
    if (event.level == QLatin1String("error") || event.level == QLatin1String("warn"))
        qCWarning(lcRouting).noquote() << line;
    else
        qCInfo(lcRouting).noquote() << line;
    {
        QMutexLocker lock(&m_mutex);
        m_recent.append(event);
        if (m_recent.size() > kKept)
            m_recent.removeFirst();
    }
    Q_EMIT published(event);
}

QList<RoutingEvent> RoutingEvents::recent(int limit) const
{
    QMutexLocker lock(&m_mutex);
    QList<RoutingEvent> events;
    for (auto it = m_recent.crbegin(); it != m_recent.crend() && events.size() < limit; ++it)
        events.append(*it);
    return events;
}
