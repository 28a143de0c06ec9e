// Auto-ban and recovery end to end: a channel failing every request is banned once its error
// rate is known (its failures retried on the healthy channel meanwhile), gets no traffic while
// banned, is re-tested in the background (a failed re-test renews the ban), and is unbanned by
// the re-test that passes; bans expire on the routing clock; /api/monitor reads and clears
// error rates and bans and lists the routing events.

#include "adaptorfixture.h"
#include "admin/adminservice.h"
#include "clientcalls.h"
#include "gateway/gatewaycore.h"
#include "relay/relaystate.h"
#include "routing/banretester.h"

#include <QJsonArray>
#include <QtTest>

#include <atomic>

namespace {

const QString kGroup = QStringLiteral("ban-group");
const QString kKey = QStringLiteral("bankey0123456789bankey0123456789bankey0123456789");
const QString kModel = QStringLiteral("m-ban");

RelaySeed::ChannelRow channel(qint64 id, const QString &baseUrl, const QString &model,
                              const QString &upstreamModel, int priority)
{
    RelaySeed::ChannelRow row;
    row.id = id;
    row.name = QStringLiteral("channel-%1").arg(id);
    row.key = QStringLiteral("sk-channel-%1").arg(id);
    row.baseUrl = baseUrl;
    row.models = {model};
    if (!upstreamModel.isEmpty())
        row.modelMapping = {{model, upstreamModel}};
    row.priority = priority;
    return row;
}

} // namespace

class TstBans : public QObject
{
    Q_OBJECT

private:
    AdaptorFixture m_fixture{kKey};

    RelayState *state() { return m_fixture.core()->relayState(); }
    RawHttpClient::Response chat(const QString &model = kModel)
    {
        return m_fixture.post(
            "/v1/chat/completions",
            {{"model", model},
             {"messages", QJsonArray{QJsonObject{{"role", "user"}, {"content", "Hello"}}}}});
    }
    /// Upstream requests made with channel \a id's key.
    int requestsTo(qint64 id)
    {
        int count = 0;
        const QByteArray key = "Bearer sk-channel-" + QByteArray::number(id);
        for (const MockUpstream::Request &request : m_fixture.mock().requests())
            count += request.header("authorization") == key;
        return count;
    }
    QJsonValue adminData(const QByteArray &method, const QString &path)
    {
        const TestHttpResponse response = m_fixture.admin(method, path);
        if (response.status != 200)
            qWarning() << path << response.status << response.body;
        return response.json().value(QStringLiteral("data"));
    }
    QStringList eventKinds()
    {
        QStringList kinds;
        for (const QJsonValue &event :
             adminData("GET", QStringLiteral("/api/monitor/events")).toArray())
            kinds.prepend(event.toObject().value(QStringLiteral("kind")).toString());
        return kinds;
    }
    /// One re-test pass on the admin thread, waited for.
    bool retestNow()
    {
        AdminService *service = m_fixture.core()->adminService();
        auto done = std::make_shared<std::atomic<bool>>(false);
        QMetaObject::invokeMethod(
            service,
            [service, done] { service->banRetester()->retestBanned([done] { *done = true; }); },
            Qt::BlockingQueuedConnection);
        QDeadlineTimer deadline(10'000);
        while (!*done && !deadline.hasExpired())
            QTest::qWait(10);
        return *done;
    }

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase() { m_fixture.stop(); }
    void banRetestUnbanCycle();
    void banExpiresOnTheRoutingClock();
    void disabledChannelIsUnbanned();
    void clearingLiftsBans();
    void monitorNeedsTheAdminKey();
};

void TstBans::initTestCase()
{
    QString error;
    QVERIFY2(m_fixture.start(&error), qPrintable(error));
    const QString base = m_fixture.mock().baseUrl();
    QVERIFY2(m_fixture.seed(kGroup,
                            {channel(1, base, kModel, QStringLiteral("error-500"), 1'000'000),
                             channel(2, base, kModel, QString(), 1),
                             channel(3, base, QStringLiteral("m-gone"), QString(), 0)},
                            &error),
             qPrintable(error));
}

void TstBans::banRetestUnbanCycle()
{
    // Channel 1 (priority 1,000,000) goes first and fails; each request is retried on 2.
    for (int i = 0; i < ErrorMonitor::kMinRequests; ++i)
        QCOMPARE(chat().status, 200);
    QCOMPARE(requestsTo(1), ErrorMonitor::kMinRequests);
    QVERIFY(state()->health.isBanned(1, kModel, state()->nowMs()));
    QCOMPARE(adminData("GET", QStringLiteral("/api/monitor/banned_channels")).toObject(),
             (QJsonObject{{kModel, QJsonArray{1}}}));
    QCOMPARE(adminData("GET", QStringLiteral("/api/monitor/")).toObject(),
             (QJsonObject{{"1", QJsonObject{{kModel, 1.0}}}, {"2", QJsonObject{{kModel, 0.0}}}}));
    QCOMPARE(adminData("GET", QStringLiteral("/api/monitor/1")).toObject(),
             (QJsonObject{{kModel, 1.0}}));
    QCOMPARE(adminData("GET", QStringLiteral("/api/monitor/models")).toObject(),
             (QJsonObject{{kModel, 0.5}}));
    QCOMPARE(eventKinds(), QStringList{QStringLiteral("ban")});

    // Banned: no traffic at all, despite its priority.
    for (int i = 0; i < 20; ++i)
        QCOMPARE(chat().status, 200);
    QCOMPARE(requestsTo(1), ErrorMonitor::kMinRequests);

    // A re-test while it still fails: one test request, and the ban is renewed.
    const qint64 until = state()->health.bans(state()->nowMs()).first().untilMs;
    QVERIFY(retestNow());
    QCOMPARE(requestsTo(1), ErrorMonitor::kMinRequests + 1);
    QVERIFY(m_fixture.mock().lastRequest().body.contains("\"hi\""));
    QVERIFY(state()->health.isBanned(1, kModel, state()->nowMs()));
    QVERIFY(state()->health.bans(state()->nowMs()).first().untilMs >= until);
    QCOMPARE(eventKinds().last(), QStringLiteral("retest_failed"));

    // The operator fixes the channel; it stays out of rotation until a re-test passes.
    QCOMPARE(
        m_fixture.admin("PUT", QStringLiteral("/api/channel/1"), {{"model_mapping", QJsonObject()}})
            .status,
        200);
    for (int i = 0; i < 5; ++i)
        QCOMPARE(chat().status, 200);
    QCOMPARE(requestsTo(1), ErrorMonitor::kMinRequests + 1);
    QVERIFY(retestNow());
    QCOMPARE(requestsTo(1), ErrorMonitor::kMinRequests + 2);
    QVERIFY(!state()->health.isBanned(1, kModel, state()->nowMs()));
    QCOMPARE(adminData("GET", QStringLiteral("/api/monitor/banned_channels")).toObject(),
             QJsonObject());
    QCOMPARE(eventKinds().last(), QStringLiteral("unban"));
    // Its old failures are forgotten, and traffic returns.
    QCOMPARE(state()->health.errorRate(1, kModel, state()->nowMs()), 0.0);
    const auto response = chat();
    QCOMPARE(response.status, 200);
    QCOMPARE(m_fixture.logRow(response).value("channel_id").toInt(), 1);
    QCOMPARE(m_fixture.logRow(response).value("retry_times").toInt(), 0);
}

void TstBans::banExpiresOnTheRoutingClock()
{
    const qint64 now = state()->nowMs();
    QVERIFY(state()->health.ban(1, kModel, QStringLiteral("test"), now));
    const qint64 until = state()->health.bans(now).first().untilMs;
    // AUTO_BAN_DURATION's default: 300 s ± 10 %.
    QVERIFY(until >= now + 270'000 && until <= now + 330'000);
    int before = requestsTo(1);
    QCOMPARE(chat().status, 200);
    QCOMPARE(requestsTo(1), before);
    state()->clockOffsetMs += until - now;
    QVERIFY(!state()->health.isBanned(1, kModel, state()->nowMs()));
    before = requestsTo(1);
    QCOMPARE(chat().status, 200);
    state()->clockOffsetMs -= until - now;
    QCOMPARE(requestsTo(1), before + 1);
    state()->health.clear();
}

void TstBans::disabledChannelIsUnbanned()
{
    QVERIFY(
        state()->health.ban(3, QStringLiteral("m-gone"), QStringLiteral("test"), state()->nowMs()));
    QCOMPARE(
        m_fixture.admin("POST", QStringLiteral("/api/channel/3/status"), {{"status", 2}}).status,
        200);
    const int before = m_fixture.mock().requestCount();
    QVERIFY(retestNow());
    QCOMPARE(m_fixture.mock().requestCount(), before); // Nothing to test.
    QVERIFY(!state()->health.isBanned(3, QStringLiteral("m-gone"), state()->nowMs()));
    const QJsonArray events =
        adminData("GET", QStringLiteral("/api/monitor/events?limit=1")).toArray();
    QCOMPARE(events.size(), 1);
    QCOMPARE(events.first().toObject().value("kind").toString(), QStringLiteral("unban"));
    QCOMPARE(events.first().toObject().value("channel_id").toInt(), 3);
    QVERIFY(events.first().toObject().value("message").toString().contains("disabled"));
}

void TstBans::clearingLiftsBans()
{
    const qint64 now = state()->nowMs();
    state()->health.ban(1, kModel, QStringLiteral("a"), now);
    state()->health.ban(2, kModel, QStringLiteral("b"), now);
    QCOMPARE(adminData("DELETE", QStringLiteral("/api/monitor/1/") + kModel), QJsonValue());
    QCOMPARE(adminData("GET", QStringLiteral("/api/monitor/banned_channels")).toObject(),
             (QJsonObject{{kModel, QJsonArray{2}}}));
    adminData("DELETE", QStringLiteral("/api/monitor/"));
    QCOMPARE(adminData("GET", QStringLiteral("/api/monitor/banned_channels")).toObject(),
             QJsonObject());
}

void TstBans::monitorNeedsTheAdminKey()
{
    for (const char *path :
         {"/api/monitor/", "/api/monitor/banned_channels", "/api/monitor/events"}) {
        const auto response = RawHttpClient::postJson(m_fixture.port(), path, {});
        QVERIFY(response.status == 401 || response.status == 405);
        RawHttpClient client;
        QVERIFY(client.connectToPort(m_fixture.port()));
        QCOMPARE(client.request("GET", path).status, 401);
    }
}

QTEST_GUILESS_MAIN(TstBans)
#include "tst_bans.moc"
