// Baidu Qianfan v2 channels (type 13) with aiproxy's `AK|SK` keys: a bearer token is obtained
// from Baidu's IAM (bce-auth-v1 signature verified by the mock), cached, and sent instead of the
// AK/SK; API keys still go as they are.

#include "adaptorfixture.h"
#include "gateway/gatewaycore.h"
#include "storage/database.h"

#include <QJsonArray>
#include <QSqlRecord>
#include <QtTest>

namespace {

const QString kGroup = QStringLiteral("baidu-group");
const QString kKey = QStringLiteral("baidukey0123456789baidukey0123456789baidukey01234");

} // namespace

class TstBaiduV2 : public QObject
{
    Q_OBJECT

private:
    AdaptorFixture m_fixture{kKey};
    MockUpstream &m_mock = m_fixture.mock();

    RawHttpClient::Response chat(const QString &model, bool stream = false)
    {
        return RawHttpClient::postJson(
            m_fixture.port(), "/v1/chat/completions",
            {{"model", model},
             {"stream", stream},
             {"messages", QJsonArray{QJsonObject{{"role", "user"}, {"content", "Hello"}}}}},
            {qMakePair(QByteArray("Authorization"), "Bearer sk-" + kKey.toLatin1())});
    }
    int iamRequests() const
    {
        int count = 0;
        for (const MockUpstream::Request &request : m_mock.requests())
            count += request.path.startsWith("/v1/BCE-BEARER/token");
        return count;
    }
    void addChannel(qint64 id, const QString &key, const QString &model);

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase() { m_fixture.stop(); }
    void accessKeysAreExchangedForABearerToken();
    void theTokenIsCached();
    void apiKeysGoAsTheyAre();
    void aWrongSecretIsReportedNotLeaked();
};

void TstBaiduV2::addChannel(qint64 id, const QString &key, const QString &model)
{
    QString error;
    RelaySeed::ChannelRow channel;
    channel.id = id;
    channel.type = 13;
    channel.name = QStringLiteral("qianfan-%1").arg(id);
    channel.key = key;
    channel.baseUrl = m_mock.baseUrl();
    channel.models = {model};
    channel.configs = {{"iam_url", m_mock.baseUrl().chopped(3)}};
    QSqlDatabase db = m_fixture.core()->mainDatabase()->connection();
    QVERIFY2(RelaySeed::insertChannel(db, channel, &error) &&
                 RelaySeed::insertModelConfig(db, model, QStringLiteral("baidu"), &error),
             qPrintable(error));
}

void TstBaiduV2::initTestCase()
{
    m_mock.setRequiredApiKey(MockUpstream::baiduBearerToken());
    QString error;
    QVERIFY2(m_fixture.start(&error), qPrintable(error));
    QSqlDatabase db = m_fixture.core()->mainDatabase()->connection();
    QVERIFY2(RelaySeed::insertGroup(db, kGroup, &error) &&
                 RelaySeed::insertToken(db, {1, kKey, QStringLiteral("t"), kGroup, {}, 1}, &error),
             qPrintable(error));
    addChannel(1,
               QString::fromLatin1(MockUpstream::kBaiduAccessKeyId) + QLatin1Char('|') +
                   QString::fromLatin1(MockUpstream::kBaiduSecretAccessKey),
               QStringLiteral("ernie-4.5-turbo-128k"));
    addChannel(2, QString::fromLatin1(MockUpstream::baiduBearerToken()),
               QStringLiteral("ernie-x1-turbo-32k"));
    addChannel(3,
               QString::fromLatin1(MockUpstream::kBaiduAccessKeyId) +
                   QStringLiteral("|wrongSecretAccessKey000000000000"),
               QStringLiteral("ernie-wrong-secret"));
    m_fixture.core()->reloadSnapshot();
}

void TstBaiduV2::accessKeysAreExchangedForABearerToken()
{
    const auto response = chat(QStringLiteral("ernie-4.5-turbo-128k"));
    QCOMPARE(response.status, 200);
    QCOMPARE(iamRequests(), 1);
    const MockUpstream::Request sent = m_mock.lastRequest();
    QCOMPARE(sent.path, QByteArray("/v1/chat/completions"));
    QCOMPARE(sent.header("authorization"), "Bearer " + MockUpstream::baiduBearerToken());
    const QSqlRecord row = m_fixture.logRow(response.header("x-request-id"));
    QCOMPARE(row.value("channel_id").toInt(), 1);
    QCOMPARE(row.value("usage_source").toString(), QStringLiteral("upstream"));
}

void TstBaiduV2::theTokenIsCached()
{
    const int before = iamRequests();
    QCOMPARE(chat(QStringLiteral("ernie-4.5-turbo-128k"), true).status, 200);
    QCOMPARE(chat(QStringLiteral("ernie-4.5-turbo-128k")).status, 200);
    QCOMPARE(iamRequests(), before);
}

void TstBaiduV2::apiKeysGoAsTheyAre()
{
    const int before = iamRequests();
    QCOMPARE(chat(QStringLiteral("ernie-x1-turbo-32k")).status, 200);
    QCOMPARE(iamRequests(), before);
    QCOMPARE(m_mock.lastRequest().header("authorization"),
             "Bearer " + MockUpstream::baiduBearerToken());
}

void TstBaiduV2::aWrongSecretIsReportedNotLeaked()
{
    const int before = m_mock.requestCount();
    const auto response = chat(QStringLiteral("ernie-wrong-secret"));
    QCOMPARE(response.status, 502);
    const QString message = response.json().value("error").toObject().value("message").toString();
    QVERIFY2(message.contains(QLatin1String("Baidu IAM answered HTTP 401")), qPrintable(message));
    QVERIFY(!response.body.contains("wrongSecret"));
    QCOMPARE(m_mock.requestCount(), before + 1); // The IAM call only, no chat request.
    const QSqlRecord row = m_fixture.logRow(response.header("x-request-id"));
    QCOMPARE(row.value("code").toInt(), 502);
    QVERIFY(!row.value("content").toString().contains(QLatin1String("wrongSecret")));
}

QTEST_GUILESS_MAIN(TstBaiduV2)
#include "tst_baiduv2.moc"
