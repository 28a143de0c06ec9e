// Channel selection: the error monitor's sliding window and the weighted pick
// (weight = priority / (errorRate + 0.10)², failing channels out while a healthy one exists).

#include "model/channel.h"
#include "routing/channelselector.h"
#include "routing/errormonitor.h"

#include "routing/channelhealth.h"
#include "routing/retrypolicy.h"
#include "routing/routingevents.h"

#include <QtTest>

namespace {

const std::function<bool(const Channel &)> kNoneBlocked = [](const Channel &) { return false; };

} // namespace

class TstRouting : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void errorRateNeedsTenRequests();
    void windowSlidesAndCallerErrorsDoNotCount();
    void selectionFollowsTheWeights();
    void failingChannelsAreSkippedWhileAHealthyOneExists();
    void blockedChannelsAreTheLastResort();
    void retryVerdicts();
    void retryAfterHeader();
    void backoffGrowsAndHonoursRetryAfter();
    void errorRateBansThePair();
    void noPermissionBanIsImmediateAndOptIn();
    void warningsAreThrottled();
    void banExpiresAndRenewsAndLifts();
    void clearForgetsRatesAndBans();
    void pruneDropsWhatEnded();
};

void TstRouting::errorRateNeedsTenRequests()
{
    ErrorMonitor monitor;
    const qint64 now = 1'000'000'000;
    for (int i = 0; i < 9; ++i)
        monitor.record(1, QStringLiteral("m"), 500, now);
    QCOMPARE(monitor.errorRate(1, QStringLiteral("m"), now), 0.0); // 9 requests: too few.
    monitor.record(1, QStringLiteral("m"), 200, now);
    QCOMPARE(monitor.errorRate(1, QStringLiteral("m"), now), 0.9);
    QCOMPARE(monitor.errorRate(1, QStringLiteral("other"), now), 0.0); // Per model.
    QCOMPARE(monitor.errorRate(2, QStringLiteral("m"), now), 0.0);     // Per channel.
    monitor.clear();
    QCOMPARE(monitor.errorRate(1, QStringLiteral("m"), now), 0.0);
}

void TstRouting::windowSlidesAndCallerErrorsDoNotCount()
{
    ErrorMonitor monitor;
    const qint64 start = 5'000'000'000;
    for (int status : {400, 413, 422, 451, 499})
        for (int i = 0; i < 10; ++i)
            monitor.record(1, QStringLiteral("m"), status, start);
    QCOMPARE(monitor.errorRate(1, QStringLiteral("m"), start), 0.0);
    for (int i = 0; i < 10; ++i)
        monitor.record(1, QStringLiteral("m"), i < 5 ? 429 : 200, start);
    QCOMPARE(monitor.errorRate(1, QStringLiteral("m"), start), 0.5);
    const qint64 window = ErrorMonitor::kSlices * ErrorMonitor::kSliceMs;
    // Still inside the window one slice before its end; gone once it has passed.
    QCOMPARE(monitor.errorRate(1, QStringLiteral("m"), start + window - ErrorMonitor::kSliceMs),
             0.5);
    QCOMPARE(monitor.errorRate(1, QStringLiteral("m"), start + window), 0.0);
    // A later slice that reuses the ring position starts from zero.
    for (int i = 0; i < 10; ++i)
        monitor.record(1, QStringLiteral("m"), 200, start + window);
    QCOMPARE(monitor.errorRate(1, QStringLiteral("m"), start + window), 0.0);
}

void TstRouting::selectionFollowsTheWeights()
{
    Channel healthy;
    healthy.id = 1;
    healthy.priority = 0; // Counts as 10.
    Channel flaky;
    flaky.id = 2;
    flaky.priority = 20;
    const QList<const Channel *> candidates{&healthy, &flaky};
    const auto rate = [](const Channel &channel) { return channel.id == 2 ? 0.5 : 0.0; };
    // Expected shares: 10/0.01 = 1000 against 20/0.36 = 55.6.
    const double flakyShare = ChannelSelector::weight(20, 0.5) /
                              (ChannelSelector::weight(20, 0.5) + ChannelSelector::weight(0, 0));
    QVERIFY(qAbs(flakyShare - 55.5556 / 1055.5556) < 1e-4);
    constexpr int kDraws = 200'000;
    int flakyPicks = 0;
    for (int i = 0; i < kDraws; ++i) {
        // Evenly spread random values: the shares must match the weights.
        const quint32 random = quint32((quint64(i) * 4294967296ull) / kDraws);
        flakyPicks += ChannelSelector::pick(candidates, rate, kNoneBlocked, random) == &flaky;
    }
    QVERIFY2(qAbs(double(flakyPicks) / kDraws - flakyShare) < 0.001,
             qPrintable(QString::number(double(flakyPicks) / kDraws)));
}

void TstRouting::failingChannelsAreSkippedWhileAHealthyOneExists()
{
    Channel failing;
    failing.id = 1;
    failing.priority = 1'000'000;
    Channel healthy;
    healthy.id = 2;
    healthy.priority = 1;
    const QList<const Channel *> both{&failing, &healthy};
    const auto rate = [](const Channel &channel) { return channel.id == 1 ? 0.9 : 0.2; };
    for (quint32 random : {0u, 1u << 31, 0xffffffffu})
        QCOMPARE(ChannelSelector::pick(both, rate, kNoneBlocked, random), &healthy);
    // Nothing healthy: still a pick, by weight, rather than a refusal.
    const QList<const Channel *> onlyFailing{&failing};
    QCOMPARE(ChannelSelector::pick(onlyFailing, rate, kNoneBlocked, 12345), &failing);
    QCOMPARE(ChannelSelector::pick({}, rate, kNoneBlocked, 0), nullptr);
}

void TstRouting::blockedChannelsAreTheLastResort()
{
    Channel banned;
    banned.id = 1;
    banned.priority = 1'000'000;
    Channel flaky;
    flaky.id = 2;
    const QList<const Channel *> both{&banned, &flaky};
    const auto blocked = [](const Channel &channel) { return channel.id == 1; };
    // Pass 2: a failing (0.9) but unbanned channel beats a healthy banned one.
    const auto rate = [](const Channel &channel) { return channel.id == 2 ? 0.9 : 0.0; };
    for (quint32 random : {0u, 1u << 31, 0xffffffffu})
        QCOMPARE(ChannelSelector::pick(both, rate, blocked, random), &flaky);
    // Pass 3: everything blocked: still a pick.
    const auto all = [](const Channel &) { return true; };
    QVERIFY(ChannelSelector::pick(both, rate, all, 7) != nullptr);
}

void TstRouting::retryVerdicts()
{
    using RetryPolicy::Verdict;
    for (int status : {400, 413, 422, 451, 499, 200, 418})
        QCOMPARE(RetryPolicy::classify(status), Verdict::Final);
    for (int status : {401, 402, 403, 404})
        QCOMPARE(RetryPolicy::classify(status), Verdict::Exclude);
    for (int status : {0, 408, 429, 500, 502, 503, 504, 529})
        QCOMPARE(RetryPolicy::classify(status), Verdict::Retry);
}

void TstRouting::retryAfterHeader()
{
    const qint64 now = QDateTime(QDate(2015, 10, 21), QTime(7, 28, 0), Qt::UTC).toMSecsSinceEpoch();
    QCOMPARE(RetryPolicy::retryAfterMs("3", now), 3000);
    QCOMPARE(RetryPolicy::retryAfterMs(" 0.5 ", now), 500);
    QCOMPARE(RetryPolicy::retryAfterMs("Wed, 21 Oct 2015 07:28:02 GMT", now), 2000);
    QCOMPARE(RetryPolicy::retryAfterMs("Wed, 21 Oct 2015 07:27:00 GMT", now), 0); // Past.
    QCOMPARE(RetryPolicy::retryAfterMs("", now), -1);
    QCOMPARE(RetryPolicy::retryAfterMs("soon", now), -1);
    QCOMPARE(RetryPolicy::retryAfterMs("-4", now), -1);
    QCOMPARE(RetryPolicy::retryAfterMs("inf", now), -1);
    QCOMPARE(RetryPolicy::retryAfterMs("nan", now), -1);
    QCOMPARE(RetryPolicy::retryAfterMs("1e17", now), 86'400'000); // A day at most.
}

void TstRouting::backoffGrowsAndHonoursRetryAfter()
{
    QCOMPARE(RetryPolicy::sameChannelBackoffMs(1, -1, 0), 500);
    QCOMPARE(RetryPolicy::sameChannelBackoffMs(2, -1, 0), 1000);
    QCOMPARE(RetryPolicy::sameChannelBackoffMs(9, -1, 0), RetryPolicy::kMaxBackoffMs);
    // Jitter: at most 20 % more.
    QCOMPARE(RetryPolicy::sameChannelBackoffMs(1, -1, 0xffffffffu), 599);
    QCOMPARE(RetryPolicy::sameChannelBackoffMs(3, 1500, 0xffffffffu), 1500);
}

namespace {

Channel channelWith(qint64 id, double maxErrorRate = 0, bool noPermissionBan = false)
{
    Channel channel;
    channel.id = id;
    channel.maxErrorRate = maxErrorRate;
    channel.enabledNoPermissionBan = noPermissionBan;
    return channel;
}

QStringList kinds(const RoutingEvents &events)
{
    QStringList result;
    for (const RoutingEvent &event : events.recent())
        result.prepend(event.kind);
    return result;
}

} // namespace

void TstRouting::errorRateBansThePair()
{
    RoutingEvents events;
    ChannelHealth health(&events);
    AutoBanSettings settings;
    settings.banRate = 0.5;
    settings.warnRate = 0.4; // A ban says more: no warning with it, nor for a banned pair.
    health.configure(settings);
    const qint64 now = 1'000'000;
    const Channel channel = channelWith(7);
    const QString model = QStringLiteral("m");
    for (int i = 0; i < 4; ++i)
        health.record(channel, model, 200, now);
    for (int i = 0; i < 5; ++i) // 9 requests: below the monitor's minimum.
        health.record(channel, model, 503, now);
    QVERIFY(!health.isBanned(7, model, now));
    health.record(channel, model, 0, now); // 10th: 6/10 failed, a transport error counts.
    QVERIFY(health.isBanned(7, model, now));
    QVERIFY(health.isBlocked(7, model, now));
    QVERIFY(!health.isBanned(7, QStringLiteral("other"), now));
    QCOMPARE(kinds(events), QStringList{QStringLiteral("ban")});
    health.record(channel, model, 503, now); // Already banned: no second event, no warning.
    QCOMPARE(kinds(events).size(), 1);
    // A channel's own max_error_rate wins over the setting.
    const Channel strict = channelWith(8, 0.2);
    for (int i = 0; i < 8; ++i)
        health.record(strict, model, 200, now);
    health.record(strict, model, 500, now);
    health.record(strict, model, 500, now);
    QVERIFY(health.isBanned(8, model, now));
    // Auto-ban off: only channels with max_error_rate ban.
    settings.enabled = false;
    health.configure(settings);
    const Channel lax = channelWith(9);
    for (int i = 0; i < 20; ++i)
        health.record(lax, model, 500, now);
    QVERIFY(!health.isBanned(9, model, now));
    // Caller errors never ban.
    const Channel callers = channelWith(10, 0.1);
    for (int i = 0; i < 20; ++i)
        health.record(callers, model, 400, now);
    QVERIFY(!health.isBanned(10, model, now));
}

void TstRouting::noPermissionBanIsImmediateAndOptIn()
{
    ChannelHealth health(nullptr);
    const qint64 now = 5'000'000;
    health.record(channelWith(1), QStringLiteral("m"), 401, now);
    QVERIFY(!health.isBanned(1, QStringLiteral("m"), now));
    health.record(channelWith(2, 0, true), QStringLiteral("m"), 403, now);
    QVERIFY(health.isBanned(2, QStringLiteral("m"), now));
    health.record(channelWith(3, 0, true), QStringLiteral("m"), 500, now);
    QVERIFY(!health.isBanned(3, QStringLiteral("m"), now));
}

void TstRouting::warningsAreThrottled()
{
    RoutingEvents events;
    ChannelHealth health(&events);
    AutoBanSettings settings;
    settings.enabled = false;
    settings.warnRate = 0.3;
    health.configure(settings);
    const Channel channel = channelWith(4);
    qint64 now = 10'000'000;
    for (int i = 0; i < 6; ++i)
        health.record(channel, QStringLiteral("m"), 200, now);
    for (int i = 0; i < 6; ++i)
        health.record(channel, QStringLiteral("m"), 500, now);
    QCOMPARE(kinds(events), QStringList{QStringLiteral("error_rate_warning")});
    QCOMPARE(events.recent().first().level, QStringLiteral("warn"));
    QCOMPARE(events.recent().first().channelId, 4);
    now += settings.warnThrottleMs - 1;
    for (int i = 0; i < 12; ++i)
        health.record(channel, QStringLiteral("m"), 500, now);
    QCOMPARE(kinds(events).size(), 1);
    now += 1;
    health.record(channel, QStringLiteral("m"), 500, now);
    QCOMPARE(kinds(events).size(), 2);
}

void TstRouting::banExpiresAndRenewsAndLifts()
{
    RoutingEvents events;
    ChannelHealth health(&events);
    AutoBanSettings settings;
    settings.banMs = 100'000;
    health.configure(settings);
    const QString model = QStringLiteral("m");
    const qint64 now = 20'000'000;
    QVERIFY(health.ban(1, model, QStringLiteral("test"), now));
    QVERIFY(!health.ban(1, model, QStringLiteral("again"), now));
    const ChannelHealth::Ban ban = health.bans(now).first();
    // ± 10 %.
    QVERIFY(ban.untilMs >= now + 90'000 && ban.untilMs <= now + 110'000);
    QVERIFY(health.isBanned(1, model, ban.untilMs - 1));
    QVERIFY(!health.isBanned(1, model, ban.untilMs));
    QVERIFY(health.bans(ban.untilMs).isEmpty());
    // A failed re-test extends it by a full period from then.
    health.renewBan(1, model, QStringLiteral("still failing"), ban.untilMs - 1);
    QVERIFY(health.isBanned(1, model, ban.untilMs - 1 + 99'999));
    QVERIFY(health.unban(1, model, QStringLiteral("re-test passed"), now));
    QVERIFY(!health.isBanned(1, model, now));
    QVERIFY(!health.unban(1, model, QStringLiteral("twice"), now));
    QCOMPARE(kinds(events), (QStringList{QStringLiteral("ban"), QStringLiteral("retest_failed"),
                                         QStringLiteral("unban")}));
    // Cool-downs block without a ban and end on their own.
    health.coolDown(2, model, now + 3000);
    QVERIFY(health.isBlocked(2, model, now + 2999));
    QVERIFY(!health.isBanned(2, model, now));
    QVERIFY(!health.isBlocked(2, model, now + 3000));
}

void TstRouting::clearForgetsRatesAndBans()
{
    ChannelHealth health(nullptr);
    const qint64 now = 30'000'000;
    for (qint64 id : {1, 2}) {
        for (int i = 0; i < 10; ++i)
            health.record(channelWith(id), QStringLiteral("a"), 500, now);
        for (int i = 0; i < 10; ++i)
            health.record(channelWith(id), QStringLiteral("b"), 500, now);
    }
    QCOMPARE(health.bans(now).size(), 4);
    QCOMPARE(health.rates(now).value(1).value(QStringLiteral("a")), 1.0);
    health.clear(1, QStringLiteral("a"));
    QVERIFY(!health.isBanned(1, QStringLiteral("a"), now));
    QVERIFY(health.isBanned(1, QStringLiteral("b"), now));
    QCOMPARE(health.errorRate(1, QStringLiteral("a"), now), 0.0);
    health.clear(2);
    QVERIFY(!health.isBanned(2, QStringLiteral("b"), now));
    QCOMPARE(health.rates(now).size(), 1);
    health.clear();
    QVERIFY(health.bans(now).isEmpty());
    QVERIFY(health.rates(now).isEmpty());
}

void TstRouting::pruneDropsWhatEnded()
{
    ChannelHealth health(nullptr);
    AutoBanSettings settings;
    settings.banMs = 60'000;
    settings.warnRate = 0.1;
    health.configure(settings);
    const qint64 now = 40'000'000;
    for (int i = 0; i < 10; ++i) // Banned (rate 1.0) and warned about nothing (banned first).
        health.record(channelWith(1), QStringLiteral("m"), 500, now);
    health.coolDown(2, QStringLiteral("m"), now + 1000);
    health.prune(now);
    QCOMPARE(health.bans(now).size(), 1);
    QCOMPARE(health.monitor().rates(now).size(), 1);
    QVERIFY(health.isBlocked(2, QStringLiteral("m"), now));
    // Past the window (120 s), the ban (≤ 66 s) and the cool-down: nothing is left.
    const qint64 later = now + ErrorMonitor::kSlices * ErrorMonitor::kSliceMs + 1;
    health.prune(later);
    QVERIFY(health.bans(now).isEmpty()); // Gone, not merely expired.
    QVERIFY(health.monitor().rates(now).isEmpty());
    QVERIFY(!health.isBlocked(2, QStringLiteral("m"), now));
}

QTEST_GUILESS_MAIN(TstRouting)
#include "tst_routing.moc"
