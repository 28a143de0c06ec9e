// End-to-end tests of the admin API (/api) over real HTTP against an in-process gateway.
// Every test function runs once on SQLite and once on PostgreSQL (AIPROXY_TEST_PG_DSN; the
// PostgreSQL rows skip when it is not set). Each function starts a fresh gateway with empty
// databases.

#include "gateway/configsnapshot.h"
#include "gateway/gatewaycore.h"
#include "model/logrecord.h"
#include "storage/logwriter.h"
#include "testgateway.h"
#include "testhttpclient.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMutex>
#include <QtTest>

using namespace Qt::StringLiterals;

namespace {

/// Everything the gateway logs during a test, to prove secrets never reach log output.
QMutex g_logMutex;
QStringList g_logLines;
QtMessageHandler g_previousHandler = nullptr;

void captureMessages(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    {
        QMutexLocker lock(&g_logMutex);
        g_logLines << message;
    }
    if (g_previousHandler)
        g_previousHandler(type, context, message);
}

QStringList idsOf(const QJsonArray &items, const QString &field = u"id"_s)
{
    QStringList ids;
    for (const QJsonValue &item : items)
        ids << item.toObject().value(field).toVariant().toString();
    return ids;
}

} // namespace

class TestAdminApi : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void initTestCase_data();
    void init();
    void cleanup();
    void cleanupTestCase();

    void authorization();
    void channelCrud();
    void channelListsPagingSearchAndMasking();
    void badInputNamesTheField();
    void tokens();
    void groupsAndCascadingDelete();
    void modelConfigs();
    void logsFiltersAndGroupIsolation();

private:
    /// An authorized request (Bearer admin key) to \a path.
    TestHttpResponse api(const QByteArray &method, const QString &path,
                         const QJsonValue &json = QJsonValue());
    TestHttpResponse apiRaw(const QByteArray &method, const QString &path, const QByteArray &body);
    /// The "total" of a paged list at \a path (-1 when the request failed).
    qint64 total(const QString &path);
    /// Creates a token (auto-creating the group) and returns the response's data.
    QJsonObject createToken(const QString &group, const QString &name);
    std::shared_ptr<const ConfigSnapshot> snapshot() const;

    TestGateway m_gateway;
    TestHttpClient m_http;
};

void TestAdminApi::initTestCase()
{
    g_previousHandler = qInstallMessageHandler(captureMessages);
}

void TestAdminApi::initTestCase_data()
{
    QTest::addColumn<bool>("postgres");
    QTest::newRow("sqlite") << false;
    QTest::newRow("postgres") << true;
}

void TestAdminApi::init()
{
    QFETCH_GLOBAL(bool, postgres);
    TestGateway::Options options;
    if (postgres) {
        options.postgresDsn = TestGateway::postgresDsnFromEnvironment();
        if (options.postgresDsn.isEmpty())
            QSKIP("AIPROXY_TEST_PG_DSN is not set: PostgreSQL variant skipped "
                  "(installer/build.sh test starts a server and sets it)");
    }
    QString error;
    QVERIFY2(m_gateway.start(options, &error), qPrintable(error));
    QMutexLocker lock(&g_logMutex);
    g_logLines.clear();
}

void TestAdminApi::cleanup()
{
    m_gateway.stop();
}

void TestAdminApi::cleanupTestCase()
{
    qInstallMessageHandler(g_previousHandler);
}

TestHttpResponse TestAdminApi::apiRaw(const QByteArray &method, const QString &path,
                                      const QByteArray &body)
{
    return m_http.request(method, m_gateway.url(path), body,
                          {{"Authorization", "Bearer " + TestGateway::adminKey.toUtf8()},
                           {"Content-Type", "application/json"}});
}

TestHttpResponse TestAdminApi::api(const QByteArray &method, const QString &path,
                                   const QJsonValue &json)
{
    QByteArray body;
    if (json.isArray())
        body = QJsonDocument(json.toArray()).toJson(QJsonDocument::Compact);
    else if (json.isObject())
        body = QJsonDocument(json.toObject()).toJson(QJsonDocument::Compact);
    return apiRaw(method, path, body);
}

qint64 TestAdminApi::total(const QString &path)
{
    const TestHttpResponse response = api("GET", path);
    if (response.status != 200)
        qWarning().noquote() << path << response.status << response.body;
    return response.data().toObject().value(u"total"_s).toInteger(-1);
}

QJsonObject TestAdminApi::createToken(const QString &group, const QString &name)
{
    const TestHttpResponse response =
        api("POST", u"/api/token/%1?auto_create_group=true"_s.arg(group),
            QJsonObject{{u"name"_s, name}});
    if (response.status != 200)
        qWarning().noquote() << "token creation failed:" << response.status << response.body;
    return response.data().toObject();
}

std::shared_ptr<const ConfigSnapshot> TestAdminApi::snapshot() const
{
    return m_gateway.core()->snapshots()->current();
}

void TestAdminApi::authorization()
{
    const QUrl url = m_gateway.url(u"/api/channels/"_s);
    TestHttpResponse response = m_http.get(url);
    QCOMPARE(response.status, 401);
    QCOMPARE(response.json().value(u"success"_s).toBool(true), false);
    QVERIFY(!response.message().isEmpty());

    response = m_http.request("GET", url, {}, {{"Authorization", "Bearer wrong-key"}});
    QCOMPARE(response.status, 401);
    response = m_http.get(m_gateway.url(u"/api/channels/?key=wrong-key"_s));
    QCOMPARE(response.status, 401);

    response = m_http.request("GET", url, {},
                              {{"Authorization", "Bearer " + TestGateway::adminKey.toUtf8()}});
    QCOMPARE(response.status, 200);
    QCOMPARE(response.json().value(u"success"_s).toBool(), true);
    response = m_http.request("GET", url, {},
                              {{"Authorization", "Bearer sk-" + TestGateway::adminKey.toUtf8()}});
    QCOMPARE(response.status, 200);
    response = m_http.get(m_gateway.url(u"/api/channels/?key="_s + TestGateway::adminKey));
    QCOMPARE(response.status, 200);

    // Writes are refused as well, and nothing is written.
    response =
        m_http.sendJson("POST", m_gateway.url(u"/api/channel/"_s), QJsonObject{{u"type"_s, 1}});
    QCOMPARE(response.status, 401);
    QCOMPARE(total(u"/api/channels/"_s), 0);

    // The status endpoint is public.
    response = m_http.get(m_gateway.url(u"/api/status"_s));
    QCOMPARE(response.status, 200);
    QCOMPARE(response.json().value(u"success"_s).toBool(), true);
}

void TestAdminApi::channelCrud()
{
    const QString key = u"sk-upstream-secret-0123456789"_s;
    TestHttpResponse response = api("POST", u"/api/channel/"_s,
                                    QJsonObject{{u"type"_s, 1},
                                                {u"name"_s, u"primary"_s},
                                                {u"key"_s, key},
                                                {u"base_url"_s, u"http://127.0.0.1:9/v1"_s},
                                                {u"models"_s, QJsonArray{u"gpt-4o"_s}}});
    QCOMPARE(response.status, 200);
    QJsonObject channel = response.data().toObject();
    const qint64 id = channel.value(u"id"_s).toInteger();
    QVERIFY(id > 0);
    QCOMPARE(channel.value(u"key"_s).toString(), key);
    QVERIFY(snapshot()->channels.contains(id)); // The relay sees it at once.

    response = api("GET", u"/api/channel/%1"_s.arg(id));
    QCOMPARE(response.status, 200);
    channel = response.data().toObject();
    QCOMPARE(channel.value(u"key"_s).toString(), key); // Full key for the editing admin.
    QCOMPARE(channel.value(u"name"_s).toString(), u"primary"_s);
    QCOMPARE(channel.value(u"models"_s).toArray(), QJsonArray{u"gpt-4o"_s});

    // PUT changes only the fields present.
    response = api("PUT", u"/api/channel/%1"_s.arg(id),
                   QJsonObject{{u"name"_s, u"renamed"_s}, {u"priority"_s, 7}});
    QCOMPARE(response.status, 200);
    channel = api("GET", u"/api/channel/%1"_s.arg(id)).data().toObject();
    QCOMPARE(channel.value(u"name"_s).toString(), u"renamed"_s);
    QCOMPARE(channel.value(u"priority"_s).toInt(), 7);
    QCOMPARE(channel.value(u"key"_s).toString(), key);
    QCOMPARE(channel.value(u"type"_s).toInt(), 1);
    QCOMPARE(snapshot()->channels.value(id).name, u"renamed"_s);

    response = api("POST", u"/api/channel/%1/status"_s.arg(id), QJsonObject{{u"status"_s, 2}});
    QCOMPARE(response.status, 200);
    QCOMPARE(api("GET", u"/api/channel/%1"_s.arg(id)).data().toObject().value(u"status"_s).toInt(),
             2);
    QCOMPARE(snapshot()->channels.value(id).status, int(Channel::Disabled));
    response = api("POST", u"/api/channel/%1/status"_s.arg(id), QJsonObject{{u"status"_s, 5}});
    QCOMPARE(response.status, 400);
    QVERIFY2(response.message().contains(u"status"_s), qPrintable(response.message()));
    response = api("POST", u"/api/channel/%1/status"_s.arg(id), QJsonObject());
    QCOMPARE(response.status, 400);
    QVERIFY2(response.message().contains(u"status"_s), qPrintable(response.message()));

    QCOMPARE(api("GET", u"/api/channel/999999"_s).status, 404);
    QCOMPARE(api("PUT", u"/api/channel/999999"_s, QJsonObject{{u"name"_s, u"x"_s}}).status, 404);
    response = api("GET", u"/api/channel/abc"_s);
    QCOMPARE(response.status, 400);
    QVERIFY(response.message().contains(u"id"_s));

    QCOMPARE(api("DELETE", u"/api/channel/%1"_s.arg(id)).status, 200);
    QCOMPARE(api("GET", u"/api/channel/%1"_s.arg(id)).status, 404);
    QCOMPARE(api("DELETE", u"/api/channel/%1"_s.arg(id)).status, 404);
    QVERIFY(!snapshot()->channels.contains(id));

    QMutexLocker lock(&g_logMutex);
    QVERIFY(!g_logLines.join(u'\n').contains(key));
}

void TestAdminApi::channelListsPagingSearchAndMasking()
{
    QJsonArray batch;
    QStringList keys;
    for (int i = 0; i < 12; ++i) {
        const QString key = u"sk-secret-key-%1-abcdefghijkl"_s.arg(i);
        keys << key;
        batch.append(QJsonObject{
            {u"type"_s, i == 11 ? 36 : 1},
            {u"name"_s, (i < 10 ? u"alpha-%1"_s : u"beta-%1"_s).arg(i)},
            {u"key"_s, key},
            {u"base_url"_s, u"http://upstream-%1.test/v1"_s.arg(i)},
            {u"models"_s, QJsonArray{i == 5 ? u"special-model"_s : u"gpt-4o"_s}},
        });
    }
    TestHttpResponse response = api("POST", u"/api/channels/"_s, batch);
    QCOMPARE(response.status, 200);
    QCOMPARE(response.data().toArray().size(), 12);

    response = api("GET", u"/api/channels/?page=1&per_page=5"_s);
    QCOMPARE(response.status, 200);
    QJsonObject page = response.data().toObject();
    QCOMPARE(page.value(u"total"_s).toInteger(), 12);
    QCOMPARE(page.value(u"channels"_s).toArray().size(), 5);
    const QStringList firstPage = idsOf(page.value(u"channels"_s).toArray());
    page = api("GET", u"/api/channels/?page=3&per_page=5"_s).data().toObject();
    QCOMPARE(page.value(u"channels"_s).toArray().size(), 2);
    const QStringList lastPage = idsOf(page.value(u"channels"_s).toArray());
    for (const QString &id : lastPage)
        QVERIFY(!firstPage.contains(id));
    // Defaults: 10 per page; per_page is capped at 100.
    QCOMPARE(
        api("GET", u"/api/channels/"_s).data().toObject().value(u"channels"_s).toArray().size(),
        10);
    QCOMPARE(api("GET", u"/api/channels/?per_page=1000"_s)
                 .data()
                 .toObject()
                 .value(u"channels"_s)
                 .toArray()
                 .size(),
             12);

    // Ordering.
    QJsonArray ordered = api("GET", u"/api/channels/?order=id-asc&per_page=100"_s)
                             .data()
                             .toObject()
                             .value(u"channels"_s)
                             .toArray();
    QVERIFY(ordered.first().toObject().value(u"id"_s).toInteger() <
            ordered.last().toObject().value(u"id"_s).toInteger());
    ordered = api("GET", u"/api/channels/?per_page=100"_s)
                  .data()
                  .toObject()
                  .value(u"channels"_s)
                  .toArray();
    QVERIFY(ordered.first().toObject().value(u"id"_s).toInteger() >
            ordered.last().toObject().value(u"id"_s).toInteger());

    // Filters and search.
    QCOMPARE(total(u"/api/channels/?channel_type=36"_s), 1);
    QCOMPARE(total(u"/api/channels/?name=beta"_s), 2);
    QCOMPARE(total(u"/api/channels/?base_url=upstream-3.test"_s), 1);
    QCOMPARE(total(u"/api/channels/search?keyword=BETA"_s), 2);
    QCOMPARE(total(u"/api/channels/search?keyword=special"_s), 1);
    QCOMPARE(total(u"/api/channels/search?keyword=alpha&channel_type=1&per_page=3"_s), 10);
    QCOMPARE(total(u"/api/channels/search?keyword=nothing-matches"_s), 0);
    QCOMPARE(total(u"/api/channels/search?keyword=%25"_s),
             0); // '%' is literal.

    // Lists never show keys.
    const QList<QByteArray> listBodies = {
        api("GET", u"/api/channels/?per_page=100"_s).body,
        api("GET", u"/api/channels/search?keyword=a&per_page=100"_s).body,
        api("GET", u"/api/channels/all"_s).body};
    for (const QByteArray &body : listBodies) {
        for (const QString &key : std::as_const(keys))
            QVERIFY2(!body.contains(key.toUtf8()), body.constData());
    }
    const QJsonArray all = api("GET", u"/api/channels/all"_s).data().toArray();
    QCOMPARE(all.size(), 12);
    QVERIFY(all.first().toObject().value(u"key"_s).toString().contains(u"***"_s));

    // type_metas lists the channel types the relay serves.
    const QJsonObject metas = api("GET", u"/api/channels/type_metas"_s).data().toObject();
    QCOMPARE(metas.value(u"1"_s).toObject().value(u"name"_s).toString(), u"openai"_s);
    QVERIFY(!metas.value(u"1"_s).toObject().value(u"defaultBaseUrl"_s).toString().isEmpty());

    // Batch delete.
    const QStringList allIds = idsOf(all);
    response = api("POST", u"/api/channels/batch_delete"_s,
                   QJsonArray{allIds.at(0).toLongLong(), allIds.at(1).toLongLong()});
    QCOMPARE(response.status, 200);
    QCOMPARE(total(u"/api/channels/"_s), 10);
    QCOMPARE(snapshot()->channels.size(), 10);
}

void TestAdminApi::badInputNamesTheField()
{
    TestHttpResponse response = api("POST", u"/api/channel/"_s, QJsonObject{{u"type"_s, u"x"_s}});
    QCOMPARE(response.status, 400);
    QCOMPARE(response.json().value(u"success"_s).toBool(true), false);
    QVERIFY2(response.message().contains(u"type"_s), qPrintable(response.message()));

    response =
        api("POST", u"/api/channel/"_s, QJsonObject{{u"type"_s, 1}, {u"models"_s, u"gpt-4o"_s}});
    QCOMPARE(response.status, 400);
    QVERIFY2(response.message().contains(u"models"_s), qPrintable(response.message()));

    response = apiRaw("POST", u"/api/channel/"_s, "{\"type\": 1,");
    QCOMPARE(response.status, 400);
    QVERIFY2(response.message().contains(u"JSON"_s), qPrintable(response.message()));

    response = apiRaw("POST", u"/api/channels/"_s, "{\"type\": 1}");
    QCOMPARE(response.status, 400);
    QVERIFY2(response.message().contains(u"array"_s), qPrintable(response.message()));

    // A bulk create is all or nothing and names the element.
    response = api("POST", u"/api/channels/"_s,
                   QJsonArray{QJsonObject{{u"type"_s, 1}, {u"name"_s, u"ok"_s}},
                              QJsonObject{{u"type"_s, 1}, {u"priority"_s, u"high"_s}}});
    QCOMPARE(response.status, 400);
    QVERIFY2(response.message().contains(u"channels[1]"_s) &&
                 response.message().contains(u"priority"_s),
             qPrintable(response.message()));
    QCOMPARE(total(u"/api/channels/"_s), 0);

    response = api("POST", u"/api/channels/batch_delete"_s, QJsonArray{u"one"_s});
    QCOMPARE(response.status, 400);
    QVERIFY2(response.message().contains(u"ids"_s), qPrintable(response.message()));

    response = api("POST", u"/api/token/g1?auto_create_group=true"_s,
                   QJsonObject{{u"name"_s, u"t"_s}, {u"subnets"_s, QJsonArray{u"not-a-subnet"_s}}});
    QCOMPARE(response.status, 400);
    QVERIFY2(response.message().contains(u"subnets"_s), qPrintable(response.message()));

    response = api("POST", u"/api/token/g1?auto_create_group=true"_s, QJsonObject{{u"name"_s, 42}});
    QCOMPARE(response.status, 400);
    QVERIFY2(response.message().contains(u"name"_s), qPrintable(response.message()));

    response = api("POST", u"/api/group/g2"_s, QJsonObject{{u"rpm_ratio"_s, u"fast"_s}});
    QCOMPARE(response.status, 400);
    QVERIFY2(response.message().contains(u"rpm_ratio"_s), qPrintable(response.message()));
    QCOMPARE(api("GET", u"/api/group/g2"_s).status, 404);

    response = api("POST", u"/api/model_configs/"_s,
                   QJsonArray{QJsonObject{{u"model"_s, u"m"_s}, {u"rpm"_s, u"x"_s}}});
    QCOMPARE(response.status, 400);
    QVERIFY2(response.message().contains(u"rpm"_s), qPrintable(response.message()));

    response = api("DELETE", u"/api/logs/"_s);
    QCOMPARE(response.status, 400);
    QVERIFY2(response.message().contains(u"timestamp"_s), qPrintable(response.message()));
}

void TestAdminApi::tokens()
{
    // Without auto_create_group an unknown group is 404.
    TestHttpResponse response =
        api("POST", u"/api/token/groupA"_s, QJsonObject{{u"name"_s, u"t1"_s}});
    QCOMPARE(response.status, 404);
    QCOMPARE(api("GET", u"/api/group/groupA"_s).status, 404);

    const QJsonObject t1 = createToken(u"groupA"_s, u"t1"_s);
    const qint64 id1 = t1.value(u"id"_s).toInteger();
    const QString key1 = t1.value(u"key"_s).toString();
    QVERIFY(id1 > 0);
    QCOMPARE(key1.size(), 48);
    QCOMPARE(t1.value(u"group"_s).toString(), u"groupA"_s);
    QCOMPARE(api("GET", u"/api/group/groupA"_s).status, 200);
    QVERIFY(snapshot()->tokenByKey(key1)); // Usable by the relay at once.

    // Same name: 409, or the existing token with ignore_exist.
    response = api("POST", u"/api/token/groupA"_s, QJsonObject{{u"name"_s, u"t1"_s}});
    QCOMPARE(response.status, 409);
    QVERIFY(response.message().contains(u"name"_s));
    response =
        api("POST", u"/api/token/groupA?ignore_exist=true"_s, QJsonObject{{u"name"_s, u"t1"_s}});
    QCOMPARE(response.status, 200);
    QCOMPARE(response.data().toObject().value(u"id"_s).toInteger(), id1);
    QCOMPARE(response.data().toObject().value(u"key"_s).toString(), key1);

    // The group exists now: no auto_create_group needed.
    response = api("POST", u"/api/token/groupA"_s,
                   QJsonObject{{u"name"_s, u"t-2"_s}, {u"models"_s, QJsonArray{u"gpt-4o"_s}}});
    QCOMPARE(response.status, 200);
    const qint64 id2 = response.data().toObject().value(u"id"_s).toInteger();
    const QString key2 = response.data().toObject().value(u"key"_s).toString();
    QVERIFY(key2 != key1);
    const QJsonObject other = createToken(u"groupB"_s, u"t1"_s); // Same name, other group: fine.
    const qint64 idOther = other.value(u"id"_s).toInteger();
    QVERIFY(idOther > 0);

    // Lists and searches mask keys.
    const QStringList listPaths = {u"/api/tokens/"_s, u"/api/tokens/search?keyword=t"_s,
                                   u"/api/tokens/groupA"_s, u"/api/token/groupA/search"_s};
    for (const QString &path : listPaths) {
        response = api("GET", path);
        QCOMPARE(response.status, 200);
        QVERIFY2(!response.body.contains(key1.toUtf8()) && !response.body.contains(key2.toUtf8()),
                 qPrintable(path));
        QVERIFY(response.data()
                    .toObject()
                    .value(u"tokens"_s)
                    .toArray()
                    .first()
                    .toObject()
                    .value(u"key"_s)
                    .toString()
                    .contains(u"***"_s));
    }
    QCOMPARE(total(u"/api/tokens/"_s), 3);
    QCOMPARE(total(u"/api/tokens/?group=groupA"_s), 2);
    QCOMPARE(total(u"/api/tokens/groupA"_s), 2);
    // '-' never occurs in a key, so the keyword can only match the name.
    QCOMPARE(total(u"/api/token/groupA/search?keyword=t-2"_s), 1);
    QCOMPARE(total(u"/api/tokens/search?name=t1"_s), 2);
    QCOMPARE(total(u"/api/tokens/search?key=sk-"_s + key2), 1);

    // A single read shows the full key; another group's path never reaches the token.
    QCOMPARE(api("GET", u"/api/tokens/%1"_s.arg(id1)).data().toObject().value(u"key"_s).toString(),
             key1);
    QCOMPARE(
        api("GET", u"/api/token/groupA/%1"_s.arg(id1)).data().toObject().value(u"key"_s).toString(),
        key1);
    QCOMPARE(api("GET", u"/api/token/groupB/%1"_s.arg(id1)).status, 404);
    QCOMPARE(api("DELETE", u"/api/token/groupB/%1"_s.arg(id1)).status, 404);
    QCOMPARE(api("GET", u"/api/tokens/999999"_s).status, 404);

    // Renaming onto a taken name is a conflict; status and PUT update.
    QCOMPARE(
        api("POST", u"/api/tokens/%1/name"_s.arg(id1), QJsonObject{{u"name"_s, u"t-2"_s}}).status,
        409);
    QCOMPARE(
        api("POST", u"/api/token/groupA/%1/name"_s.arg(id1), QJsonObject{{u"name"_s, u"first"_s}})
            .status,
        200);
    QCOMPARE(api("POST", u"/api/tokens/%1/status"_s.arg(id1), QJsonObject{{u"status"_s, 2}}).status,
             200);
    QCOMPARE(snapshot()->tokenByKey(key1)->status, int(Token::Disabled));
    response =
        api("POST", u"/api/tokens/%1/status"_s.arg(id1), QJsonObject{{u"status"_s, u"off"_s}});
    QCOMPARE(response.status, 400);
    QVERIFY2(response.message().contains(u"status"_s), qPrintable(response.message()));
    response = api("PUT", u"/api/tokens/%1"_s.arg(id1),
                   QJsonObject{{u"quota"_s, 5.5}, {u"subnets"_s, QJsonArray{u"10.0.0.0/8"_s}}});
    QCOMPARE(response.status, 200);
    QVERIFY(!response.body.contains(key1.toUtf8()));
    QJsonObject token = api("GET", u"/api/tokens/%1"_s.arg(id1)).data().toObject();
    QCOMPARE(token.value(u"name"_s).toString(), u"first"_s);
    QCOMPARE(token.value(u"status"_s).toInt(), 2);
    QCOMPARE(token.value(u"quota"_s).toDouble(), 5.5);
    QCOMPARE(token.value(u"subnets"_s).toArray(), QJsonArray{u"10.0.0.0/8"_s});
    QCOMPARE(api("PUT", u"/api/token/groupB/%1"_s.arg(id1), QJsonObject{{u"quota"_s, 1}}).status,
             404);

    // Deletes: a group's batch delete only touches that group.
    response = api("POST", u"/api/token/groupB/batch_delete"_s, QJsonArray{id1, id2});
    QCOMPARE(response.status, 200);
    QCOMPARE(total(u"/api/tokens/"_s), 3);
    QCOMPARE(api("DELETE", u"/api/token/groupA/%1"_s.arg(id2)).status, 200);
    QCOMPARE(api("GET", u"/api/tokens/%1"_s.arg(id2)).status, 404);
    QVERIFY(!snapshot()->tokenByKey(key2));
    QCOMPARE(api("POST", u"/api/tokens/batch_delete"_s, QJsonArray{id1, idOther}).status, 200);
    QCOMPARE(total(u"/api/tokens/"_s), 0);

    // Keys never reach log output.
    QMutexLocker lock(&g_logMutex);
    const QString logged = g_logLines.join(u'\n');
    QVERIFY(!logged.contains(key1) && !logged.contains(key2));
}

void TestAdminApi::groupsAndCascadingDelete()
{
    TestHttpResponse response =
        api("POST", u"/api/group/groupC"_s,
            QJsonObject{{u"rpm_ratio"_s, 2},
                        {u"available_sets"_s, QJsonArray{u"default"_s, u"vip"_s}}});
    QCOMPARE(response.status, 200);
    QCOMPARE(response.data().toObject().value(u"id"_s).toString(), u"groupC"_s);
    QCOMPARE(api("POST", u"/api/group/groupC"_s).status, 409);
    QCOMPARE(api("POST", u"/api/group/groupD"_s).status, 200); // Body optional.
    QVERIFY(snapshot()->group(u"groupD"_s));

    QCOMPARE(api("PUT", u"/api/group/groupC"_s, QJsonObject{{u"tpm_ratio"_s, 4}}).status, 200);
    QCOMPARE(api("POST", u"/api/group/groupC/rpm_ratio"_s, QJsonObject{{u"rpm_ratio"_s, 3}}).status,
             200);
    QCOMPARE(api("POST", u"/api/group/groupC/status"_s, QJsonObject{{u"status"_s, 2}}).status, 200);
    response = api("POST", u"/api/group/groupC/tpm_ratio"_s, QJsonObject{{u"rpm_ratio"_s, 3}});
    QCOMPARE(response.status, 400);
    QVERIFY(response.message().contains(u"tpm_ratio"_s));
    QJsonObject group = api("GET", u"/api/group/groupC"_s).data().toObject();
    QCOMPARE(group.value(u"rpm_ratio"_s).toDouble(), 3.0);
    QCOMPARE(group.value(u"tpm_ratio"_s).toDouble(), 4.0);
    QCOMPARE(group.value(u"status"_s).toInt(), 2);
    QCOMPARE(group.value(u"available_sets"_s).toArray().size(), 2);
    QCOMPARE(snapshot()->group(u"groupC"_s)->status, int(Group::Disabled));
    QCOMPARE(api("PUT", u"/api/group/nope"_s, QJsonObject{{u"tpm_ratio"_s, 4}}).status, 404);

    const QJsonObject t1 = createToken(u"groupE"_s, u"a"_s);
    const QJsonObject t2 = createToken(u"groupE"_s, u"b"_s);
    const QJsonObject kept = createToken(u"groupD"_s, u"a"_s);

    QJsonObject page = api("GET", u"/api/groups/?per_page=2"_s).data().toObject();
    QCOMPARE(page.value(u"total"_s).toInteger(), 3);
    QCOMPARE(page.value(u"groups"_s).toArray().size(), 2);
    QCOMPARE(total(u"/api/groups/search?keyword=group"_s), 3);
    QCOMPARE(total(u"/api/groups/search?keyword=E"_s), 1);
    QCOMPARE(total(u"/api/groups/search?status=2"_s), 1);

    response =
        api("POST", u"/api/groups/batch_status"_s,
            QJsonObject{{u"groups"_s, QJsonArray{u"groupD"_s, u"groupE"_s}}, {u"status"_s, 2}});
    QCOMPARE(response.status, 200);
    QCOMPARE(total(u"/api/groups/search?status=2"_s), 3);
    QCOMPARE(api("POST", u"/api/groups/batch_status"_s,
                 QJsonObject{{u"ids"_s, QJsonArray{u"groupD"_s}}, {u"status"_s, 1}})
                 .status,
             200);
    QCOMPARE(api("GET", u"/api/group/groupD"_s).data().toObject().value(u"status"_s).toInt(), 1);
    QCOMPARE(api("POST", u"/api/groups/batch_status"_s,
                 QJsonObject{{u"groups"_s, QJsonArray{u"groupD"_s}}, {u"status"_s, 9}})
                 .status,
             400);

    // Deleting a group deletes its tokens (and only its tokens).
    QCOMPARE(api("DELETE", u"/api/group/groupE"_s).status, 200);
    QCOMPARE(api("GET", u"/api/group/groupE"_s).status, 404);
    QCOMPARE(api("DELETE", u"/api/group/groupE"_s).status, 404);
    QCOMPARE(total(u"/api/tokens/?group=groupE"_s), 0);
    QCOMPARE(api("GET", u"/api/tokens/%1"_s.arg(t1.value(u"id"_s).toInteger())).status, 404);
    QVERIFY(!snapshot()->tokenByKey(t2.value(u"key"_s).toString()));
    QCOMPARE(api("GET", u"/api/tokens/%1"_s.arg(kept.value(u"id"_s).toInteger())).status, 200);

    QCOMPARE(
        api("POST", u"/api/groups/batch_delete"_s, QJsonArray{u"groupC"_s, u"groupD"_s}).status,
        200);
    QCOMPARE(total(u"/api/groups/"_s), 0);
    QCOMPARE(total(u"/api/tokens/"_s), 0);
}

void TestAdminApi::modelConfigs()
{
    const QString model = u"deepseek-ai/DeepSeek-V3"_s;
    TestHttpResponse response =
        api("POST", u"/api/model_config/"_s + model,
            QJsonObject{{u"model"_s, u"ignored"_s},
                        {u"owner"_s, u"deepseek"_s},
                        {u"type"_s, 1},
                        {u"rpm"_s, 60},
                        {u"price"_s, QJsonObject{{u"input_price"_s, 0.5}}}});
    QCOMPARE(response.status, 200);
    QCOMPARE(response.data().toObject().value(u"model"_s).toString(), model);
    QCOMPARE(api("GET", u"/api/model_config/ignored"_s).status, 404);
    QJsonObject config = api("GET", u"/api/model_config/"_s + model).data().toObject();
    QCOMPARE(config.value(u"owner"_s).toString(), u"deepseek"_s);
    QCOMPARE(config.value(u"rpm"_s).toInteger(), 60);
    QCOMPARE(config.value(u"price"_s).toObject().value(u"input_price"_s).toDouble(), 0.5);
    QVERIFY(snapshot()->modelConfigs.contains(model));

    // POST again replaces (upsert).
    QCOMPARE(
        api("POST", u"/api/model_config/"_s + model, QJsonObject{{u"owner"_s, u"ds"_s}}).status,
        200);
    config = api("GET", u"/api/model_config/"_s + model).data().toObject();
    QCOMPARE(config.value(u"owner"_s).toString(), u"ds"_s);
    QCOMPARE(config.value(u"rpm"_s).toInteger(), 0);

    response =
        api("POST", u"/api/model_configs/"_s,
            QJsonArray{QJsonObject{{u"model"_s, u"gpt-4o"_s}, {u"owner"_s, u"openai"_s}},
                       QJsonObject{{u"model"_s, u"gpt-4o-mini"_s}, {u"owner"_s, u"openai"_s}}});
    QCOMPARE(response.status, 200);

    QJsonObject page = api("GET", u"/api/model_configs/?per_page=2"_s).data().toObject();
    QCOMPARE(page.value(u"total"_s).toInteger(), 3);
    QCOMPARE(page.value(u"configs"_s).toArray().size(), 2);
    QCOMPARE(total(u"/api/model_configs/?model=gpt-4o"_s), 1);
    QCOMPARE(total(u"/api/model_configs/search?keyword=DEEP"_s), 1);
    QCOMPARE(total(u"/api/model_configs/search?owner=openai"_s), 2);
    QCOMPARE(api("GET", u"/api/model_configs/all"_s).data().toArray().size(), 3);
    response = api("POST", u"/api/model_configs/contains"_s,
                   QJsonObject{{u"models"_s, QJsonArray{u"gpt-4o"_s, u"unknown"_s}}});
    QCOMPARE(response.status, 200);
    QCOMPARE(idsOf(response.data().toArray(), u"model"_s), QStringList{u"gpt-4o"_s});

    QCOMPARE(
        api("POST", u"/api/model_configs/batch_delete"_s, QJsonArray{u"gpt-4o"_s, u"gpt-4o-mini"_s})
            .status,
        200);
    QCOMPARE(idsOf(api("GET", u"/api/model_configs/all"_s).data().toArray(), u"model"_s),
             QStringList{model});
    QCOMPARE(api("DELETE", u"/api/model_config/"_s + model).status, 200);
    QCOMPARE(api("GET", u"/api/model_config/"_s + model).status, 404);
    QCOMPARE(api("DELETE", u"/api/model_config/"_s + model).status, 404);
    QVERIFY(snapshot()->modelConfigs.isEmpty());
}

void TestAdminApi::logsFiltersAndGroupIsolation()
{
    const qint64 t0 = QDateTime::currentMSecsSinceEpoch() - 60'000;
    struct Row
    {
        QString group;
        QString token;
        qint64 tokenId;
        qint64 channel;
        QString model;
        int code;
        QString content;
        QString ip;
        QString user;
    };
    const QList<Row> rows = {
        {u"groupA"_s, u"ta1"_s, 1, 1, u"gpt-4o"_s, 200, QString(), u"10.0.0.1"_s, QString()},
        {u"groupA"_s, u"ta2"_s, 2, 2, u"gpt-4o"_s, 500, u"upstream exploded"_s, u"10.0.0.1"_s,
         QString()},
        {u"groupA"_s, u"ta1"_s, 1, 1, u"gpt-4o-mini"_s, 200, QString(), u"10.0.0.1"_s, u"alice"_s},
        {u"groupB"_s, u"tb1"_s, 3, 3, u"secret-model"_s, 200, QString(), u"10.0.0.2"_s, u"bob"_s},
        {u"groupB"_s, u"tb1"_s, 3, 3, u"secret-model"_s, 429, u"secret rate limit"_s, u"10.0.0.2"_s,
         u"bob"_s},
    };
    for (qsizetype i = 0; i < rows.size(); ++i) {
        const Row &row = rows.at(i);
        LogRecord record;
        record.requestId = u"req-%1"_s.arg(i);
        record.requestAt = t0 + i * 1000;
        record.createdAt = record.requestAt + 10;
        record.groupId = row.group;
        record.tokenName = row.token;
        record.tokenId = row.tokenId;
        record.channelId = row.channel;
        record.model = row.model;
        record.code = row.code;
        record.content = row.content;
        record.ip = row.ip;
        record.user = row.user;
        record.upstreamId = u"up-%1"_s.arg(i);
        m_gateway.core()->logWriter()->enqueue(record);
    }
    // No flushNow() here: the log use cases flush pending rows themselves.

    QJsonObject data = api("GET", u"/api/logs/"_s).data().toObject();
    QCOMPARE(data.value(u"total"_s).toInteger(), 5);
    QCOMPARE(data.value(u"logs"_s).toArray().size(), 5);
    QCOMPARE(data.value(u"models"_s).toArray(),
             (QJsonArray{u"gpt-4o"_s, u"gpt-4o-mini"_s, u"secret-model"_s}));
    QCOMPARE(data.value(u"channels"_s).toArray(), (QJsonArray{1, 2, 3}));
    // Default order: newest request first.
    QCOMPARE(data.value(u"logs"_s).toArray().first().toObject().value(u"request_id"_s).toString(),
             u"req-4"_s);
    QCOMPARE(api("GET", u"/api/logs/?order=created_at-asc"_s)
                 .data()
                 .toObject()
                 .value(u"logs"_s)
                 .toArray()
                 .first()
                 .toObject()
                 .value(u"request_id"_s)
                 .toString(),
             u"req-0"_s);
    const QJsonArray byId =
        api("GET", u"/api/logs/?order=id-asc"_s).data().toObject().value(u"logs"_s).toArray();
    QVERIFY(byId.first().toObject().value(u"id"_s).toInteger() <
            byId.last().toObject().value(u"id"_s).toInteger());

    // Filters.
    QCOMPARE(total(u"/api/logs/?per_page=2"_s), 5);
    QCOMPARE(api("GET", u"/api/logs/?per_page=2&page=3"_s)
                 .data()
                 .toObject()
                 .value(u"logs"_s)
                 .toArray()
                 .size(),
             1);
    QCOMPARE(total(u"/api/logs/?group=groupA"_s), 3);
    QCOMPARE(total(u"/api/logs/?model_name=gpt-4o"_s), 2);
    QCOMPARE(total(u"/api/logs/?channel=3"_s), 2);
    QCOMPARE(total(u"/api/logs/?token_name=ta1"_s), 2);
    QCOMPARE(total(u"/api/logs/?token_id=2"_s), 1);
    QCOMPARE(total(u"/api/logs/?request_id=req-3"_s), 1);
    QCOMPARE(total(u"/api/logs/?upstream_id=up-1"_s), 1);
    QCOMPARE(total(u"/api/logs/?code_type=success"_s), 3);
    QCOMPARE(total(u"/api/logs/?code_type=error"_s), 2);
    QCOMPARE(total(u"/api/logs/?code=429"_s), 1);
    QCOMPARE(total(u"/api/logs/?ip=10.0.0.2"_s), 2);
    QCOMPARE(total(u"/api/logs/?user=alice"_s), 1);
    QCOMPARE(
        total(u"/api/logs/?start_timestamp=%1&end_timestamp=%2"_s.arg(t0 + 1000).arg(t0 + 3000)),
        3);
    QCOMPARE(total(u"/api/logs/?start_timestamp=%1"_s.arg(t0 + 4500)), 0);
    QCOMPARE(total(u"/api/logs/search?keyword=EXPLODED"_s), 1);
    QCOMPARE(total(u"/api/logs/search?keyword=secret"_s), 2);
    QCOMPARE(total(u"/api/logs/search?keyword=req-&code_type=error"_s), 2);

    // Group endpoints are confined to their group, whatever the query says.
    data = api("GET", u"/api/log/groupA"_s).data().toObject();
    QCOMPARE(data.value(u"total"_s).toInteger(), 3);
    for (const QJsonValue &log : data.value(u"logs"_s).toArray())
        QCOMPARE(log.toObject().value(u"group"_s).toString(), u"groupA"_s);
    QCOMPARE(data.value(u"models"_s).toArray(), (QJsonArray{u"gpt-4o"_s, u"gpt-4o-mini"_s}));
    QCOMPARE(data.value(u"token_names"_s).toArray(), (QJsonArray{u"ta1"_s, u"ta2"_s}));
    QVERIFY(!api("GET", u"/api/log/groupA"_s).body.contains("secret"));
    QCOMPARE(total(u"/api/log/groupA?group=groupB"_s), 3);
    QVERIFY(!api("GET", u"/api/log/groupA?group=groupB"_s).body.contains("groupB"));
    QCOMPARE(total(u"/api/log/groupA?request_id=req-3"_s), 0);
    QCOMPARE(total(u"/api/log/groupA?channel=3"_s), 0);
    QCOMPARE(total(u"/api/log/groupA/search?keyword=secret"_s), 0);
    QCOMPARE(total(u"/api/log/groupA/search?keyword=exploded"_s), 1);
    QCOMPARE(total(u"/api/log/groupA?code_type=error"_s), 1);
    QCOMPARE(total(u"/api/log/groupB"_s), 2);
    QCOMPARE(total(u"/api/log/groupC"_s), 0);

    // Delete rows older than a time stamp: data is the number deleted.
    TestHttpResponse response = api("DELETE", u"/api/logs/?timestamp=%1"_s.arg(t0 + 2500));
    QCOMPARE(response.status, 200);
    QCOMPARE(response.data().toInteger(), 3);
    QCOMPARE(total(u"/api/logs/"_s), 2);
    QCOMPARE(total(u"/api/log/groupA"_s), 0);
}

QTEST_GUILESS_MAIN(TestAdminApi)
#include "tst_adminapi.moc"
