// Channel balances end to end: /api/channel/{id}/update_balance and
// /api/channels/update_balance query each provider's balance API on the mock (DeepSeek,
// SiliconFlow, Moonshot, OpenRouter, StepFun, Novita: their real answer shapes), store balance
// and balance_updated_at on the channel and publish a "balance_low" routing event under the
// channel's threshold; the periodic refresh (CHANNEL_BALANCE_REFRESH_SEC) does the same for
// channels with enabled_auto_balance_check.

#include "adaptorfixture.h"
#include "admin/adminservice.h"
#include "gateway/gatewaycore.h"
#include "relay/relaystate.h"
#include "testhttpclient.h"

#include <QJsonArray>
#include <QSet>
#include <QtTest>

#include <atomic>

namespace {

const QString kGroup = QStringLiteral("balance-group");
const QString kTokenKey = QStringLiteral("balancekey0123456789balancekey0123456789balancek");

struct Provider
{
    qint64 channelId;
    int type;
    QByteArray path; ///< Where the mock is asked.
    double balance;  ///< What the gateway must read from the mock's answer.
};

const QList<Provider> kProviders = {
    {36, 36, "/user/balance", MockUpstream::kDeepSeekBalance},
    {43, 43, "/v1/user/info", MockUpstream::kSiliconFlowBalance},
    {25, 25, "/v1/users/me/balance", MockUpstream::kMoonshotBalance},
    {20, 20, "/v1/credits", MockUpstream::kOpenRouterBalance},
    {32, 32, "/v1/accounts", MockUpstream::kStepFunBalance},
    {41, 41, "/openapi/v1/billing/balance/detail", MockUpstream::kNovitaBalance},
};

QByteArray keyOf(qint64 channelId)
{
    return "sk-balance-key-" + QByteArray::number(channelId);
}

} // namespace

class TstChannelBalances : public QObject
{
    Q_OBJECT

private:
    AdaptorFixture m_fixture{kTokenKey};
    MockUpstream &m_mock = m_fixture.mock();
    QUrl url(const QString &pathAndQuery) const { return m_fixture.url(pathAndQuery); }
    TestHttpResponse admin(const QByteArray &method, const QString &pathAndQuery,
                           const QJsonObject &body = {})
    {
        return m_fixture.admin(method, pathAndQuery, body);
    }
    QJsonObject channel(qint64 id)
    {
        return admin("GET", QStringLiteral("/api/channel/%1").arg(id)).data().toObject();
    }
    int lowBalanceEvents(qint64 channelId) const
    {
        int count = 0;
        for (const RoutingEvent &event : m_fixture.core()->relayState()->events.recent()) {
            if (event.kind == QLatin1String("balance_low") && event.channelId == channelId) {
                ++count;
                if (event.level != QLatin1String("error") || !event.model.isEmpty())
                    return -1;
            }
        }
        return count;
    }
    /// Paths of the balance requests the mock received.
    QSet<QByteArray> askedPaths() const
    {
        QSet<QByteArray> paths;
        for (const MockUpstream::Request &request : m_mock.requests())
            paths.insert(request.path);
        return paths;
    }

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase() { m_fixture.stop(); }

    void adminKeyIsRequired();
    void periodicRefresh();
    void eachProviderBalance_data();
    void eachProviderBalance();
    void lowBalanceEvent();
    void providerWithoutBalanceApi();
    void failedQuery();
    void allChannels();
};

void TstChannelBalances::initTestCase()
{
    TestGateway::Options options;
    options.configure = [](GatewayConfig &config) {
        config.channelBalanceRefreshSec = 1;
        config.channelTestTimeoutSec = 5;
    };
    QString error;
    QVERIFY2(m_fixture.start(&error, options), qPrintable(error));
    QList<RelaySeed::ChannelRow> rows;
    for (const Provider &provider : kProviders) {
        RelaySeed::ChannelRow row;
        row.id = provider.channelId;
        row.type = provider.type;
        row.name = QStringLiteral("provider-%1").arg(provider.type);
        row.key = QString::fromLatin1(keyOf(provider.channelId));
        row.baseUrl = m_mock.baseUrl();
        row.models = {QStringLiteral("m-%1").arg(provider.type)};
        rows.append(row);
    }
    RelaySeed::ChannelRow anthropic = rows.first();
    anthropic.id = 14;
    anthropic.type = 14;
    RelaySeed::ChannelRow refused = rows.first(); // DeepSeek with a key the mock refuses.
    refused.id = 7;
    refused.key = QStringLiteral("sk-invalid-balance-key");
    RelaySeed::ChannelRow disabled = rows.first();
    disabled.id = 8;
    disabled.status = 2;
    rows << anthropic << refused << disabled;
    QVERIFY2(m_fixture.seed(kGroup, rows, &error), qPrintable(error));
    // DeepSeek (auto-checked, threshold above its 110) and SiliconFlow (auto-checked, no
    // threshold) are refreshed periodically; Moonshot's threshold is above its balance too.
    for (const auto &[id, settings] :
         {std::pair<int, QJsonObject>{
              36, {{"enabled_auto_balance_check", true}, {"balance_threshold", 200}}},
          std::pair<int, QJsonObject>{43, {{"enabled_auto_balance_check", true}}},
          std::pair<int, QJsonObject>{25, {{"balance_threshold", 60}}}}) {
        QCOMPARE(admin("PUT", QStringLiteral("/api/channel/%1").arg(id), settings).status, 200);
    }
}

void TstChannelBalances::adminKeyIsRequired()
{
    TestHttpClient anonymous;
    QCOMPARE(anonymous.get(url(QStringLiteral("/api/channel/36/update_balance"))).status, 401);
    QCOMPARE(anonymous.get(url(QStringLiteral("/api/channels/update_balance"))).status, 401);
    QCOMPARE(anonymous
                 .request("GET", url(QStringLiteral("/api/channels/update_balance")), {},
                          {{"Authorization", "Bearer wrong-admin-key"}})
                 .status,
             401);
}

void TstChannelBalances::periodicRefresh()
{
    // The refresh runs every second: the auto-checked channels get their balances.
    QTRY_VERIFY_WITH_TIMEOUT(!channel(36).value("balance_updated_at").toString().isEmpty(), 10000);
    QTRY_VERIFY_WITH_TIMEOUT(!channel(43).value("balance_updated_at").toString().isEmpty(), 10000);
    QCOMPARE(channel(36).value("balance").toDouble(), MockUpstream::kDeepSeekBalance);
    QCOMPARE(channel(43).value("balance").toDouble(), MockUpstream::kSiliconFlowBalance);
    QVERIFY(lowBalanceEvents(36) >= 1); // 110 < 200.
    QCOMPARE(lowBalanceEvents(43), 0);  // No threshold.
    // Only they are refreshed (one pass, run here to its end).
    m_mock.clearRecords();
    AdminService *service = m_fixture.core()->adminService();
    auto done = std::make_shared<std::atomic<bool>>(false);
    QMetaObject::invokeMethod(service, [service, done] {
        service->refreshAutoCheckedBalances([done] { *done = true; });
    });
    QTRY_VERIFY(done->load());
    QCOMPARE(askedPaths(), (QSet<QByteArray>{"/user/balance", "/v1/user/info"}));
    QVERIFY(channel(25).value("balance_updated_at").toString().isEmpty());
}

void TstChannelBalances::eachProviderBalance_data()
{
    QTest::addColumn<qint64>("channelId");
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<double>("balance");
    for (const Provider &provider : kProviders)
        QTest::newRow(provider.path.constData())
            << provider.channelId << provider.path << provider.balance;
}

void TstChannelBalances::eachProviderBalance()
{
    QFETCH(qint64, channelId);
    QFETCH(QByteArray, path);
    QFETCH(double, balance);
    m_mock.clearRecords();
    const TestHttpResponse response =
        admin("GET", QStringLiteral("/api/channel/%1/update_balance").arg(channelId));
    QCOMPARE(response.status, 200);
    QCOMPARE(response.json().value("success").toBool(), true);
    QCOMPARE(response.data().toDouble(), balance);
    QVERIFY(!response.body.contains(keyOf(channelId)));
    // The provider's endpoint was asked with the channel's key.
    bool asked = false;
    for (const MockUpstream::Request &request : m_mock.requests()) {
        if (request.path == path) {
            asked = true;
            QCOMPARE(request.method, QByteArray("GET"));
            QCOMPARE(request.header("authorization"), "Bearer " + keyOf(channelId));
        }
    }
    QVERIFY(asked);
    const QJsonObject stored = channel(channelId);
    QCOMPARE(stored.value("balance").toDouble(), balance);
    const QDateTime updatedAt =
        QDateTime::fromString(stored.value("balance_updated_at").toString(), Qt::ISODateWithMs);
    QVERIFY(updatedAt.isValid());
    QVERIFY(qAbs(updatedAt.msecsTo(QDateTime::currentDateTimeUtc())) < 60000);
}

void TstChannelBalances::lowBalanceEvent()
{
    const int before = lowBalanceEvents(25);
    const TestHttpResponse response =
        admin("GET", QStringLiteral("/api/channel/25/update_balance"));
    QCOMPARE(response.status, 200);
    QCOMPARE(response.data().toDouble(), MockUpstream::kMoonshotBalance);
    QVERIFY2(response.message().contains(QStringLiteral("below its threshold 60")),
             qPrintable(response.message()));
    QCOMPARE(lowBalanceEvents(25), before + 1);
    // A balance above the threshold publishes nothing.
    QCOMPARE(admin("PUT", QStringLiteral("/api/channel/25"), {{"balance_threshold", 10}}).status,
             200);
    const TestHttpResponse fine = admin("GET", QStringLiteral("/api/channel/25/update_balance"));
    QCOMPARE(fine.status, 200);
    QCOMPARE(fine.message(), QString());
    QCOMPARE(lowBalanceEvents(25), before + 1);
}

void TstChannelBalances::providerWithoutBalanceApi()
{
    const int before = m_mock.requestCount();
    const TestHttpResponse response =
        admin("GET", QStringLiteral("/api/channel/14/update_balance"));
    QCOMPARE(response.status, 400);
    QVERIFY2(response.message().contains(QStringLiteral("has no balance API")),
             qPrintable(response.message()));
    QCOMPARE(admin("GET", QStringLiteral("/api/channel/999/update_balance")).status, 404);
    QCOMPARE(m_mock.requestCount(), before);
}

void TstChannelBalances::failedQuery()
{
    const TestHttpResponse response = admin("GET", QStringLiteral("/api/channel/7/update_balance"));
    QCOMPARE(response.status, 502);
    QVERIFY2(response.message().contains(QStringLiteral("401")), qPrintable(response.message()));
    QVERIFY(response.message().contains(QStringLiteral("Incorrect API key provided")));
    const QJsonObject stored = channel(7);
    QCOMPARE(stored.value("balance").toDouble(), 0.0);
    QVERIFY(stored.value("balance_updated_at").toString().isEmpty());
}

void TstChannelBalances::allChannels()
{
    const TestHttpResponse response = admin("GET", QStringLiteral("/api/channels/update_balance"));
    QCOMPARE(response.status, 200);
    QHash<qint64, QJsonObject> entries;
    for (const QJsonValue &entry : response.data().toArray())
        entries.insert(entry.toObject().value("channel_id").toInteger(), entry.toObject());
    // Enabled channels whose provider has a balance API: not Anthropic, not the disabled one.
    QCOMPARE(QSet<qint64>(entries.keyBegin(), entries.keyEnd()),
             (QSet<qint64>{36, 43, 25, 20, 32, 41, 7}));
    for (const Provider &provider : kProviders) {
        const QJsonObject entry = entries.value(provider.channelId);
        QCOMPARE(entry.value("success").toBool(), true);
        QCOMPARE(entry.value("balance").toDouble(), provider.balance);
    }
    QCOMPARE(entries.value(7).value("success").toBool(), false);
    QVERIFY(entries.value(7).value("message").toString().contains(QStringLiteral("401")));
    QVERIFY(entries.value(36).value("message").toString().contains(QStringLiteral("below")));
    for (const Provider &provider : kProviders)
        QVERIFY(!response.body.contains(keyOf(provider.channelId)));
}

QTEST_GUILESS_MAIN(TstChannelBalances)
#include "tst_channelbalances.moc"
