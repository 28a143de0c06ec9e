#include "channelhealth.h"

#include "model/channel.h"
#include "routingevents.h"

#include <QRandomGenerator>

ChannelHealth::ChannelHealth(RoutingEvents *events)
    : m_events(events)
{
}

QString ChannelHealth::pairKey(qint64 channelId, const QString &model)
{
    return QString::number(channelId) + QLatin1Char(' ') + model;
}

void ChannelHealth::configure(const AutoBanSettings &settings)
{
    QMutexLocker lock(&m_mutex);
    m_settings = settings;
}

AutoBanSettings ChannelHealth::settings() const
{
    QMutexLocker lock(&m_mutex);
    return m_settings;
}

void ChannelHealth::publish(const char *kind, const char *level, qint64 channelId,
                            const QString &model, const QString &message, qint64 nowMs)
{
    if (m_events)
        m_events->publish(
            {nowMs, QLatin1String(kind), QLatin1String(level), channelId, model, message});
}

void ChannelHealth::record(const Channel &channel, const QString &model, int status, qint64 nowMs)
{
    m_monitor.record(channel.id, model, status, nowMs);
    if (ErrorMonitor::isCallerError(status) || (status >= 200 && status < 300))
        return;
    const double rate = m_monitor.errorRate(channel.id, model, nowMs);
    const QString key = pairKey(channel.id, model);
    QString banReason;
    QString warning;
    {
        QMutexLocker lock(&m_mutex);
        const bool noPermission = status >= 401 && status <= 404;
        const double banRate = channel.maxErrorRate > 0
                                   ? channel.maxErrorRate
                                   : (m_settings.enabled ? m_settings.banRate : 0.0);
        if (channel.enabledNoPermissionBan && noPermission) {
            banReason = QStringLiteral("the upstream refused the channel (HTTP %1)").arg(status);
        } else if (banRate > 0 && rate >= banRate) {
            banReason = QStringLiteral("error rate %1 reached the ban rate %2")
                            .arg(rate, 0, 'f', 2)
                            .arg(banRate, 0, 'f', 2);
        }
        const auto existing = m_bans.constFind(key);
        if (existing != m_bans.constEnd() && existing->untilMs > nowMs)
            return; // Banned already: no second ban, and no warning either.
        if (!banReason.isEmpty())
            banLocked(channel.id, model, banReason, nowMs);
        const double warnRate =
            channel.warnErrorRate > 0 ? channel.warnErrorRate : m_settings.warnRate;
        const auto warned = m_warnedAt.constFind(key);
        if (banReason.isEmpty() && warnRate > 0 && rate >= warnRate &&
            (warned == m_warnedAt.constEnd() || nowMs - *warned >= m_settings.warnThrottleMs)) {
            m_warnedAt.insert(key, nowMs);
            warning = QStringLiteral("error rate %1 is at or above the warning rate %2")
                          .arg(rate, 0, 'f', 2)
                          .arg(warnRate, 0, 'f', 2);
        }
    }
    if (!banReason.isEmpty())
        publish("ban", "error", channel.id, model, banReason, nowMs);
    if (!warning.isEmpty())
        publish("error_rate_warning", "warn", channel.id, model, warning, nowMs);
}

double ChannelHealth::errorRate(qint64 channelId, const QString &model, qint64 nowMs) const
{
    return m_monitor.errorRate(channelId, model, nowMs);
}

bool ChannelHealth::isBanned(qint64 channelId, const QString &model, qint64 nowMs) const
{
    QMutexLocker lock(&m_mutex);
    const auto ban = m_bans.constFind(pairKey(channelId, model));
    return ban != m_bans.constEnd() && ban->untilMs > nowMs;
}

bool ChannelHealth::isBlocked(qint64 channelId, const QString &model, qint64 nowMs) const
{
    QMutexLocker lock(&m_mutex);
    if (m_bans.isEmpty() && m_coolUntil.isEmpty())
        return false;
    const QString key = pairKey(channelId, model);
    const auto ban = m_bans.constFind(key);
    if (ban != m_bans.constEnd() && ban->untilMs > nowMs)
        return true;
    const auto cool = m_coolUntil.constFind(key);
    return cool != m_coolUntil.constEnd() && *cool > nowMs;
}

void ChannelHealth::coolDown(qint64 channelId, const QString &model, qint64 untilMs)
{
    QMutexLocker lock(&m_mutex);
    qint64 &until = m_coolUntil[pairKey(channelId, model)];
    until = qMax(until, untilMs);
}

bool ChannelHealth::banLocked(qint64 channelId, const QString &model, const QString &reason,
                              qint64 nowMs)
{
    const QString key = pairKey(channelId, model);
    const auto existing = m_bans.constFind(key);
    if (existing != m_bans.constEnd() && existing->untilMs > nowMs)
        return false;
    // ± 10 %: pairs banned together are not re-admitted together.
    const qint64 jitter = m_settings.banMs / 10;
    const qint64 length =
        m_settings.banMs - jitter + qint64(QRandomGenerator::global()->bounded(2 * jitter + 1));
    m_bans.insert(key, Ban{channelId, model, nowMs, nowMs + length, reason});
    return true;
}

bool ChannelHealth::ban(qint64 channelId, const QString &model, const QString &reason, qint64 nowMs)
{
    bool banned = false;
    {
        QMutexLocker lock(&m_mutex);
        banned = banLocked(channelId, model, reason, nowMs);
    }
    if (banned)
        publish("ban", "error", channelId, model, reason, nowMs);
    return banned;
}

void ChannelHealth::renewBan(qint64 channelId, const QString &model, const QString &reason,
                             qint64 nowMs)
{
    {
        QMutexLocker lock(&m_mutex);
        const auto ban = m_bans.find(pairKey(channelId, model));
        if (ban == m_bans.end())
            return;
        ban->untilMs = qMax(ban->untilMs, nowMs + m_settings.banMs);
    }
    publish("retest_failed", "error", channelId, model, reason, nowMs);
}

bool ChannelHealth::unban(qint64 channelId, const QString &model, const QString &reason,
                          qint64 nowMs)
{
    if (!isBanned(channelId, model, nowMs))
        return false;
    // The failures that caused the ban must not ban the pair again at its next error: forgotten
    // before the ban goes, so no concurrent record() sees the old rate without the ban.
    m_monitor.clear(channelId, model);
    {
        QMutexLocker lock(&m_mutex);
        const QString key = pairKey(channelId, model);
        m_coolUntil.remove(key);
        if (!m_bans.remove(key))
            return false;
    }
    publish("unban", "info", channelId, model, reason, nowMs);
    return true;
}

QList<ChannelHealth::Ban> ChannelHealth::bans(qint64 nowMs) const
{
    QList<Ban> result;
    {
        QMutexLocker lock(&m_mutex);
        for (const Ban &ban : m_bans) {
            if (ban.untilMs > nowMs)
                result.append(ban);
        }
    }
    std::sort(result.begin(), result.end(),
              [](const Ban &a, const Ban &b) { return a.bannedAtMs < b.bannedAtMs; });
    return result;
}

void ChannelHealth::clear(qint64 channelId, const QString &model)
{
    m_monitor.clear(channelId, model);
    QMutexLocker lock(&m_mutex);
    const auto matches = [&](const QString &key) {
        if (channelId < 0)
            return true;
        return model.isEmpty() ? key.startsWith(QString::number(channelId) + QLatin1Char(' '))
                               : key == pairKey(channelId, model);
    };
    m_bans.removeIf([&](const auto &entry) { return matches(entry.key()); });
    m_coolUntil.removeIf([&](const auto &entry) { return matches(entry.key()); });
    m_warnedAt.removeIf([&](const auto &entry) { return matches(entry.key()); });
}

void ChannelHealth::prune(qint64 nowMs)
{
    m_monitor.prune(nowMs);
    QMutexLocker lock(&m_mutex);
    m_bans.removeIf([nowMs](const auto &entry) { return entry.value().untilMs <= nowMs; });
    m_coolUntil.removeIf([nowMs](const auto &entry) { return entry.value() <= nowMs; });
    const qint64 throttle = m_settings.warnThrottleMs;
    m_warnedAt.removeIf(
        [nowMs, throttle](const auto &entry) { return nowMs - entry.value() >= throttle; });
}

QHash<qint64, QHash<QString, double>> ChannelHealth::rates(qint64 nowMs) const
{
    QHash<qint64, QHash<QString, double>> result;
    for (const ErrorMonitor::PairRate &pair : m_monitor.rates(nowMs))
        result[pair.channelId].insert(pair.model, pair.rate);
    return result;
}
