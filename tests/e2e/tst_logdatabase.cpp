// LOG_SQL_DSN: request logs go to their own database (PostgreSQL) while channels, tokens and
// the rest stay in the main one (SQLite here); the admin API reads logs from the log database.

#include "gateway/gatewaycore.h"
#include "logrows.h"
#include "mockupstream.h"
#include "rawhttpclient.h"
#include "relayseed.h"
#include "storage/database.h"
#include "storage/logwriter.h"
#include "testgateway.h"
#include "testhttpclient.h"

#include <QJsonArray>
#include <QSqlQuery>
#include <QtTest>

class TstLogDatabase : public QObject
{
    Q_OBJECT

private:
    MockUpstream m_mock;
    TestGateway m_gateway;

private Q_SLOTS:
    void initTestCase()
    {
        const QString dsn = TestGateway::postgresDsnFromEnvironment();
        if (dsn.isEmpty())
            QSKIP("AIPROXY_TEST_PG_DSN is not set: the separate log database needs PostgreSQL");
        QVERIFY(m_mock.start());
        TestGateway::Options options;
        options.postgresDsn = dsn; // A fresh schema on the server...
        options.configure = [](GatewayConfig &config) {
            config.logSqlDsn = config.sqlDsn; // ...for the logs only;
            config.sqlDsn.clear();            // the main database is SQLite in DATA_DIR.
        };
        QString error;
        QVERIFY2(m_gateway.start(options, &error), qPrintable(error));
        QCOMPARE(m_gateway.core()->mainDatabase()->dialect(), DatabaseSpec::Dialect::Sqlite);
        QCOMPARE(m_gateway.core()->logDatabase()->dialect(), DatabaseSpec::Dialect::Postgres);

        QSqlDatabase db = m_gateway.core()->mainDatabase()->connection();
        const QString key = QStringLiteral("logdbkey0123456789logdbkey0123456789logdbkey0123");
        QVERIFY2(RelaySeed::insertMinimalSetup(db, m_mock.baseUrl(), QStringLiteral("gpt-4o-mini"),
                                               QStringLiteral("g"), key, &error),
                 qPrintable(error));
        m_gateway.core()->reloadSnapshot();
    }

    void cleanupTestCase() { m_gateway.stop(); }

    void logsGoToTheLogDatabase()
    {
        RawHttpClient client;
        QVERIFY(client.connectToPort(m_gateway.port()));
        const auto response = client.request(
            "POST", "/v1/chat/completions",
            R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]})",
            {{"Authorization", "Bearer sk-logdbkey0123456789logdbkey0123456789logdbkey0123"},
             {"Content-Type", "application/json"}});
        QCOMPARE(response.status, 200);
        const QString requestId = QString::fromLatin1(response.header("x-request-id"));
        const QSqlRecord row = LogRows::waitFor(m_gateway.core(), requestId.toLatin1());
        QVERIFY(!row.isEmpty()); // Read from the log database (the only one with a logs table).
        QCOMPARE(row.value("code").toInt(), 200);
        QCOMPARE(row.value("input_tokens").toInt(), MockUpstream::kPromptTokens);

        // The main database has no log table at all.
        QSqlQuery inMainDb(m_gateway.core()->mainDatabase()->connection());
        QVERIFY(!inMainDb.exec(QStringLiteral("SELECT COUNT(*) FROM logs")));

        // The admin API reads them from there.
        TestHttpClient admin;
        QUrl url = m_gateway.url(QStringLiteral("/api/logs/?request_id=") + requestId);
        const TestHttpResponse logs = admin.request(
            "GET", url, {}, {{"Authorization", "Bearer " + TestGateway::adminKey.toUtf8()}});
        QCOMPARE(logs.status, 200);
        const QJsonArray rows = logs.json().value("data").toObject().value("logs").toArray();
        QCOMPARE(rows.size(), 1);
        QCOMPARE(rows.first().toObject().value("request_id").toString(), requestId);
    }
};

QTEST_GUILESS_MAIN(TstLogDatabase)
#include "tst_logdatabase.moc"
