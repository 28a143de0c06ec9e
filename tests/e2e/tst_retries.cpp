// Retries end to end against fault-injecting mock channels: which channels were tried and in
// what order, what the client saw, what was logged (retry rows and the final row's
// retry_times), refusals that move on without using up a retry, Retry-After, streams retried
// before their first byte, transport failures, and the admin-only Aiproxy-Channel pin.

#include "adaptorfixture.h"
#include "clientcalls.h"
#include "gateway/gatewaycore.h"
#include "relay/relaystate.h"
#include "storage/database.h"
#include "storage/logwriter.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QSqlQuery>
#include <QTcpServer>
#include <QtTest>

namespace {

const QString kGroup = QStringLiteral("retry-group");
const QString kKey = QStringLiteral("retrykey0123456789retrykey0123456789retrykey0123");
const QString kInternalKey = QStringLiteral("internalkey0123456789internalkey0123456789intern");

QJsonObject chatBody(const QString &model, bool stream = false)
{
    QJsonObject body{
        {"model", model},
        {"messages", QJsonArray{QJsonObject{{"role", "user"}, {"content", "Retry me"}}}},
        {"temperature", 0.25}};
    if (stream)
        body.insert("stream", true);
    return body;
}

RelaySeed::ChannelRow channel(qint64 id, const QString &baseUrl, const QStringList &models,
                              const QHash<QString, QString> &mapping, int priority)
{
    RelaySeed::ChannelRow row;
    row.id = id;
    row.name = QStringLiteral("channel-%1").arg(id);
    row.key = QStringLiteral("sk-channel-%1").arg(id);
    row.baseUrl = baseUrl;
    row.models = models;
    row.modelMapping = mapping;
    row.priority = priority;
    return row;
}

RawHttpClient::Headers pinned(const QString &key, const QByteArray &channelId)
{
    RawHttpClient::Headers headers = ClientCalls::auth(key, false);
    headers.append({"Aiproxy-Channel", channelId});
    return headers;
}

RelaySeed::ChannelRow disabled(qint64 id, const QString &baseUrl, const QStringList &models)
{
    RelaySeed::ChannelRow row = channel(id, baseUrl, models, {}, 0);
    row.status = 2;
    return row;
}

quint16 closedPort()
{
    QTcpServer server;
    server.listen(QHostAddress::LocalHost);
    return server.serverPort(); // Closed when the server goes.
}

} // namespace

class TstRetries : public QObject
{
    Q_OBJECT

private:
    AdaptorFixture m_fixture{kKey};

    /// Keys of the upstream requests since \a first (1-based mock ids), in order.
    QList<QByteArray> keysSince(int first)
    {
        QList<QByteArray> keys;
        for (const MockUpstream::Request &request : m_fixture.mock().requests()) {
            if (request.id >= first)
                keys.append(request.header("authorization"));
        }
        return keys;
    }
    int nextMockId() { return m_fixture.mock().requestCount() + 1; }
    /// The retry rows of \a requestId, oldest first (after its final row was written).
    QList<QSqlRecord> retryRows(const QByteArray &requestId)
    {
        m_fixture.logRow(requestId);
        QSqlQuery query(m_fixture.core()->logDatabase()->connection());
        query.prepare(QStringLiteral("SELECT * FROM retry_logs WHERE request_id = ? ORDER BY id"));
        query.addBindValue(QString::fromLatin1(requestId));
        QList<QSqlRecord> rows;
        if (query.exec()) {
            while (query.next())
                rows.append(query.record());
        }
        return rows;
    }
    RawHttpClient::Response chat(const QString &model, bool stream = false,
                                 RawHttpClient::Headers headers = {})
    {
        headers.append(ClientCalls::auth(kKey, false));
        return RawHttpClient::postJson(m_fixture.port(), "/v1/chat/completions",
                                       chatBody(model, stream), headers);
    }

private Q_SLOTS:
    void initTestCase();
    void init() { m_fixture.core()->relayState()->health.clear(); }
    void cleanupTestCase() { m_fixture.stop(); }
    void failedAttemptIsRetriedOnAnotherChannel();
    void streamIsRetriedBeforeItsFirstByte();
    void callerErrorsAreNotRetried();
    void streamCutAfterItsFirstByteIsNotRetried();
    void refusalsMoveOnWithoutUsingARetry();
    void exhaustedRetriesAnswerTheLastError();
    void transportFailureIsRetried();
    void retryAfterIsHonouredOnTheSameChannel();
    void retryAfterCoolsTheChannelDown();
    void tooLongRetryAfterIsNotWaitedFor();
    void pinHeaderIsForInternalGroupsOnly();
    void slowAnswerTimesOutAndIsRetried();
    void modelWithOnlyDisabledChannelsIsSaturated();
    void idleStreamIsCutButALongOneIsNot();
};

void TstRetries::initTestCase()
{
    QString error;
    QVERIFY2(m_fixture.start(&error), qPrintable(error));
    const QString base = m_fixture.mock().baseUrl();
    const QString down = QStringLiteral("http://127.0.0.1:%1/v1").arg(closedPort());
    QList<RelaySeed::ChannelRow> channels{
        channel(
            1, base,
            {"m-500", "m-stream", "m-400", "m-exhaust", "m-refuse", "m-cool", "m-pin", "m-drop"},
            {{"m-500", "error-500"},
             {"m-stream", "reset"},
             {"m-400", "error-400"},
             {"m-exhaust", "error-502"},
             {"m-refuse", "error-401"},
             {"m-cool", "error-429-retry-30"},
             {"m-pin", "error-500"},
             {"m-drop", "drop-mid-stream"}},
            1'000'000),
        channel(
            2, base,
            {"m-500", "m-stream", "m-400", "m-exhaust", "m-refuse", "m-cool", "m-pin", "m-drop"},
            {{"m-exhaust", "error-503"}, {"m-refuse", "error-500"}}, 1000),
        channel(3, base, {"m-refuse"}, {}, 1),
        channel(4, down, {"m-down"}, {}, 1'000'000),
        channel(5, base, {"m-down"}, {}, 1),
        channel(6, base, {"m-wait", "m-long", "m-drip", "m-steady"},
                {{"m-wait", "error-429-retry-1"},
                 {"m-long", "error-429-retry-30"},
                 {"m-drip", "drip-1500"},
                 {"m-steady", "drip-400"}},
                0),
        channel(7, base, {"m-hang"}, {{"m-hang", "hang"}}, 1'000'000),
        channel(8, base, {"m-hang"}, {}, 1),
        disabled(9, base, {"m-off"}),
    };
    QVERIFY2(m_fixture.seed(kGroup, channels, &error), qPrintable(error));
    QSqlDatabase db = m_fixture.core()->mainDatabase()->connection();
    QSqlQuery query(db);
    QVERIFY(query.exec(
        QStringLiteral("UPDATE model_configs SET retry_times = 1 WHERE model = 'm-refuse'")));
    // One-second timeouts (model timeout_config, seconds) for the timeout tests.
    QVERIFY(query.exec(QStringLiteral(
        "UPDATE model_configs SET data = '{\"timeout_config\":{\"request\":1,\"stream\":1,"
        "\"idle\":1}}' WHERE model IN ('m-hang', 'm-drip', 'm-steady')")));
    QVERIFY2(RelaySeed::insertGroup(db, QStringLiteral("internal-group"), &error, 3) &&
                 RelaySeed::insertToken(db,
                                        {2,
                                         kInternalKey,
                                         QStringLiteral("internal"),
                                         QStringLiteral("internal-group"),
                                         {},
                                         1},
                                        &error),
             qPrintable(error));
    m_fixture.core()->reloadSnapshot();
}

void TstRetries::failedAttemptIsRetriedOnAnotherChannel()
{
    const int first = nextMockId();
    const QJsonObject body = chatBody(QStringLiteral("m-500"));
    const auto response = chat(QStringLiteral("m-500"));
    QCOMPARE(response.status, 200);
    QCOMPARE(keysSince(first), (QList<QByteArray>{"Bearer sk-channel-1", "Bearer sk-channel-2"}));
    // The second attempt carries the client's body exactly (channel 2 maps nothing).
    const auto requests = m_fixture.mock().requests();
    QCOMPARE(requests.last().body, QJsonDocument(body).toJson(QJsonDocument::Compact));
    QCOMPARE(requests.at(requests.size() - 2).json().value("messages"), body.value("messages"));
    const QSqlRecord row = m_fixture.logRow(response);
    QCOMPARE(row.value("channel_id").toInt(), 2);
    QCOMPARE(row.value("code").toInt(), 200);
    QCOMPARE(row.value("retry_times").toInt(), 1);
    QVERIFY(row.value("total_tokens").toInt() > 0);
    const QList<QSqlRecord> retries = retryRows(response.header("x-request-id"));
    QCOMPARE(retries.size(), 1);
    QCOMPARE(retries.first().value("channel_id").toInt(), 1);
    QCOMPARE(retries.first().value("code").toInt(), 500);
    QCOMPARE(retries.first().value("retry_times").toInt(), 0);
    QVERIFY(!retries.first().value("content").toString().isEmpty());
    // The failure counts against channel 1 only.
    const auto rates = m_fixture.core()->relayState()->health.monitor().rates(
        m_fixture.core()->relayState()->nowMs());
    QCOMPARE(rates.size(), 2);
    for (const auto &pair : rates)
        QCOMPARE(pair.errors, pair.channelId == 1 ? 1 : 0);
}

void TstRetries::streamIsRetriedBeforeItsFirstByte()
{
    const int first = nextMockId();
    const auto response = chat(QStringLiteral("m-stream"), true);
    QCOMPARE(response.status, 200);
    QVERIFY(response.header("content-type").startsWith("text/event-stream"));
    QVERIFY(response.body.endsWith("data: [DONE]\n\n"));
    QVERIFY(!response.body.contains("error"));
    // Channel 1, then channel 2. (A connection closed without an answer may be one the
    // transport had reused: it then replays the request once on a fresh connection itself.)
    QList<QByteArray> keys = keysSince(first);
    QCOMPARE(keys.takeLast(), QByteArray("Bearer sk-channel-2"));
    QVERIFY(keys.size() == 1 || keys.size() == 2);
    QCOMPARE(keys, QList<QByteArray>(keys.size(), "Bearer sk-channel-1"));
    const QList<QSqlRecord> retries = retryRows(response.header("x-request-id"));
    QCOMPARE(retries.size(), 1);
    QCOMPARE(retries.first().value("code").toInt(), 502);
    QCOMPARE(m_fixture.logRow(response).value("retry_times").toInt(), 1);
}

void TstRetries::callerErrorsAreNotRetried()
{
    const int first = nextMockId();
    const auto response = chat(QStringLiteral("m-400"));
    QCOMPARE(response.status, 400);
    QCOMPARE(keysSince(first).size(), 1);
    QCOMPARE(m_fixture.logRow(response).value("retry_times").toInt(), 0);
    QVERIFY(retryRows(response.header("x-request-id")).isEmpty());
}

void TstRetries::streamCutAfterItsFirstByteIsNotRetried()
{
    // The client has events already: the cut ends its stream with an error event instead.
    const int first = nextMockId();
    const auto response = chat(QStringLiteral("m-drop"), true);
    QCOMPARE(response.status, 200);
    QCOMPARE(response.events().size(), MockUpstream::kDropAfterEvents + 1);
    QVERIFY(response.events().last().contains("\"error\""));
    QCOMPARE(keysSince(first), QList<QByteArray>{"Bearer sk-channel-1"});
    const QSqlRecord row = m_fixture.logRow(response);
    QCOMPARE(row.value("code").toInt(), 502);
    QCOMPARE(row.value("retry_times").toInt(), 0);
    QVERIFY(retryRows(response.header("x-request-id")).isEmpty());
}

void TstRetries::refusalsMoveOnWithoutUsingARetry()
{
    // retry_times 1 for this model: channel 1 refuses (401, free), channel 2 fails (500, the
    // one retry), channel 3 answers. Had the refusal used the retry, the client would get 500.
    const int first = nextMockId();
    const auto response = chat(QStringLiteral("m-refuse"));
    QCOMPARE(response.status, 200);
    QCOMPARE(keysSince(first), (QList<QByteArray>{"Bearer sk-channel-1", "Bearer sk-channel-2",
                                                  "Bearer sk-channel-3"}));
    const QSqlRecord row = m_fixture.logRow(response);
    QCOMPARE(row.value("channel_id").toInt(), 3);
    QCOMPARE(row.value("retry_times").toInt(), 2);
    const QList<QSqlRecord> retries = retryRows(response.header("x-request-id"));
    QCOMPARE(retries.size(), 2);
    QCOMPARE(retries.at(0).value("code").toInt(), 401);
    QCOMPARE(retries.at(1).value("code").toInt(), 500);
}

void TstRetries::exhaustedRetriesAnswerTheLastError()
{
    // Two channels, two retries: 1 (502), 2 (503), then the healthier of them once more.
    const int first = nextMockId();
    const auto response = chat(QStringLiteral("m-exhaust"));
    QVERIFY2(response.status == 502 || response.status == 503, response.body.constData());
    QCOMPARE(response.json().value("error").toObject().value("message").isString(), true);
    const QList<QByteArray> keys = keysSince(first);
    QCOMPARE(keys.size(), 3);
    QCOMPARE(keys.mid(0, 2), (QList<QByteArray>{"Bearer sk-channel-1", "Bearer sk-channel-2"}));
    const QSqlRecord row = m_fixture.logRow(response);
    QCOMPARE(row.value("retry_times").toInt(), 2);
    QCOMPARE(row.value("code").toInt(), response.status);
    QCOMPARE(retryRows(response.header("x-request-id")).size(), 2);
}

void TstRetries::transportFailureIsRetried()
{
    const int first = nextMockId();
    const auto response = chat(QStringLiteral("m-down"));
    QCOMPARE(response.status, 200);
    QCOMPARE(keysSince(first), QList<QByteArray>{"Bearer sk-channel-5"});
    const QList<QSqlRecord> retries = retryRows(response.header("x-request-id"));
    QCOMPARE(retries.size(), 1);
    QCOMPARE(retries.first().value("channel_id").toInt(), 4);
    QCOMPARE(retries.first().value("code").toInt(), 502);
}

void TstRetries::retryAfterIsHonouredOnTheSameChannel()
{
    // One channel answering 429 with Retry-After: 1: each retry waits for it.
    const int first = nextMockId();
    QElapsedTimer timer;
    timer.start();
    const auto response = chat(QStringLiteral("m-wait"));
    const qint64 elapsed = timer.elapsed();
    QCOMPARE(response.status, 429);
    QCOMPARE(keysSince(first).size(), 3); // The first attempt and two retries.
    QVERIFY2(elapsed >= 2000, qPrintable(QString::number(elapsed)));
    QCOMPARE(m_fixture.logRow(response).value("retry_times").toInt(), 2);
}

void TstRetries::retryAfterCoolsTheChannelDown()
{
    // Channel 1 (priority 1,000,000) asks for 30 s: the request moves to channel 2 at once, and
    // later requests leave channel 1 alone until then.
    const int first = nextMockId();
    QElapsedTimer timer;
    timer.start();
    const auto response = chat(QStringLiteral("m-cool"));
    QCOMPARE(response.status, 200);
    QVERIFY2(timer.elapsed() < 5000, "the other channel needs no wait");
    for (int i = 0; i < 5; ++i)
        QCOMPARE(chat(QStringLiteral("m-cool")).status, 200);
    QCOMPARE(keysSince(first),
             (QList<QByteArray>{"Bearer sk-channel-1", "Bearer sk-channel-2", "Bearer sk-channel-2",
                                "Bearer sk-channel-2", "Bearer sk-channel-2", "Bearer sk-channel-2",
                                "Bearer sk-channel-2"}));
    // Past the Retry-After (routing clock moved 31 s), channel 1 is back in rotation.
    RelayState *state = m_fixture.core()->relayState();
    state->clockOffsetMs += 31'000;
    const int later = nextMockId();
    chat(QStringLiteral("m-cool"));
    state->clockOffsetMs -= 31'000;
    QCOMPARE(keysSince(later).first(), QByteArray("Bearer sk-channel-1"));
}

void TstRetries::tooLongRetryAfterIsNotWaitedFor()
{
    const int first = nextMockId();
    const auto response = chat(QStringLiteral("m-long"));
    QCOMPARE(response.status, 429);
    QCOMPARE(keysSince(first).size(), 1);
}

void TstRetries::pinHeaderIsForInternalGroupsOnly()
{
    // Without the pin, channel 1 (priority 1,000,000, failing) goes first.
    int first = nextMockId();
    auto response = chat(QStringLiteral("m-pin"), false, {{"Aiproxy-Channel", "2"}});
    QCOMPARE(response.status, 200);
    QCOMPARE(keysSince(first).first(), QByteArray("Bearer sk-channel-1")); // Ignored.
    // An internal group's token pins channel 2.
    const RawHttpClient::Headers internal = pinned(kInternalKey, "2");
    first = nextMockId();
    response = RawHttpClient::postJson(m_fixture.port(), "/v1/chat/completions",
                                       chatBody(QStringLiteral("m-pin")), internal);
    QCOMPARE(response.status, 200);
    QCOMPARE(keysSince(first), QList<QByteArray>{"Bearer sk-channel-2"});
    QCOMPARE(m_fixture.logRow(response).value("channel_id").toInt(), 2);
    // Pinned to the failing channel: retries stay on it.
    first = nextMockId();
    response =
        RawHttpClient::postJson(m_fixture.port(), "/v1/chat/completions",
                                chatBody(QStringLiteral("m-pin")), pinned(kInternalKey, "1"));
    QCOMPARE(response.status, 500);
    QCOMPARE(keysSince(first), (QList<QByteArray>{"Bearer sk-channel-1", "Bearer sk-channel-1",
                                                  "Bearer sk-channel-1"}));
    // The admin key is an internal caller too (as aiproxy), seeing every set.
    first = nextMockId();
    response = RawHttpClient::postJson(m_fixture.port(), "/v1/chat/completions",
                                       chatBody(QStringLiteral("m-pin")),
                                       pinned(m_fixture.core()->config().adminKey, "2"));
    QCOMPARE(response.status, 200);
    QCOMPARE(keysSince(first), QList<QByteArray>{"Bearer sk-channel-2"});
    QCOMPARE(m_fixture.logRow(response).value("group_id").toString(), QStringLiteral("internal"));
    // A channel that does not exist.
    response =
        RawHttpClient::postJson(m_fixture.port(), "/v1/chat/completions",
                                chatBody(QStringLiteral("m-pin")), pinned(kInternalKey, "999"));
    QCOMPARE(response.status, 404);
    QCOMPARE(response.json().value("error").toObject().value("code").toString(),
             QStringLiteral("channel_not_found"));
    QVERIFY(!response.header("x-request-id").isEmpty());
}

void TstRetries::slowAnswerTimesOutAndIsRetried()
{
    // Channel 7 never answers: after the model's 1 s the attempt is a timeout (504), retried on
    // channel 8.
    const int first = nextMockId();
    const auto response = chat(QStringLiteral("m-hang"));
    QCOMPARE(response.status, 200);
    QCOMPARE(keysSince(first), (QList<QByteArray>{"Bearer sk-channel-7", "Bearer sk-channel-8"}));
    const QList<QSqlRecord> retries = retryRows(response.header("x-request-id"));
    QCOMPARE(retries.size(), 1);
    QCOMPARE(retries.first().value("code").toInt(), 504);
    QVERIFY(retries.first().value("content").toString().contains(QLatin1String("timed out")));
    // The attempt's own time: the timeout (a coarse timer: ± 5 %), not more.
    QVERIFY(retries.first().value("latency_ms").toInt() >= 950);
    QVERIFY(retries.first().value("latency_ms").toInt() < 5000);
}

void TstRetries::idleStreamIsCutButALongOneIsNot()
{
    // 400 ms between events, 1 s idle allowed: the whole stream (longer than 1 s) goes through.
    QElapsedTimer timer;
    timer.start();
    auto response = chat(QStringLiteral("m-steady"), true);
    QCOMPARE(response.status, 200);
    QVERIFY(response.body.endsWith("data: [DONE]\n\n"));
    QVERIFY2(timer.elapsed() > 1000, "the stream lasts longer than the idle timeout");
    QCOMPARE(m_fixture.logRow(response).value("code").toInt(), 200);
    // 1.5 s between events: cut after the first, with an error event; the client already had
    // bytes, so no retry.
    const int first = nextMockId();
    response = chat(QStringLiteral("m-drip"), true);
    QCOMPARE(response.status, 200);
    const QList<QByteArray> events = response.events();
    QVERIFY(events.size() >= 2);
    QVERIFY(events.first().startsWith("data: {"));
    QVERIFY2(events.last().contains("idle"), events.last().constData());
    QVERIFY(!response.body.contains("[DONE]"));
    QCOMPARE(keysSince(first).size(), 1);
    const QSqlRecord row = m_fixture.logRow(response);
    QCOMPARE(row.value("code").toInt(), 504);
    QVERIFY(row.value("content").toString().contains(QLatin1String("idle")));
}

void TstRetries::modelWithOnlyDisabledChannelsIsSaturated()
{
    const int first = nextMockId();
    const auto response = chat(QStringLiteral("m-off"));
    QCOMPARE(response.status, 503);
    const QJsonObject error = response.json().value("error").toObject();
    QCOMPARE(error.value("code").toString(), QStringLiteral("no_available_channel"));
    QVERIFY(error.value("message").toString().contains(QLatin1String("saturated")));
    QCOMPARE(m_fixture.mock().requestCount(), first - 1);
    QCOMPARE(m_fixture.logRow(response).value("code").toInt(), 503);
    // A model nobody serves is still a 404.
    QCOMPARE(chat(QStringLiteral("m-nowhere")).status, 404);
}

QTEST_GUILESS_MAIN(TstRetries)
#include "tst_retries.moc"
