// Database migrations: tables are created, a second open applies nothing, versions are tracked.
#include "gateway/gatewaycore.h"
#include "storage/database.h"
#include "testgateway.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTemporaryDir>
#include <QTest>

namespace {

QStringList kMainTables = {QStringLiteral("channels"), QStringLiteral("tenant_groups"),
                           QStringLiteral("tokens"), QStringLiteral("model_configs"),
                           QStringLiteral("options"), QStringLiteral("channel_tests")};

QList<QPair<QString, qint64>> migrationRows(QSqlDatabase db)
{
    QList<QPair<QString, qint64>> rows;
    QSqlQuery query(db);
    if (!query.exec(QStringLiteral("SELECT component, version, applied_at FROM schema_migrations "
                                   "ORDER BY component, version")))
        return rows;
    while (query.next())
        rows.append({query.value(0).toString() + QLatin1Char('/') + query.value(1).toString(),
                     query.value(2).toLongLong()});
    return rows;
}

DatabaseSpec sqliteSpec(const QString &path)
{
    DatabaseSpec spec;
    spec.dialect = DatabaseSpec::Dialect::Sqlite;
    spec.sqlitePath = path;
    return spec;
}

} // namespace

class TestMigrations : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void createsTablesAndIsIdempotent()
    {
        QTemporaryDir dir;
        const QString path =
            dir.filePath(QStringLiteral("nested/aiproxy.db")); // Parent is created.
        Database first(sqliteSpec(path), QStringLiteral("mig-first"));
        QString error;
        QVERIFY2(first.open({Database::Schema::Main, Database::Schema::Log}, &error),
                 qPrintable(error));
        const QStringList tables = first.connection().tables();
        for (const QString &table :
             kMainTables + QStringList{QStringLiteral("logs"), QStringLiteral("schema_migrations")})
            QVERIFY2(tables.contains(table), qPrintable(table));

        const int mainScripts =
            int(Database::migrationScripts(Database::Schema::Main, DatabaseSpec::Dialect::Sqlite)
                    .size());
        const int logScripts =
            int(Database::migrationScripts(Database::Schema::Log, DatabaseSpec::Dialect::Sqlite)
                    .size());
        QVERIFY(mainScripts >= 1);
        QVERIFY(logScripts >= 1);
        QCOMPARE(first.schemaVersion(Database::Schema::Main), mainScripts);
        QCOMPARE(first.schemaVersion(Database::Schema::Log), logScripts);
        const auto rowsAfterFirst = migrationRows(first.connection());
        QCOMPARE(rowsAfterFirst.size(), mainScripts + logScripts);

        QSqlQuery insert(first.connection());
        QVERIFY2(insert.exec(QStringLiteral(
                     "INSERT INTO channels (type, name, key) VALUES (1, 'kept', 'k')")),
                 qPrintable(insert.lastError().text()));

        // A second open (as at the next start) applies nothing and keeps the data.
        Database second(sqliteSpec(path), QStringLiteral("mig-second"));
        QVERIFY2(second.open({Database::Schema::Main, Database::Schema::Log}, &error),
                 qPrintable(error));
        QCOMPARE(migrationRows(second.connection()), rowsAfterFirst);
        QCOMPARE(second.schemaVersion(Database::Schema::Main), mainScripts);
        QSqlQuery count(second.connection());
        QVERIFY(count.exec(QStringLiteral("SELECT name FROM channels")));
        QVERIFY(count.next());
        QCOMPARE(count.value(0).toString(), QStringLiteral("kept"));
        QVERIFY(!count.next());
    }

    void sameNameOnAnotherFileUsesThatFile()
    {
        // A process that restarts its gateway (tests, the desktop app) creates a new "main"
        // Database on the same thread; it must talk to its own file, not the previous one's.
        QTemporaryDir dir;
        QString error;
        {
            Database first(sqliteSpec(dir.filePath(QStringLiteral("first.db"))),
                           QStringLiteral("mig-restart"));
            QVERIFY2(first.open({Database::Schema::Main}, &error), qPrintable(error));
        }
        Database second(sqliteSpec(dir.filePath(QStringLiteral("second.db"))),
                        QStringLiteral("mig-restart"));
        QVERIFY2(second.open({Database::Schema::Main}, &error), qPrintable(error));
        QCOMPARE(second.connection().databaseName(), dir.filePath(QStringLiteral("second.db")));
    }

    void schemasAreIndependent()
    {
        QTemporaryDir dir;
        Database main(sqliteSpec(dir.filePath(QStringLiteral("main.db"))),
                      QStringLiteral("mig-main-only"));
        QString error;
        QVERIFY2(main.open({Database::Schema::Main}, &error), qPrintable(error));
        QVERIFY(main.connection().tables().contains(QStringLiteral("tokens")));
        QVERIFY(!main.connection().tables().contains(QStringLiteral("logs")));
        QCOMPARE(main.schemaVersion(Database::Schema::Log), 0);
        // Adding the log schema later applies only its migrations.
        QVERIFY2(main.open({Database::Schema::Main, Database::Schema::Log}, &error),
                 qPrintable(error));
        QVERIFY(main.connection().tables().contains(QStringLiteral("logs")));
        QVERIFY(main.schemaVersion(Database::Schema::Log) >= 1);
    }

    void schemaVersionWithoutBookkeeping()
    {
        QTemporaryDir dir;
        Database empty(sqliteSpec(dir.filePath(QStringLiteral("empty.db"))),
                       QStringLiteral("mig-empty"));
        QVERIFY(empty.connection().isOpen());
        QCOMPARE(empty.schemaVersion(Database::Schema::Main), 0);
    }

    void openFailureIsReported()
    {
        QTemporaryDir dir;
        // The path is a directory: SQLite cannot open it.
        Database broken(sqliteSpec(dir.path()), QStringLiteral("mig-broken"));
        QString error;
        QVERIFY(!broken.open({Database::Schema::Main}, &error));
        QVERIFY2(error.contains(QStringLiteral("main")) || error.contains(dir.path()),
                 qPrintable(error));
    }

    void dialectPlaceholders()
    {
        for (Database::Schema schema : {Database::Schema::Main, Database::Schema::Log}) {
            const QString sqlite =
                Database::migrationScripts(schema, DatabaseSpec::Dialect::Sqlite).join('\n');
            const QString postgres =
                Database::migrationScripts(schema, DatabaseSpec::Dialect::Postgres).join('\n');
            QVERIFY(!sqlite.contains(QStringLiteral("{{")));
            QVERIFY(!postgres.contains(QStringLiteral("{{")));
            QVERIFY(sqlite.contains(QStringLiteral("INTEGER PRIMARY KEY AUTOINCREMENT")));
            QVERIFY(!sqlite.contains(QStringLiteral("BIGSERIAL")));
            QVERIFY(postgres.contains(QStringLiteral("BIGSERIAL PRIMARY KEY")));
            QVERIFY(!postgres.contains(QStringLiteral("AUTOINCREMENT")));
        }
        QVERIFY(Database::migrationScripts(Database::Schema::Main, DatabaseSpec::Dialect::Postgres)
                    .join('\n')
                    .contains(QStringLiteral("DOUBLE PRECISION")));
    }

    void postgres()
    {
        // TestGateway opens (and migrates) a fresh schema of the server, dropped at stop().
        const QString dsn = TestGateway::postgresDsnFromEnvironment();
        if (dsn.isEmpty())
            QSKIP("AIPROXY_TEST_PG_DSN is not set");
        TestGateway gateway;
        TestGateway::Options options;
        options.postgresDsn = dsn;
        QString error;
        QVERIFY2(gateway.start(options, &error), qPrintable(error));
        Database *first = gateway.core()->mainDatabase();
        QCOMPARE(first->dialect(), DatabaseSpec::Dialect::Postgres);
        const auto rows = migrationRows(first->connection());
        QCOMPARE(
            first->schemaVersion(Database::Schema::Main),
            int(Database::migrationScripts(Database::Schema::Main, DatabaseSpec::Dialect::Postgres)
                    .size()));
        QCOMPARE(rows.size(), first->schemaVersion(Database::Schema::Main) +
                                  first->schemaVersion(Database::Schema::Log));
        // QPSQL's tables() qualifies names outside "public"; ask the catalog for our schema.
        QStringList tables;
        QSqlQuery query(first->connection());
        QVERIFY(query.exec(QStringLiteral("SELECT table_name FROM information_schema.tables WHERE "
                                          "table_schema = current_schema()")));
        while (query.next())
            tables << query.value(0).toString();
        for (const QString &table : kMainTables + QStringList{QStringLiteral("logs")})
            QVERIFY2(tables.contains(table), qPrintable(table));
        // Opening it again (another instance, as at the next start) applies nothing.
        Database second(first->spec(), QStringLiteral("mig-pg-second"));
        QVERIFY2(second.open({Database::Schema::Main, Database::Schema::Log}, &error),
                 qPrintable(error));
        QCOMPARE(migrationRows(second.connection()), rows);
    }
};

QTEST_GUILESS_MAIN(TestMigrations)
#include "tst_migrations.moc"
