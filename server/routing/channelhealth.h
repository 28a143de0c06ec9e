#pragma once

#include "errormonitor.h"

#include <QHash>
#include <QList>
#include <QMutex>
#include <QString>

struct Channel;
class RoutingEvents;

/// When a (channel, model) pair is taken out of rotation and when operators are warned.
struct AutoBanSettings
{
    bool enabled = true;    ///< ENABLE_MODEL_ERROR_AUTO_BAN.
    double banRate = 0.75;  ///< MODEL_ERROR_AUTO_BAN_RATE; a channel's max_error_rate > 0 wins.
    double warnRate = 0.5;  ///< DEFAULT_WARN_NOTIFY_ERROR_RATE; a channel's warn_error_rate wins.
    qint64 banMs = 300'000; ///< Ban length, ± 10 %; renewed by each failed re-test.
    qint64 warnThrottleMs = 900'000; ///< At most one warning per pair in this time.
};

/// The health of every (channel, model) pair, shared by all threads (mutex-guarded): recent
/// error rates (ErrorMonitor), bans and Retry-After cool-downs, and the ban / unban / warning
/// events they cause (published to RoutingEvents).
///
/// Models are the names clients use (before the channel's model_mapping), as in aiproxy.
class ChannelHealth
{
public:
    struct Ban
    {
        qint64 channelId = 0;
        QString model;
        qint64 bannedAtMs = 0;
        qint64 untilMs = 0;
        QString reason;
    };

    explicit ChannelHealth(RoutingEvents *events);

    void configure(const AutoBanSettings &settings);
    AutoBanSettings settings() const;

    /// Records one attempt's HTTP \a status (0: transport failure, 499: the client left) and
    /// bans the pair when the channel's rules say so: immediately on 401/402/403/404 with
    /// enabled_no_permission_ban, or once its error rate reaches the ban rate.
    void record(const Channel &channel, const QString &model, int status, qint64 nowMs);

    double errorRate(qint64 channelId, const QString &model, qint64 nowMs) const;
    /// Banned or cooling down after a Retry-After: left out while another channel can serve.
    bool isBlocked(qint64 channelId, const QString &model, qint64 nowMs) const;
    bool isBanned(qint64 channelId, const QString &model, qint64 nowMs) const;
    /// Keeps the pair out of rotation until \a untilMs (a provider's Retry-After).
    void coolDown(qint64 channelId, const QString &model, qint64 untilMs);

    /// Bans the pair now (no-op when it already is); true when a new ban started.
    bool ban(qint64 channelId, const QString &model, const QString &reason, qint64 nowMs);
    /// Extends a ban after a failed re-test (publishes "retest_failed").
    void renewBan(qint64 channelId, const QString &model, const QString &reason, qint64 nowMs);
    /// Lifts a ban (publishes "unban"); false when the pair was not banned.
    bool unban(qint64 channelId, const QString &model, const QString &reason, qint64 nowMs);
    /// Bans in force at \a nowMs, oldest first.
    QList<Ban> bans(qint64 nowMs) const;

    /// Forgets rates, bans and cool-downs: of everything (\a channelId < 0), of one channel
    /// (\a model empty) or of one pair. Lifting a ban this way publishes no event.
    void clear(qint64 channelId = -1, const QString &model = QString());
    /// Drops what no longer matters at \a nowMs: idle error windows, ended bans and
    /// cool-downs, warnings older than the throttle (called by the periodic re-test pass).
    void prune(qint64 nowMs);

    /// Error rates of every pair with traffic in the window ("<channel id>" → model → rate).
    QHash<qint64, QHash<QString, double>> rates(qint64 nowMs) const;

    const ErrorMonitor &monitor() const { return m_monitor; }

private:
    static QString pairKey(qint64 channelId, const QString &model);
    void publish(const char *kind, const char *level, qint64 channelId, const QString &model,
                 const QString &message, qint64 nowMs);
    bool banLocked(qint64 channelId, const QString &model, const QString &reason, qint64 nowMs);

    RoutingEvents *m_events;
    ErrorMonitor m_monitor;
    mutable QMutex m_mutex;
    AutoBanSettings m_settings;
    QHash<QString, Ban> m_bans;
    QHash<QString, qint64> m_coolUntil;
    QHash<QString, qint64> m_warnedAt;
};
