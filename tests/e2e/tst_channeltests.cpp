// Channel tests end to end: /api/channel/{id}/test[/{model}] and /api/channels/test send a
// minimal real request per model through the channel's adaptor (the mock records what
// arrived), answer aiproxy's ChannelTest JSON and store one channel_tests row per (channel,
// model). Failures (500, a refused key echoed back, an unreachable port, no answer in time) are
// failed tests, never the channel key in an answer.
// Runs on SQLite; with AIPROXY_TEST_CHANNELTESTS_BACKEND=postgres (ctest:
// tst_channeltests_postgres) on the PostgreSQL server of AIPROXY_TEST_PG_DSN.

#include "adaptorfixture.h"
#include "gateway/gatewaycore.h"
#include "storage/database.h"
#include "testhttpclient.h"

#include <QJsonArray>
#include <QSet>
#include <QSqlQuery>
#include <QTcpServer>
#include <QtTest>

namespace {

const QString kGroup = QStringLiteral("chantest-group");
const QString kTokenKey = QStringLiteral("chantestkey0123456789chantestkey0123456789chante");
const QByteArray kOpenAIKey = "sk-chantest-openai-key-0123456789";
const QByteArray kAnthropicKey = "sk-ant-chantest-key-0123456789";
constexpr int kTestTimeoutSec = 1;

} // namespace

class TstChannelTests : public QObject
{
    Q_OBJECT

private:
    AdaptorFixture m_fixture{kTokenKey};
    MockUpstream &m_mock = m_fixture.mock();
    TestHttpClient m_http{30000};

    QUrl url(const QString &pathAndQuery) const { return m_fixture.url(pathAndQuery); }
    TestHttpResponse admin(const QString &pathAndQuery)
    {
        return m_fixture.admin("GET", pathAndQuery);
    }
    /// The text of a chat.completion answer's first choice.
    static QString answerText(const QJsonObject &answer)
    {
        return answer.value("choices")
            .toArray()
            .first()
            .toObject()
            .value("message")
            .toObject()
            .value("content")
            .toString();
    }
    static bool leaksKey(const TestHttpResponse &response)
    {
        return response.body.contains(kOpenAIKey) || response.body.contains(kAnthropicKey);
    }
    /// The stored test of (\a channelId, \a model): {success, code, mode, test_at}; empty
    /// without a row; count = rows of the pair.
    QVariantMap storedRow(qint64 channelId, const QString &model)
    {
        QSqlQuery query(m_fixture.core()->mainDatabase()->connection());
        query.prepare(QStringLiteral("SELECT success, code, mode, test_at, actual_model, response "
                                     "FROM channel_tests WHERE channel_id = ? AND model = ?"));
        query.addBindValue(channelId);
        query.addBindValue(model);
        QVariantMap row;
        int count = 0;
        if (query.exec()) {
            while (query.next()) {
                ++count;
                row = {{QStringLiteral("success"), query.value(0).toInt()},
                       {QStringLiteral("code"), query.value(1).toInt()},
                       {QStringLiteral("mode"), query.value(2).toInt()},
                       {QStringLiteral("test_at"), query.value(3).toLongLong()},
                       {QStringLiteral("actual_model"), query.value(4).toString()},
                       {QStringLiteral("response"), query.value(5).toString()}};
            }
        }
        if (count > 0)
            row.insert(QStringLiteral("count"), count);
        return row;
    }
    /// "channel:model" of every entry of a test list.
    static QSet<QString> pairsOf(const QJsonArray &list)
    {
        QSet<QString> pairs;
        for (const QJsonValue &entry : list) {
            const QJsonObject data = entry.toObject().value("data").toObject();
            pairs.insert(QStringLiteral("%1:%2")
                             .arg(data.value("channel_id").toInteger())
                             .arg(data.value("model").toString()));
        }
        return pairs;
    }

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase() { m_fixture.stop(); }

    void adminKeyIsRequired();
    void openAIChannelModel();
    void embeddingsModel();
    void anthropicChannelGetsTheConvertedRequest();
    void upstreamErrorIsAFailedTest();
    void keyEchoedByTheUpstreamIsRemoved();
    void unreachableChannel();
    void noAnswerInTime();
    void untestableRequests();
    void wholeChannel();
    void allChannels();
    void deletingAChannelDeletesItsTests();
};

void TstChannelTests::initTestCase()
{
    TestGateway::Options options;
    if (qEnvironmentVariable("AIPROXY_TEST_CHANNELTESTS_BACKEND") == QLatin1String("postgres")) {
        options.postgresDsn = TestGateway::postgresDsnFromEnvironment();
        if (options.postgresDsn.isEmpty())
            QSKIP("AIPROXY_TEST_PG_DSN is not set");
    }
    options.configure = [](GatewayConfig &config) {
        config.channelTestTimeoutSec = kTestTimeoutSec;
    };
    QString error;
    QVERIFY2(m_fixture.start(&error, options), qPrintable(error));

    // A port nothing listens on.
    QTcpServer closed;
    QVERIFY(closed.listen(QHostAddress::LocalHost));
    const quint16 closedPort = closed.serverPort();
    closed.close();

    RelaySeed::ChannelRow openai;
    openai.id = 1;
    openai.name = QStringLiteral("openai");
    openai.key = QString::fromLatin1(kOpenAIKey);
    openai.baseUrl = m_mock.baseUrl();
    openai.models = {QStringLiteral("gpt-test"), QStringLiteral("text-embedding-test"),
                     QStringLiteral("whisper-test"), QStringLiteral("failing-model"),
                     QStringLiteral("leaky-model")};
    openai.modelMapping = {{QStringLiteral("failing-model"), QStringLiteral("error-500")},
                           {QStringLiteral("leaky-model"), QStringLiteral("error-echo-key")}};
    RelaySeed::ChannelRow anthropic;
    anthropic.id = 14;
    anthropic.type = 14;
    anthropic.name = QStringLiteral("anthropic");
    anthropic.key = QString::fromLatin1(kAnthropicKey);
    anthropic.baseUrl = m_mock.baseUrl();
    anthropic.models = {QStringLiteral("claude-test")};
    anthropic.modelMapping = {{QStringLiteral("claude-test"), QStringLiteral("claude-sonnet-4-5")}};
    RelaySeed::ChannelRow unreachable = openai;
    unreachable.id = 3;
    unreachable.name = QStringLiteral("unreachable");
    unreachable.baseUrl = QStringLiteral("http://127.0.0.1:%1/v1").arg(closedPort);
    unreachable.models = {QStringLiteral("gpt-test")};
    unreachable.modelMapping.clear();
    RelaySeed::ChannelRow hanging = unreachable;
    hanging.id = 4;
    hanging.name = QStringLiteral("hanging");
    hanging.baseUrl = m_mock.baseUrl();
    hanging.status = 2; // Disabled: only tests that include disabled channels wait for it.
    hanging.models = {QStringLiteral("hang-model")};
    hanging.modelMapping = {{QStringLiteral("hang-model"), QStringLiteral("hang")}};
    RelaySeed::ChannelRow empty = unreachable;
    empty.id = 5;
    empty.name = QStringLiteral("empty");
    empty.models.clear();
    QVERIFY2(m_fixture.seed(kGroup, {openai, anthropic, unreachable, hanging, empty}, &error),
             qPrintable(error));
    // whisper-test is a transcription model (mode 8): its test needs a file, none is sent.
    const TestHttpResponse saved = m_fixture.admin(
        "POST", QStringLiteral("/api/model_config/whisper-test"), QJsonObject{{"type", 8}});
    QCOMPARE(saved.status, 200);
}

void TstChannelTests::adminKeyIsRequired()
{
    const int before = m_mock.requestCount();
    for (const char *path :
         {"/api/channel/1/test", "/api/channel/1/test/gpt-test", "/api/channels/test"}) {
        QCOMPARE(m_http.get(url(QLatin1String(path))).status, 401);
        const TestHttpResponse wrong = m_http.request(
            "GET", url(QLatin1String(path)), {}, {{"Authorization", "Bearer not-the-admin-key"}});
        QCOMPARE(wrong.status, 401);
        QCOMPARE(wrong.json().value("success").toBool(), false);
    }
    QCOMPARE(m_mock.requestCount(), before); // Nothing was tested.
}

void TstChannelTests::openAIChannelModel()
{
    const TestHttpResponse response = admin(QStringLiteral("/api/channel/1/test/gpt-test"));
    QCOMPARE(response.status, 200);
    QCOMPARE(response.json().value("success").toBool(), true);
    const QJsonObject test = response.data().toObject();
    QCOMPARE(test.value("success").toBool(), true);
    QCOMPARE(test.value("code").toInt(), 200);
    QCOMPARE(test.value("model").toString(), QStringLiteral("gpt-test"));
    QCOMPARE(test.value("actual_model").toString(), QStringLiteral("gpt-test"));
    QCOMPARE(test.value("mode").toInt(), 1);
    QCOMPARE(test.value("channel_id").toInteger(), 1);
    QCOMPARE(test.value("channel_name").toString(), QStringLiteral("openai"));
    QCOMPARE(test.value("channel_type").toInt(), 1);
    QCOMPARE(test.value("response").toString(), QString()); // Blanked without success_body.
    QVERIFY(test.value("took").isDouble());
    const qint64 testAt = test.value("test_at").toInteger();
    QVERIFY(qAbs(QDateTime::currentMSecsSinceEpoch() - testAt) < 60000);

    // What the upstream received: a minimal chat request with the channel's key.
    const MockUpstream::Request sent = m_mock.lastRequest();
    QCOMPARE(sent.method, QByteArray("POST"));
    QCOMPARE(sent.path, QByteArray("/v1/chat/completions"));
    QCOMPARE(sent.header("authorization"), "Bearer " + kOpenAIKey);
    const QJsonObject body = sent.json();
    QCOMPARE(body.value("model").toString(), QStringLiteral("gpt-test"));
    QCOMPARE(body.value("messages").toArray(),
             (QJsonArray{QJsonObject{{"role", "user"}, {"content", "hi"}}}));
    QCOMPARE(body.value("max_completion_tokens").toInt(), 16); // OpenAI's own output limit.
    QVERIFY(!body.contains("stream"));

    QVariantMap row = storedRow(1, QStringLiteral("gpt-test"));
    QCOMPARE(row.value("count").toInt(), 1);
    QCOMPARE(row.value("success").toInt(), 1);
    QCOMPARE(row.value("code").toInt(), 200);
    QCOMPARE(row.value("mode").toInt(), 1);
    QCOMPARE(row.value("test_at").toLongLong(), testAt);

    // success_body keeps the answer; a second test replaces the row.
    const TestHttpResponse withBody =
        admin(QStringLiteral("/api/channel/1/test/gpt-test?success_body=true"));
    const QJsonObject answer =
        QJsonDocument::fromJson(withBody.data().toObject().value("response").toString().toUtf8())
            .object();
    QCOMPARE(answer.value("object").toString(), QStringLiteral("chat.completion"));
    QCOMPARE(answerText(answer), MockUpstream::replyText());
    row = storedRow(1, QStringLiteral("gpt-test"));
    QCOMPARE(row.value("count").toInt(), 1);
    QCOMPARE(row.value("test_at").toLongLong(),
             withBody.data().toObject().value("test_at").toInteger());
    QCOMPARE(QJsonDocument::fromJson(row.value("response").toString().toUtf8()).object(),
             answer); // The full answer is stored.
    QVERIFY(!leaksKey(response) && !leaksKey(withBody));
}

void TstChannelTests::embeddingsModel()
{
    const TestHttpResponse response =
        admin(QStringLiteral("/api/channel/1/test/text-embedding-test"));
    const QJsonObject test = response.data().toObject();
    QCOMPARE(test.value("success").toBool(), true);
    QCOMPARE(test.value("mode").toInt(), 3); // Guessed from the name: no type in its config.
    const MockUpstream::Request sent = m_mock.lastRequest();
    QCOMPARE(sent.path, QByteArray("/v1/embeddings"));
    QCOMPARE(sent.json().value("input").toString(), QStringLiteral("hi"));
    QCOMPARE(sent.json().value("model").toString(), QStringLiteral("text-embedding-test"));
}

void TstChannelTests::anthropicChannelGetsTheConvertedRequest()
{
    const TestHttpResponse response =
        admin(QStringLiteral("/api/channel/14/test/claude-test?success_body=true"));
    QCOMPARE(response.status, 200);
    const QJsonObject test = response.data().toObject();
    QCOMPARE(test.value("success").toBool(), true);
    QCOMPARE(test.value("code").toInt(), 200);
    QCOMPARE(test.value("actual_model").toString(), QStringLiteral("claude-sonnet-4-5"));
    QCOMPARE(test.value("channel_type").toInt(), 14);
    // The answer as OpenAI clients get it from this channel (converted back).
    const QJsonObject answer =
        QJsonDocument::fromJson(test.value("response").toString().toUtf8()).object();
    QCOMPARE(answer.value("object").toString(), QStringLiteral("chat.completion"));
    QVERIFY(answerText(answer).contains(MockUpstream::replyText()));

    const MockUpstream::Request sent = m_mock.lastRequest();
    QCOMPARE(sent.path, QByteArray("/v1/messages"));
    QCOMPARE(sent.header("x-api-key"), kAnthropicKey);
    QVERIFY(sent.header("authorization").isEmpty());
    const QJsonObject body = sent.json();
    QCOMPARE(body.value("model").toString(), QStringLiteral("claude-sonnet-4-5"));
    QCOMPARE(body.value("max_tokens").toInt(), 16);
    const QJsonObject message = body.value("messages").toArray().first().toObject();
    QCOMPARE(message.value("role").toString(), QStringLiteral("user"));
    QVERIFY(QJsonDocument(body.value("messages").toArray()).toJson().contains("\"hi\""));
    QCOMPARE(storedRow(14, QStringLiteral("claude-test")).value("success").toInt(), 1);
    QVERIFY(!leaksKey(response));
}

void TstChannelTests::upstreamErrorIsAFailedTest()
{
    const TestHttpResponse response = admin(QStringLiteral("/api/channel/1/test/failing-model"));
    QCOMPARE(response.status, 200); // The test ran; its outcome is in data.
    const QJsonObject test = response.data().toObject();
    QCOMPARE(test.value("success").toBool(), false);
    QCOMPARE(test.value("code").toInt(), 500);
    QCOMPARE(test.value("actual_model").toString(), QStringLiteral("error-500"));
    QVERIFY2(test.value("response")
                 .toString()
                 .contains(QStringLiteral("The server had an error while processing your request")),
             qPrintable(test.value("response").toString()));
    const QVariantMap row = storedRow(1, QStringLiteral("failing-model"));
    QCOMPARE(row.value("success").toInt(), 0);
    QCOMPARE(row.value("code").toInt(), 500);
    QVERIFY(!leaksKey(response));
}

void TstChannelTests::keyEchoedByTheUpstreamIsRemoved()
{
    const TestHttpResponse response = admin(QStringLiteral("/api/channel/1/test/leaky-model"));
    const QJsonObject test = response.data().toObject();
    QCOMPARE(test.value("success").toBool(), false);
    QCOMPARE(test.value("code").toInt(), 401);
    // The mock quoted the key it refused; the result has it masked.
    QVERIFY(m_fixture.mock().responseBody(m_mock.lastRequest().id).contains(kOpenAIKey));
    QVERIFY2(test.value("response").toString().contains(QStringLiteral("Invalid token: ***")),
             qPrintable(test.value("response").toString()));
    QVERIFY(!leaksKey(response));
    QVERIFY(!storedRow(1, QStringLiteral("leaky-model"))
                 .value("response")
                 .toString()
                 .contains(QString::fromLatin1(kOpenAIKey)));
}

void TstChannelTests::unreachableChannel()
{
    const TestHttpResponse response = admin(QStringLiteral("/api/channel/3/test/gpt-test"));
    QCOMPARE(response.status, 200);
    const QJsonObject test = response.data().toObject();
    QCOMPARE(test.value("success").toBool(), false);
    QCOMPARE(test.value("code").toInt(), 0); // No HTTP answer at all.
    QVERIFY(!test.value("response").toString().isEmpty());
    QCOMPARE(storedRow(3, QStringLiteral("gpt-test")).value("code").toInt(), 0);
}

void TstChannelTests::noAnswerInTime()
{
    // A disabled channel can still be tested on its own.
    const TestHttpResponse response = admin(QStringLiteral("/api/channel/4/test/hang-model"));
    const QJsonObject test = response.data().toObject();
    QCOMPARE(test.value("success").toBool(), false);
    QCOMPARE(test.value("code").toInt(), 0);
    QCOMPARE(test.value("response").toString(),
             QStringLiteral("no answer within %1 s").arg(kTestTimeoutSec));
    QVERIFY(test.value("took").toDouble() >= kTestTimeoutSec - 0.01);
}

void TstChannelTests::untestableRequests()
{
    const int before = m_mock.requestCount();
    TestHttpResponse response = admin(QStringLiteral("/api/channel/1/test/whisper-test"));
    QCOMPARE(response.status, 400);
    QVERIFY2(response.message().contains(QStringLiteral("audio transcription models cannot be "
                                                        "tested")),
             qPrintable(response.message()));
    response = admin(QStringLiteral("/api/channel/1/test/claude-test"));
    QCOMPARE(response.status, 400);
    QVERIFY(response.message().contains(QStringLiteral("not served by channel 1")));
    response = admin(QStringLiteral("/api/channel/99/test/gpt-test"));
    QCOMPARE(response.status, 404);
    response = admin(QStringLiteral("/api/channel/5/test"));
    QCOMPARE(response.status, 400);
    QVERIFY2(response.message().contains(QStringLiteral("nothing to test")),
             qPrintable(response.message()));
    QCOMPARE(m_mock.requestCount(), before);
    QVERIFY(storedRow(1, QStringLiteral("whisper-test")).isEmpty());
}

void TstChannelTests::wholeChannel()
{
    // By default only failed tests are listed (aiproxy's return_success=false).
    const qint64 startedAt = QDateTime::currentMSecsSinceEpoch();
    TestHttpResponse response = admin(QStringLiteral("/api/channel/1/test"));
    QCOMPARE(response.status, 200);
    QJsonArray list = response.data().toArray();
    QCOMPARE(pairsOf(list),
             (QSet<QString>{QStringLiteral("1:failing-model"), QStringLiteral("1:leaky-model")}));
    for (const QJsonValue &entry : list) {
        QCOMPARE(entry.toObject().value("success").toBool(), true); // The test ran...
        QCOMPARE(entry.toObject().value("data").toObject().value("success").toBool(),
                 false); // ...and failed.
    }
    // Every testable model was tested (and its row replaced); the transcription model left out.
    for (const char *model : {"gpt-test", "text-embedding-test", "failing-model", "leaky-model"}) {
        const QVariantMap row = storedRow(1, QLatin1String(model));
        QCOMPARE(row.value("count").toInt(), 1);
        QVERIFY2(row.value("test_at").toLongLong() >= startedAt, model);
    }
    QVERIFY(!leaksKey(response));

    response = admin(QStringLiteral("/api/channel/1/test?return_success=true"));
    list = response.data().toArray();
    QCOMPARE(pairsOf(list),
             (QSet<QString>{QStringLiteral("1:gpt-test"), QStringLiteral("1:text-embedding-test"),
                            QStringLiteral("1:failing-model"), QStringLiteral("1:leaky-model")}));
    QVERIFY(!leaksKey(response));
}

void TstChannelTests::allChannels()
{
    TestHttpResponse response = admin(QStringLiteral("/api/channels/test?return_success=true"));
    QCOMPARE(response.status, 200);
    const QSet<QString> enabledPairs = {
        QStringLiteral("1:gpt-test"),      QStringLiteral("1:text-embedding-test"),
        QStringLiteral("1:failing-model"), QStringLiteral("1:leaky-model"),
        QStringLiteral("14:claude-test"),  QStringLiteral("3:gpt-test")};
    QCOMPARE(pairsOf(response.data().toArray()), enabledPairs);
    QVERIFY(!leaksKey(response));

    response = admin(QStringLiteral("/api/channels/test"));
    QCOMPARE(pairsOf(response.data().toArray()),
             (QSet<QString>{QStringLiteral("1:failing-model"), QStringLiteral("1:leaky-model"),
                            QStringLiteral("3:gpt-test")}));

    // test_disabled adds the disabled channel (whose test times out meanwhile).
    response = admin(QStringLiteral("/api/channels/test?return_success=true&test_disabled=true"));
    QCOMPARE(pairsOf(response.data().toArray()),
             enabledPairs + QSet<QString>{QStringLiteral("4:hang-model")});
}

void TstChannelTests::deletingAChannelDeletesItsTests()
{
    QVERIFY(!storedRow(3, QStringLiteral("gpt-test")).isEmpty());
    const TestHttpResponse deleted = m_fixture.admin("DELETE", QStringLiteral("/api/channel/3"));
    QCOMPARE(deleted.status, 200);
    QVERIFY(storedRow(3, QStringLiteral("gpt-test")).isEmpty());
    QVERIFY(!storedRow(1, QStringLiteral("gpt-test")).isEmpty());
}

QTEST_GUILESS_MAIN(TstChannelTests)
#include "tst_channeltests.moc"
