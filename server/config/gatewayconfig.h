#pragma once

#include <QHash>
#include <QHostAddress>
#include <QString>
#include <QStringList>

/// Typed startup configuration. Built by ConfigLoader from (lowest to highest precedence)
/// .env files, the process environment and command-line flags; immutable once the core runs.
struct GatewayConfig
{
    QHostAddress listenAddress = QHostAddress::Any;
    quint16 listenPort = 3000;
    QString adminKey;
    bool adminKeyGenerated = false; ///< True when the key was generated at this start.
    QString dataDir;
    QString sqlDsn;
    QString logSqlDsn;
    QString sqlitePath = QStringLiteral("aiproxy.db");
    int sqliteBusyTimeoutMs = 3000;
    bool disableModelConfig = false;
    bool disableServe = false;
    int workerThreads = 0; ///< 0: one per core.
    qint64 maxRequestBodyBytes = 64ll * 1024 * 1024;
    int idleTimeoutSec = 120;
    int headerTimeoutSec = 30;
    int shutdownTimeoutSec = 30;
    int upstreamConnectTimeoutSec = 10;
    int parsePdfTimeoutSec = 600;      ///< Longest a PDF parse may take, upload and polling.
    int parsePdfPollIntervalMs = 1000; ///< Pause between a parse's status polls.
    int logFlushIntervalMs = 250;
    int logBatchSize = 500;
    int logMaxPending = 200000;
    int configReloadSec = 10;
    int retryTimes = 2;         ///< Retries after a failed attempt (a model's retry_times wins).
    bool autoBan = true;        ///< Ban pairs whose error rate reaches autoBanRate.
    double autoBanRate = 0.75;  ///< A channel's max_error_rate > 0 wins.
    double warnErrorRate = 0.5; ///< A channel's warn_error_rate > 0 wins.
    int autoBanDurationSec = 300;
    int retestIntervalSec = 30;
    int streamIdleTimeoutSec = 120; ///< Longest gap between a stream's chunks.
    int channelTestTimeoutSec = 60;     ///< Longest a channel test or balance query may take.
    int channelBalanceRefreshSec = 600; ///< Balance refresh period; 0 disables it.

    /// Resolved SQLite file (sqlitePath made absolute against dataDir).
    QString resolvedSqlitePath() const;
    int effectiveWorkerThreads() const;
};

/// Reads settings. Every problem is collected so the operator sees all of them at once.
class ConfigLoader
{
public:
    struct Result
    {
        GatewayConfig config;
        QStringList errors;
        bool showHelp = false;
        bool showVersion = false;
        QString helpText;
    };

    /// \a arguments includes argv[0]. \a environment is the process environment.
    static Result load(const QStringList &arguments, const QHash<QString, QString> &environment);

    /// KEY=VALUE lines; '#' comments, optional "export ", single or double quotes.
    static QHash<QString, QString> parseEnvFile(const QByteArray &contents);

    /// LISTEN syntax: ":3000", "3000", "0.0.0.0:3000", "[::1]:3000", "localhost:0".
    static bool parseListen(const QString &text, QHostAddress *address, quint16 *port);

    /// Generates an admin key and stores it in <dataDir>/.env.aiproxy.local (mode 0600).
    static QString generateAndPersistAdminKey(const QString &dataDir, QString *error);

    /// The environment of this process as a hash.
    static QHash<QString, QString> processEnvironment();
};
