#pragma once

#include <QJsonObject>
#include <QList>
#include <QMutex>
#include <QObject>
#include <QString>

/// Something operators and the alerting layer should hear about: a (channel, model) pair banned
/// or unbanned, an error rate above the channel's warning level, a failed re-test, a balance
/// under its threshold.
struct RoutingEvent
{
    qint64 atMs = 0;
    QString kind;  ///< "ban", "unban", "error_rate_warning", "retest_failed", "balance_low", …
    QString level; ///< "info", "warn" or "error".
    qint64 channelId = 0;
    QString model; ///< Empty for channel-wide events (balance).
    QString message;

    QJsonObject toJson() const;
};

/// The routing layer's event stream, shared by all threads (owned by RelayState).
///
/// publish() is thread-safe: it logs the event, keeps the last kKept events for the admin API
/// and emits published() (connect with Qt::QueuedConnection from other threads).
class RoutingEvents : public QObject
{
    Q_OBJECT
public:
    static constexpr int kKept = 1000;

    void publish(RoutingEvent event);
    /// The most recent events, newest first, at most \a limit.
    QList<RoutingEvent> recent(int limit = kKept) const;

Q_SIGNALS:
    void published(const RoutingEvent &event);

private:
    mutable QMutex m_mutex;
    QList<RoutingEvent> m_recent; ///< Oldest first, at most kKept.
};
