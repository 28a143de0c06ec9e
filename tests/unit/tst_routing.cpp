// Channel selection: the error monitor's sliding window and the weighted pick
// (weight = priority / (errorRate + 0.10)², failing channels out while a healthy one exists).

#include "model/channel.h"
#include "routing/channelselector.h"
#include "routing/errormonitor.h"

#include <QtTest>

class TstRouting : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void errorRateNeedsTenRequests();
    void windowSlidesAndCallerErrorsDoNotCount();
    void selectionFollowsTheWeights();
    void failingChannelsAreSkippedWhileAHealthyOneExists();
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
        flakyPicks += ChannelSelector::pick(candidates, rate, random) == &flaky;
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
        QCOMPARE(ChannelSelector::pick(both, rate, random), &healthy);
    // Nothing healthy: still a pick, by weight, rather than a refusal.
    const QList<const Channel *> onlyFailing{&failing};
    QCOMPARE(ChannelSelector::pick(onlyFailing, rate, 12345), &failing);
    QCOMPARE(ChannelSelector::pick({}, rate, 0), nullptr);
}

QTEST_GUILESS_MAIN(TstRouting)
#include "tst_routing.moc"
