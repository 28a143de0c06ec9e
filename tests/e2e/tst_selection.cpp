// Channel selection end to end: a channel that fails every request (mock scenario error-500)
// keeps getting its share only until the error monitor has seen enough of it; its failures are
// retried on the healthy channel meanwhile, so the client sees none. Then the pair is banned
// (a "ban" event) and every request goes to the healthy channel.

#include "gateway/gatewaycore.h"
#include "logrows.h"
#include "mockupstream.h"
#include "rawhttpclient.h"
#include "relay/relaystate.h"
#include "relayseed.h"
#include "routing/errormonitor.h"
#include "storage/database.h"
#include "testgateway.h"

#include <QJsonArray>
#include <QSqlRecord>
#include <QtTest>

namespace {

const QString kGroup = QStringLiteral("selection-group");
const QString kKey = QStringLiteral("selectkey0123456789selectkey0123456789selectkey01");
const QString kModel = QStringLiteral("routed-model");

} // namespace

class TstSelection : public QObject
{
    Q_OBJECT

private:
    MockUpstream m_mock;
    TestGateway m_gateway;

    RawHttpClient::Response chat()
    {
        return RawHttpClient::postJson(
            m_gateway.port(), "/v1/chat/completions",
            {{"model", kModel},
             {"messages", QJsonArray{QJsonObject{{"role", "user"}, {"content", "Hello"}}}}},
            {qMakePair(QByteArray("Authorization"), "Bearer sk-" + kKey.toLatin1())});
    }

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase() { m_gateway.stop(); }
    void failingChannelIsLeftOnceItsErrorRateIsKnown();
};

void TstSelection::initTestCase()
{
    QVERIFY(m_mock.start());
    QString error;
    QVERIFY2(m_gateway.start(&error), qPrintable(error));
    QSqlDatabase db = m_gateway.core()->mainDatabase()->connection();
    RelaySeed::ChannelRow failing;
    failing.id = 1;
    failing.name = QStringLiteral("failing");
    failing.key = QStringLiteral("sk-failing");
    failing.baseUrl = m_mock.baseUrl();
    failing.models = {kModel};
    failing.modelMapping = {{kModel, QStringLiteral("error-500")}}; // Every request: 500.
    RelaySeed::ChannelRow healthy = failing;
    healthy.id = 2;
    healthy.name = QStringLiteral("healthy");
    healthy.key = QStringLiteral("sk-healthy");
    healthy.modelMapping.clear();
    QVERIFY2(
        RelaySeed::insertGroup(db, kGroup, &error) &&
            RelaySeed::insertToken(db, {1, kKey, QStringLiteral("t"), kGroup, {}, 1}, &error) &&
            RelaySeed::insertChannel(db, failing, &error) &&
            RelaySeed::insertChannel(db, healthy, &error) &&
            RelaySeed::insertModelConfig(db, kModel, QStringLiteral("openai"), &error),
        qPrintable(error));
    m_gateway.core()->reloadSnapshot();
}

void TstSelection::failingChannelIsLeftOnceItsErrorRateIsKnown()
{
    // Warm-up: until the failing channel has had ErrorMonitor::kMinRequests requests, it is
    // picked about half the time (same priority, no known errors); each time the request is
    // retried on the healthy channel.
    const auto failingAttempts = [this] {
        int count = 0;
        for (const MockUpstream::Request &request : m_mock.requests())
            count += request.header("authorization") == "Bearer sk-failing";
        return count;
    };
    int requests = 0;
    while (failingAttempts() < ErrorMonitor::kMinRequests && requests < 400) {
        ++requests;
        const auto response = chat();
        QCOMPARE(response.status, 200);
        QCOMPARE(LogRows::waitFor(m_gateway.core(), response.header("x-request-id"))
                     .value("channel_id")
                     .toInt(),
                 2);
    }
    QCOMPARE(failingAttempts(), ErrorMonitor::kMinRequests);
    // Its error rate (1.0) is now known: the pair is banned, and out of rotation.
    RelayState *state = m_gateway.core()->relayState();
    QVERIFY(state->health.isBanned(1, kModel, state->nowMs()));
    const QList<RoutingEvent> events = state->events.recent();
    QVERIFY(std::any_of(events.cbegin(), events.cend(), [](const RoutingEvent &event) {
        return event.kind == QLatin1String("ban") && event.channelId == 1 && event.model == kModel;
    }));
    const int upstreamRequests = m_mock.requestCount();
    for (int i = 0; i < 30; ++i) {
        const auto response = chat();
        QCOMPARE(response.status, 200);
        QCOMPARE(m_mock.lastRequest().header("authorization"), QByteArray("Bearer sk-healthy"));
    }
    QCOMPARE(m_mock.requestCount(), upstreamRequests + 30);
}

QTEST_GUILESS_MAIN(TstSelection)
#include "tst_selection.moc"
