// ConfigLoader: precedence of .env files, environment and flags; .env syntax; LISTEN forms;
// every invalid value reported in one go.
#include "config/gatewayconfig.h"
#include "storage/databasespec.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

namespace {

using Env = QHash<QString, QString>;

ConfigLoader::Result load(const QStringList &flags, const Env &env = {})
{
    return ConfigLoader::load(QStringList{QStringLiteral("aiproxy")} + flags, env);
}

void writeFile(const QString &path, const QByteArray &contents)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(contents);
}

} // namespace

class TestConfig : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        // load() reads .env files from the working directory: use an empty one of our own.
        QVERIFY(m_dir.isValid());
        m_previousDir = QDir::currentPath();
        QVERIFY(QDir::setCurrent(m_dir.path()));
    }
    void cleanupTestCase() { QDir::setCurrent(m_previousDir); }
    void cleanup()
    {
        for (const QString &name : {QStringLiteral(".env"), QStringLiteral(".env.local"),
                                    QStringLiteral(".env.aiproxy.local")})
            QFile::remove(QDir(m_dir.path()).filePath(name));
    }

    void defaults()
    {
        const auto result = load({});
        QVERIFY2(result.errors.isEmpty(), qPrintable(result.errors.join('\n')));
        const GatewayConfig &c = result.config;
        QCOMPARE(c.listenPort, quint16(3000));
        QCOMPARE(c.listenAddress, QHostAddress(QHostAddress::Any));
        QCOMPARE(c.maxRequestBodyBytes, 64ll * 1024 * 1024);
        QCOMPARE(c.dataDir, QDir(m_dir.path()).absolutePath());
        QCOMPARE(c.resolvedSqlitePath(),
                 QDir(m_dir.path()).absoluteFilePath(QStringLiteral("aiproxy.db")));
        QVERIFY(c.adminKey.isEmpty());
        QVERIFY(!c.disableModelConfig);
        QVERIFY(!result.showHelp);
        // Routing defaults (a true default must survive an unset variable).
        QCOMPARE(c.retryTimes, 2);
        QVERIFY(c.autoBan);
        QCOMPARE(c.autoBanRate, 0.75);
        QCOMPARE(c.warnErrorRate, 0.5);
        QCOMPARE(c.autoBanDurationSec, 300);
        QCOMPARE(c.retestIntervalSec, 30);
        QCOMPARE(c.streamIdleTimeoutSec, 120);
    }

    void routingSettings()
    {
        const auto result =
            load({}, {{QStringLiteral("ENABLE_MODEL_ERROR_AUTO_BAN"), QStringLiteral("false")},
                      {QStringLiteral("MODEL_ERROR_AUTO_BAN_RATE"), QStringLiteral("0.3")},
                      {QStringLiteral("RETRY_TIMES"), QStringLiteral("0")}});
        QVERIFY2(result.errors.isEmpty(), qPrintable(result.errors.join('\n')));
        QVERIFY(!result.config.autoBan);
        QCOMPARE(result.config.autoBanRate, 0.3);
        QCOMPARE(result.config.retryTimes, 0);
        const auto bad =
            load({}, {{QStringLiteral("MODEL_ERROR_AUTO_BAN_RATE"), QStringLiteral("1.5")},
                      {QStringLiteral("RETRY_TIMES"), QStringLiteral("11")}});
        QCOMPARE(bad.errors.size(), 2);
    }

    void environmentOverridesEnvFileAndFlagsOverrideEnvironment()
    {
        writeFile(QStringLiteral(".env"),
                  "LISTEN=:6001\nWORKER_THREADS=2\nSQLITE_PATH=fromfile.db\n");
        auto result = load({});
        QCOMPARE(result.config.listenPort, quint16(6001));
        QCOMPARE(result.config.workerThreads, 2);

        result = load({}, {{QStringLiteral("LISTEN"), QStringLiteral(":6002")}});
        QCOMPARE(result.config.listenPort, quint16(6002));
        QCOMPARE(result.config.workerThreads, 2); // Untouched keys still come from the file.

        result = load(
            {QStringLiteral("--listen"), QStringLiteral(":6003"), QStringLiteral("--workers=5")},
            {{QStringLiteral("LISTEN"), QStringLiteral(":6002")},
             {QStringLiteral("WORKER_THREADS"), QStringLiteral("3")}});
        QVERIFY2(result.errors.isEmpty(), qPrintable(result.errors.join('\n')));
        QCOMPARE(result.config.listenPort, quint16(6003));
        QCOMPARE(result.config.workerThreads, 5);
        QCOMPARE(result.config.sqlitePath, QStringLiteral("fromfile.db"));
    }

    void laterEnvFilesOverrideEarlierOnes()
    {
        writeFile(QStringLiteral(".env"), "LISTEN=:7001\nIDLE_TIMEOUT=11\n");
        writeFile(QStringLiteral(".env.local"), "LISTEN=:7002\n");
        const QString explicitFile = QDir(m_dir.path()).filePath(QStringLiteral("custom.env"));
        writeFile(explicitFile, "IDLE_TIMEOUT=22\n");
        auto result = load({});
        QCOMPARE(result.config.listenPort, quint16(7002));
        QCOMPARE(result.config.idleTimeoutSec, 11);
        result = load({QStringLiteral("--env-file"), explicitFile});
        QCOMPARE(result.config.idleTimeoutSec, 22);
        result = load({QStringLiteral("--env-file"), QStringLiteral("/nonexistent/file.env")});
        QCOMPARE(result.errors.size(), 1);
        QVERIFY(result.errors.first().contains(QStringLiteral("--env-file")));
    }

    void dataDirSecretsFileIsRead()
    {
        QTemporaryDir dataDir;
        writeFile(QDir(dataDir.path()).filePath(QStringLiteral(".env.aiproxy.local")),
                  "ADMIN_KEY=persisted-key-123\n");
        auto result = load({}, {{QStringLiteral("DATA_DIR"), dataDir.path()}});
        QCOMPARE(result.config.adminKey, QStringLiteral("persisted-key-123"));
        QCOMPARE(result.config.dataDir, QDir(dataDir.path()).absolutePath());
        result = load({QStringLiteral("--data-dir"), dataDir.path()});
        QCOMPARE(result.config.adminKey, QStringLiteral("persisted-key-123"));
        // The environment still wins over the persisted file.
        result = load({}, {{QStringLiteral("DATA_DIR"), dataDir.path()},
                           {QStringLiteral("ADMIN_KEY"), QStringLiteral("explicit-key-456")}});
        QCOMPARE(result.config.adminKey, QStringLiteral("explicit-key-456"));
    }

    void envFileSyntax()
    {
        const auto values = ConfigLoader::parseEnvFile("# a comment\n"
                                                       "export A=1\n"
                                                       "B = two words # trailing comment\n"
                                                       "C=\"quoted # not a comment\"\n"
                                                       "D='single'\n"
                                                       "E=with=equals\n"
                                                       "=novalue\n"
                                                       "NOEQUALS\n"
                                                       "   F=  spaced  \n"
                                                       "G=\n"
                                                       "H=crlf\r\n"
                                                       "\n"
                                                       "I=\"unbalanced\n"
                                                       "B=second wins\n");
        QCOMPARE(values.value("A"), QStringLiteral("1"));
        QCOMPARE(values.value("B"), QStringLiteral("second wins"));
        QCOMPARE(values.value("C"), QStringLiteral("quoted # not a comment"));
        QCOMPARE(values.value("D"), QStringLiteral("single"));
        QCOMPARE(values.value("E"), QStringLiteral("with=equals"));
        QCOMPARE(values.value("F"), QStringLiteral("spaced"));
        QVERIFY(values.contains("G"));
        QCOMPARE(values.value("G"), QString());
        QCOMPARE(values.value("H"), QStringLiteral("crlf"));
        QCOMPARE(values.value("I"), QStringLiteral("\"unbalanced"));
        QVERIFY(!values.contains("NOEQUALS"));
        QVERIFY(!values.contains(""));
        QCOMPARE(values.size(), 9);
        QCOMPARE(ConfigLoader::parseEnvFile("B = two words # trailing comment\n").value("B"),
                 QStringLiteral("two words"));
    }

    void listenForms_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<QHostAddress>("address");
        QTest::addColumn<int>("port");
        QTest::newRow(":3000") << ":3000" << true << QHostAddress(QHostAddress::Any) << 3000;
        QTest::newRow("3000") << "3000" << true << QHostAddress(QHostAddress::Any) << 3000;
        QTest::newRow("0.0.0.0") << "0.0.0.0:3000" << true << QHostAddress(QHostAddress::AnyIPv4)
                                 << 3000;
        QTest::newRow("ipv4") << "127.0.0.1:8080" << true
                              << QHostAddress(QStringLiteral("127.0.0.1")) << 8080;
        QTest::newRow("ipv6") << "[::1]:3000" << true << QHostAddress(QHostAddress::LocalHostIPv6)
                              << 3000;
        QTest::newRow("ipv6 any") << "[::]:80" << true << QHostAddress(QHostAddress::AnyIPv6) << 80;
        QTest::newRow("localhost")
            << "localhost:0" << true << QHostAddress(QHostAddress::LocalHost) << 0;
        QTest::newRow("spaces") << "  :3001 " << true << QHostAddress(QHostAddress::Any) << 3001;
        QTest::newRow("max port") << ":65535" << true << QHostAddress(QHostAddress::Any) << 65535;
        QTest::newRow("word") << "abc" << false << QHostAddress() << 0;
        QTest::newRow("port too big") << ":65536" << false << QHostAddress() << 0;
        QTest::newRow("negative") << ":-1" << false << QHostAddress() << 0;
        QTest::newRow("no port") << ":" << false << QHostAddress() << 0;
        QTest::newRow("ipv6 no colon") << "[::1]3000" << false << QHostAddress() << 0;
        QTest::newRow("bad ipv4") << "1.2.3.4.5:80" << false << QHostAddress() << 0;
        QTest::newRow("hostname") << "example.com:80" << false << QHostAddress() << 0;
    }
    void listenForms()
    {
        QFETCH(QString, text);
        QFETCH(bool, valid);
        QFETCH(QHostAddress, address);
        QFETCH(int, port);
        QHostAddress parsedAddress;
        quint16 parsedPort = 0;
        QCOMPARE(ConfigLoader::parseListen(text, &parsedAddress, &parsedPort), valid);
        if (valid) {
            QCOMPARE(parsedAddress, address);
            QCOMPARE(int(parsedPort), port);
        }
        // Through load() the same text is accepted or reported.
        const auto result = load({}, {{QStringLiteral("LISTEN"), text}});
        QCOMPARE(result.errors.isEmpty(), valid || text.trimmed().isEmpty());
    }

    void allErrorsReportedAtOnce()
    {
        const auto result = load({QStringLiteral("--idle-timeout"), QStringLiteral("0")},
                                 {{QStringLiteral("LISTEN"), QStringLiteral("nonsense")},
                                  {QStringLiteral("WORKER_THREADS"), QStringLiteral("-1")},
                                  {QStringLiteral("MAX_REQUEST_BODY_SIZE"), QStringLiteral("abc")},
                                  {QStringLiteral("DISABLE_SERVE"), QStringLiteral("maybe")},
                                  {QStringLiteral("SQL_DSN"), QStringLiteral("mysql://u:p@h/db")},
                                  {QStringLiteral("ADMIN_KEY"), QStringLiteral("short")}});
        const QStringList keys = {QStringLiteral("LISTEN"),
                                  QStringLiteral("WORKER_THREADS"),
                                  QStringLiteral("MAX_REQUEST_BODY_SIZE"),
                                  QStringLiteral("DISABLE_SERVE"),
                                  QStringLiteral("SQL_DSN"),
                                  QStringLiteral("ADMIN_KEY"),
                                  QStringLiteral("IDLE_TIMEOUT")};
        QCOMPARE(result.errors.size(), keys.size());
        for (const QString &key : keys) {
            bool found = false;
            for (const QString &error : result.errors)
                found = found || error.startsWith(key + QLatin1Char(':'));
            QVERIFY2(found, qPrintable(key + QStringLiteral(" not reported in: ") +
                                       result.errors.join('\n')));
        }
        // Valid values around the bad ones are still applied.
        QCOMPARE(result.config.listenPort, quint16(3000));
    }

    void numbersAndBooleans()
    {
        const auto result =
            load({}, {{QStringLiteral("DISABLE_MODEL_CONFIG"), QStringLiteral("yes")},
                      {QStringLiteral("DISABLE_SERVE"), QStringLiteral("OFF")},
                      {QStringLiteral("MAX_REQUEST_BODY_SIZE"), QStringLiteral("2048")},
                      {QStringLiteral("HEADER_TIMEOUT"), QStringLiteral(" 7 ")},
                      {QStringLiteral("PARSE_PDF_TIMEOUT"), QStringLiteral("90")}});
        QVERIFY2(result.errors.isEmpty(), qPrintable(result.errors.join('\n')));
        QCOMPARE(result.config.parsePdfTimeoutSec, 90);
        QCOMPARE(load({}, {}).config.parsePdfTimeoutSec, 600);
        QVERIFY(result.config.disableModelConfig);
        QVERIFY(!result.config.disableServe);
        QCOMPARE(result.config.maxRequestBodyBytes, 2048);
        QCOMPARE(result.config.headerTimeoutSec, 7);
        const auto tooSmall =
            load({}, {{QStringLiteral("MAX_REQUEST_BODY_SIZE"), QStringLiteral("1023")}});
        QCOMPARE(tooSmall.errors.size(), 1);
        QCOMPARE(tooSmall.config.maxRequestBodyBytes, 64ll * 1024 * 1024); // Default kept.
    }

    void unsupportedDsn_data()
    {
        QTest::addColumn<QString>("dsn");
        QTest::addColumn<bool>("valid");
        QTest::newRow("mysql") << "mysql://root@localhost/aiproxy" << false;
        QTest::newRow("sqlite url") << "sqlite:///var/lib/aiproxy.db" << false;
        QTest::newRow("bare path") << "/var/lib/aiproxy.db" << false;
        QTest::newRow("postgres") << "postgres://u:p@db:5433/aiproxy?sslmode=disable" << true;
        QTest::newRow("postgresql") << "postgresql://u@db/aiproxy" << true;
    }
    void unsupportedDsn()
    {
        QFETCH(QString, dsn);
        QFETCH(bool, valid);
        for (const QString &key : {QStringLiteral("SQL_DSN"), QStringLiteral("LOG_SQL_DSN")}) {
            const auto result = load({}, {{key, dsn}});
            QCOMPARE(result.errors.isEmpty(), valid);
            if (!valid)
                QVERIFY(result.errors.first().startsWith(key) &&
                        result.errors.first().contains(QStringLiteral("postgres://")));
        }
        QString error;
        DatabaseSpec::parse(dsn, QStringLiteral("x.db"), 1000, &error);
        QCOMPARE(error.isEmpty(), valid);
    }

    void postgresDsnParts()
    {
        QString error;
        const DatabaseSpec spec = DatabaseSpec::parse(
            QStringLiteral("postgres://alice:s3cret@db.local:5433/aiproxy?sslmode=disable"),
            QString(), 1000, &error);
        QVERIFY(error.isEmpty());
        QCOMPARE(spec.dialect, DatabaseSpec::Dialect::Postgres);
        QCOMPARE(spec.host, QStringLiteral("db.local"));
        QCOMPARE(spec.port, 5433);
        QCOMPARE(spec.user, QStringLiteral("alice"));
        QCOMPARE(spec.password, QStringLiteral("s3cret"));
        QCOMPARE(spec.databaseName, QStringLiteral("aiproxy"));
        QVERIFY(spec.connectOptions.contains(QStringLiteral("sslmode=disable")));
        QVERIFY(!spec.describe().contains(QStringLiteral("s3cret")));
        const DatabaseSpec sqlite =
            DatabaseSpec::parse(QString(), QStringLiteral("/tmp/a.db"), 1000, &error);
        QCOMPARE(sqlite.dialect, DatabaseSpec::Dialect::Sqlite);
        QCOMPARE(sqlite.sqlitePath, QStringLiteral("/tmp/a.db"));
    }

    void flagsErrors()
    {
        QVERIFY(!load({QStringLiteral("--no-such-flag")}).errors.isEmpty());
        QVERIFY(!load({QStringLiteral("stray")}).errors.isEmpty());
        QVERIFY(load({QStringLiteral("--help")}).showHelp);
        QVERIFY(load({QStringLiteral("-v")}).showVersion);
    }

private:
    QTemporaryDir m_dir;
    QString m_previousDir;
};

QTEST_APPLESS_MAIN(TestConfig)
#include "tst_config.moc"
