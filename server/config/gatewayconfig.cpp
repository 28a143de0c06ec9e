#include "gatewayconfig.h"

#include "model/token.h"

#include <QCommandLineParser>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcessEnvironment>
#include <QThread>

namespace {

struct Setting
{
    const char *env;
    const char *flag;
    const char *valueName;
    const char *help;
};

// One table drives flags, environment and .env files alike.
constexpr Setting kSettings[] = {
    {"LISTEN", "listen", "addr", "Listen address, e.g. :3000 or 127.0.0.1:3000 (LISTEN)."},
    {"ADMIN_KEY", "admin-key", "key",
     "Admin API key; generated and persisted when unset (ADMIN_KEY)."},
    {"DATA_DIR", "data-dir", "dir",
     "Directory for the SQLite file and generated secrets (DATA_DIR)."},
    {"SQL_DSN", "sql-dsn", "dsn",
     "Main database; postgres://… for PostgreSQL, empty for SQLite (SQL_DSN)."},
    {"LOG_SQL_DSN", "log-sql-dsn", "dsn", "Separate log database, same syntax (LOG_SQL_DSN)."},
    {"SQLITE_PATH", "sqlite-path", "file", "SQLite file, relative to the data dir (SQLITE_PATH)."},
    {"SQLITE_BUSY_TIMEOUT", "sqlite-busy-timeout", "ms",
     "SQLite busy timeout in ms (SQLITE_BUSY_TIMEOUT)."},
    {"DISABLE_MODEL_CONFIG", "disable-model-config", "bool",
     "Accept models without a model config (DISABLE_MODEL_CONFIG)."},
    {"DISABLE_SERVE", "disable-serve", "bool", "Answer relay requests with 503 (DISABLE_SERVE)."},
    {"WORKER_THREADS", "workers", "n", "HTTP worker threads, 0 = one per core (WORKER_THREADS)."},
    {"MAX_REQUEST_BODY_SIZE", "max-body-size", "bytes",
     "Largest accepted request body (MAX_REQUEST_BODY_SIZE)."},
    {"IDLE_TIMEOUT", "idle-timeout", "s",
     "Close idle keep-alive connections after this (IDLE_TIMEOUT)."},
    {"HEADER_TIMEOUT", "header-timeout", "s",
     "Time allowed to send a request's headers and body (HEADER_TIMEOUT)."},
    {"SHUTDOWN_TIMEOUT", "shutdown-timeout", "s",
     "Drain deadline for in-flight requests on SIGTERM (SHUTDOWN_TIMEOUT)."},
    {"UPSTREAM_CONNECT_TIMEOUT", "upstream-connect-timeout", "s",
     "Upstream connect timeout (UPSTREAM_CONNECT_TIMEOUT)."},
    {"PARSE_PDF_TIMEOUT", "parse-pdf-timeout", "s",
     "Longest a /v1/parse/pdf request may wait for its provider (PARSE_PDF_TIMEOUT)."},
    {"LOG_FLUSH_INTERVAL_MS", "log-flush-interval", "ms",
     "Log writer batch interval (LOG_FLUSH_INTERVAL_MS)."},
    {"LOG_BATCH_SIZE", "log-batch-size", "rows",
     "Rows that trigger an early log flush (LOG_BATCH_SIZE)."},
    {"CONFIG_RELOAD_INTERVAL", "config-reload-interval", "s",
     "Reload channels/tokens from the database every N s (CONFIG_RELOAD_INTERVAL)."},
    {"RETRY_TIMES", "retry-times", "n",
     "Retries of a failed request on other channels; a model's retry_times wins (RETRY_TIMES)."},
    {"ENABLE_MODEL_ERROR_AUTO_BAN", "auto-ban", "bool",
     "Ban a (channel, model) pair whose error rate reaches the ban rate "
     "(ENABLE_MODEL_ERROR_AUTO_BAN)."},
    {"MODEL_ERROR_AUTO_BAN_RATE", "auto-ban-rate", "0-1",
     "Error rate that bans a pair; a channel's max_error_rate wins (MODEL_ERROR_AUTO_BAN_RATE)."},
    {"DEFAULT_WARN_NOTIFY_ERROR_RATE", "warn-error-rate", "0-1",
     "Error rate that raises a warning; a channel's warn_error_rate wins "
     "(DEFAULT_WARN_NOTIFY_ERROR_RATE)."},
    {"AUTO_BAN_DURATION", "auto-ban-duration", "s",
     "Length of a ban, renewed by each failed re-test (AUTO_BAN_DURATION)."},
    {"STREAM_IDLE_TIMEOUT", "stream-idle-timeout", "s",
     "Cut a stream whose upstream sends nothing for this long; a model's timeout_config.idle "
     "wins (STREAM_IDLE_TIMEOUT)."},
    {"BANNED_RETEST_INTERVAL", "retest-interval", "s",
     "Re-test banned pairs this often (BANNED_RETEST_INTERVAL)."},
    {"CHANNEL_TEST_TIMEOUT", "channel-test-timeout", "s",
     "Longest a channel test or balance query may take (CHANNEL_TEST_TIMEOUT)."},
    {"CHANNEL_BALANCE_REFRESH_SEC", "channel-balance-refresh", "s",
     "Refresh the balances of channels with auto balance check every N s, 0 = never "
     "(CHANNEL_BALANCE_REFRESH_SEC)."},
};

bool parseBool(const QString &text, bool *ok)
{
    const QString t = text.trimmed().toLower();
    *ok = true;
    if (t == QLatin1String("1") || t == QLatin1String("true") || t == QLatin1String("yes") ||
        t == QLatin1String("on"))
        return true;
    if (t.isEmpty() || t == QLatin1String("0") || t == QLatin1String("false") ||
        t == QLatin1String("no") || t == QLatin1String("off"))
        return false;
    *ok = false;
    return false;
}

} // namespace

QString GatewayConfig::resolvedSqlitePath() const
{
    if (QFileInfo(sqlitePath).isAbsolute())
        return sqlitePath;
    return QDir(dataDir).absoluteFilePath(sqlitePath);
}

int GatewayConfig::effectiveWorkerThreads() const
{
    return workerThreads > 0 ? workerThreads : qMax(1, QThread::idealThreadCount());
}

QHash<QString, QString> ConfigLoader::parseEnvFile(const QByteArray &contents)
{
    QHash<QString, QString> values;
    for (QByteArray line : contents.split('\n')) {
        line = line.trimmed();
        if (line.isEmpty() || line.startsWith('#'))
            continue;
        if (line.startsWith("export "))
            line = line.mid(7).trimmed();
        const int eq = line.indexOf('=');
        if (eq <= 0)
            continue;
        const QString key = QString::fromUtf8(line.left(eq).trimmed());
        QByteArray value = line.mid(eq + 1).trimmed();
        if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
            value.back() == value.front())
            value = value.mid(1, value.size() - 2);
        else if (const int hash = value.indexOf(" #"); hash >= 0)
            value = value.left(hash).trimmed();
        values.insert(key, QString::fromUtf8(value));
    }
    return values;
}

bool ConfigLoader::parseListen(const QString &text, QHostAddress *address, quint16 *port)
{
    QString host;
    QString portText = text.trimmed();
    if (portText.startsWith(QLatin1Char('['))) {
        const int close = portText.indexOf(QLatin1String("]:"));
        if (close < 0)
            return false;
        host = portText.mid(1, close - 1);
        portText = portText.mid(close + 2);
    } else if (const int colon = portText.lastIndexOf(QLatin1Char(':')); colon >= 0) {
        host = portText.left(colon);
        portText = portText.mid(colon + 1);
    }
    bool ok = false;
    const uint value = portText.toUInt(&ok);
    if (!ok || value > 65535)
        return false;
    *port = quint16(value);
    if (host.isEmpty() || host == QLatin1String("0.0.0.0")) {
        *address =
            host.isEmpty() ? QHostAddress(QHostAddress::Any) : QHostAddress(QHostAddress::AnyIPv4);
        return true;
    }
    if (host == QLatin1String("localhost")) {
        *address = QHostAddress(QHostAddress::LocalHost);
        return true;
    }
    return address->setAddress(host);
}

QString ConfigLoader::generateAndPersistAdminKey(const QString &dataDir, QString *error)
{
    const QString key = Token::generateKey();
    QDir().mkpath(dataDir);
    QFile file(QDir(dataDir).filePath(QStringLiteral(".env.aiproxy.local")));
    if (!file.open(QIODevice::Append | QIODevice::Text)) {
        if (error)
            *error = QStringLiteral("cannot persist the generated ADMIN_KEY to %1: %2")
                         .arg(file.fileName(), file.errorString());
        return key;
    }
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    file.write("ADMIN_KEY=" + key.toUtf8() + "\n");
    return key;
}

QHash<QString, QString> ConfigLoader::processEnvironment()
{
    QHash<QString, QString> env;
    const QProcessEnvironment system = QProcessEnvironment::systemEnvironment();
    for (const QString &key : system.keys())
        env.insert(key, system.value(key));
    return env;
}

ConfigLoader::Result ConfigLoader::load(const QStringList &arguments,
                                        const QHash<QString, QString> &environment)
{
    Result result;
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "AI Proxy gateway service. Every flag can also be set through the environment variable "
        "named in its description, or in a .env file in the working or data directory."));
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    const QCommandLineOption helpOption({QStringLiteral("h"), QStringLiteral("help")},
                                        QStringLiteral("Show this help and exit."));
    const QCommandLineOption versionOption({QStringLiteral("v"), QStringLiteral("version")},
                                           QStringLiteral("Show the version and exit."));
    const QCommandLineOption envFileOption(QStringLiteral("env-file"),
                                           QStringLiteral("Read settings from this .env file."),
                                           QStringLiteral("file"));
    parser.addOption(helpOption);
    parser.addOption(versionOption);
    parser.addOption(envFileOption);
    for (const Setting &s : kSettings)
        parser.addOption(QCommandLineOption(QLatin1String(s.flag), QLatin1String(s.help),
                                            QLatin1String(s.valueName)));
    result.helpText = parser.helpText();
    if (!parser.parse(arguments)) {
        result.errors << parser.errorText();
        return result;
    }
    if (!parser.positionalArguments().isEmpty())
        result.errors
            << QStringLiteral("unexpected argument: %1").arg(parser.positionalArguments().first());
    result.showHelp = parser.isSet(helpOption);
    result.showVersion = parser.isSet(versionOption);

    // .env files (lowest), then the environment, then flags.
    QHash<QString, QString> values;
    QStringList envFiles = {QStringLiteral(".env"), QStringLiteral(".env.local"),
                            QStringLiteral(".env.aiproxy.local")};
    const QString dataDirHint = parser.isSet(QStringLiteral("data-dir"))
                                    ? parser.value(QStringLiteral("data-dir"))
                                    : environment.value(QStringLiteral("DATA_DIR"));
    if (!dataDirHint.isEmpty() && QDir(dataDirHint).absolutePath() != QDir::currentPath())
        envFiles << QDir(dataDirHint).filePath(QStringLiteral(".env.aiproxy.local"));
    if (parser.isSet(envFileOption)) {
        const QString explicitFile = parser.value(envFileOption);
        if (!QFileInfo::exists(explicitFile))
            result.errors << QStringLiteral("--env-file: %1 does not exist").arg(explicitFile);
        envFiles << explicitFile;
    }
    for (const QString &path : std::as_const(envFiles)) {
        QFile file(path);
        if (file.open(QIODevice::ReadOnly)) {
            const auto parsed = parseEnvFile(file.readAll());
            for (auto it = parsed.begin(); it != parsed.end(); ++it)
                values.insert(it.key(), it.value());
        }
    }
    for (const Setting &s : kSettings) {
        const QString key = QLatin1String(s.env);
        if (environment.contains(key))
            values.insert(key, environment.value(key));
        if (parser.isSet(QLatin1String(s.flag)))
            values.insert(key, parser.value(QLatin1String(s.flag)));
    }

    GatewayConfig &c = result.config;
    QStringList &errors = result.errors;
    const auto text = [&](const char *key) { return values.value(QLatin1String(key)).trimmed(); };
    const auto integer = [&](const char *key, auto *target, qint64 minimum, qint64 maximum) {
        const QString v = text(key);
        if (v.isEmpty())
            return;
        bool ok = false;
        const qint64 parsed = v.toLongLong(&ok);
        if (!ok || parsed < minimum || parsed > maximum)
            errors << QStringLiteral("%1: '%2' is not a whole number from %3 to %4")
                          .arg(QLatin1String(key), v)
                          .arg(minimum)
                          .arg(maximum);
        else
            *target = static_cast<std::remove_pointer_t<decltype(target)>>(parsed);
    };
    const auto fraction = [&](const char *key, double *target) {
        const QString v = text(key);
        if (v.isEmpty())
            return;
        bool ok = false;
        const double parsed = v.toDouble(&ok);
        if (!ok || parsed < 0 || parsed > 1)
            errors << QStringLiteral("%1: '%2' is not a number from 0 to 1")
                          .arg(QLatin1String(key), v);
        else
            *target = parsed;
    };
    const auto boolean = [&](const char *key, bool *target) {
        if (text(key).isEmpty())
            return; // Unset: the default stays.
        bool ok = true;
        const bool parsed = parseBool(text(key), &ok);
        if (!ok)
            errors
                << QStringLiteral("%1: '%2' is not a boolean").arg(QLatin1String(key), text(key));
        else
            *target = parsed;
    };

    if (const QString listen = text("LISTEN");
        !listen.isEmpty() && !parseListen(listen, &c.listenAddress, &c.listenPort))
        errors << QStringLiteral("LISTEN: '%1' is not an address like :3000 or 127.0.0.1:3000")
                      .arg(listen);
    c.adminKey = text("ADMIN_KEY");
    c.dataDir =
        QDir(text("DATA_DIR").isEmpty() ? QDir::currentPath() : text("DATA_DIR")).absolutePath();
    c.sqlDsn = text("SQL_DSN");
    c.logSqlDsn = text("LOG_SQL_DSN");
    if (!text("SQLITE_PATH").isEmpty())
        c.sqlitePath = text("SQLITE_PATH");
    for (const char *key : {"SQL_DSN", "LOG_SQL_DSN"}) {
        const QString dsn = text(key);
        if (!dsn.isEmpty() && !dsn.startsWith(QLatin1String("postgres://")) &&
            !dsn.startsWith(QLatin1String("postgresql://")))
            errors << QStringLiteral("%1: only postgres:// or postgresql:// DSNs are supported "
                                     "(leave it empty for SQLite)")
                          .arg(QLatin1String(key));
    }
    integer("SQLITE_BUSY_TIMEOUT", &c.sqliteBusyTimeoutMs, 0, 600000);
    boolean("DISABLE_MODEL_CONFIG", &c.disableModelConfig);
    boolean("DISABLE_SERVE", &c.disableServe);
    integer("WORKER_THREADS", &c.workerThreads, 0, 256);
    integer("MAX_REQUEST_BODY_SIZE", &c.maxRequestBodyBytes, 1024, 4ll * 1024 * 1024 * 1024);
    integer("IDLE_TIMEOUT", &c.idleTimeoutSec, 1, 86400);
    integer("HEADER_TIMEOUT", &c.headerTimeoutSec, 1, 3600);
    integer("SHUTDOWN_TIMEOUT", &c.shutdownTimeoutSec, 0, 3600);
    integer("UPSTREAM_CONNECT_TIMEOUT", &c.upstreamConnectTimeoutSec, 1, 600);
    integer("PARSE_PDF_TIMEOUT", &c.parsePdfTimeoutSec, 1, 86400);
    integer("LOG_FLUSH_INTERVAL_MS", &c.logFlushIntervalMs, 10, 60000);
    integer("LOG_BATCH_SIZE", &c.logBatchSize, 1, 100000);
    integer("CONFIG_RELOAD_INTERVAL", &c.configReloadSec, 1, 3600);
    integer("RETRY_TIMES", &c.retryTimes, 0, 10);
    boolean("ENABLE_MODEL_ERROR_AUTO_BAN", &c.autoBan);
    fraction("MODEL_ERROR_AUTO_BAN_RATE", &c.autoBanRate);
    fraction("DEFAULT_WARN_NOTIFY_ERROR_RATE", &c.warnErrorRate);
    integer("AUTO_BAN_DURATION", &c.autoBanDurationSec, 1, 86400);
    integer("STREAM_IDLE_TIMEOUT", &c.streamIdleTimeoutSec, 1, 86400);
    integer("BANNED_RETEST_INTERVAL", &c.retestIntervalSec, 1, 86400);
    integer("CHANNEL_TEST_TIMEOUT", &c.channelTestTimeoutSec, 1, 3600);
    integer("CHANNEL_BALANCE_REFRESH_SEC", &c.channelBalanceRefreshSec, 0, 7 * 86400);
    if (c.adminKey.isEmpty() == false && c.adminKey.size() < 8)
        errors << QStringLiteral("ADMIN_KEY: must be at least 8 characters");
    return result;
}
