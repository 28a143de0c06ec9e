#pragma once

#include "model/channel.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>

#include <functional>
#include <optional>

class BanRetester;
class ChannelBalancer;
class ChannelTester;
class Database;
class LogWriter;
class Repository;
class SnapshotStore;
struct RelayState;
struct ChannelFilter;
struct GatewayConfig;
struct GroupFilter;
struct LogFilter;
struct ModelConfig;
struct ModelConfigFilter;
struct PageRequest;
struct TokenFilter;

/// The admin use cases, shared by the HTTP admin API and the desktop UI.
///
/// Threading: lives on the gateway's admin thread and is only called there (HTTP routes reach
/// it through replyFromThread()). It owns all writes to the main database; after each change
/// to channels, groups, tokens or model configs it rebuilds the configuration snapshot, so the
/// request threads see the change immediately.
///
/// Use cases take already-decoded JSON (bodies) or typed filters (query strings) and return a
/// Result: 400 names the offending field, 404 an unknown id, 409 a conflict, 500 a storage
/// failure. Secrets (keys) are returned only where the contract says so and never logged.
/// The members are implemented in one file per area (channeladmin.cpp, groupadmin.cpp, ...).
class AdminService : public QObject
{
    Q_OBJECT
public:
    /// Result of a use case: \a status is the HTTP status, \a data the envelope's data.
    struct Result
    {
        int status = 200;
        QString message;
        QJsonValue data;
        static Result ok(QJsonValue data = QJsonValue())
        {
            return {200, QString(), std::move(data)};
        }
        static Result error(int status, QString message)
        {
            return {status, std::move(message), QJsonValue()};
        }
        bool isOk() const { return status >= 200 && status < 300; }
    };
    /// Completion of an asynchronous use case (one that waits for upstreams): called exactly
    /// once, on the admin thread, possibly before the use case returns.
    using Done = std::function<void(const Result &result)>;

    /// Options of the channel test endpoints (aiproxy's query flags).
    struct ChannelTestOptions
    {
        bool successBody = false;   ///< Keep the answer of successful tests (else blanked).
        bool returnSuccess = false; ///< Lists of tests include the successful ones too.
        bool testDisabled = false;  ///< Testing all channels includes disabled ones.
    };

    AdminService(const GatewayConfig &config, Database *mainDb, Database *logDb, LogWriter *logs,
                 SnapshotStore *snapshots, RelayState *relayState, QObject *parent = nullptr);

    /// Rebuilds the snapshot from the database. Returns false (keeping the old one) on error.
    bool reloadSnapshot(QString *error = nullptr);

    Database *mainDatabase() const { return m_main; }
    Database *logDatabase() const { return m_log; }
    LogWriter *logWriter() const { return m_logs; }
    /// Error rates, bans and routing events shared with the relay (thread-safe).
    RelayState *relayState() const { return m_relayState; }
    const GatewayConfig &config() const { return m_config; }

    // Channels. Single reads show the full key; lists mask it.
    Result channel(qint64 id);
    Result listChannels(const ChannelFilter &filter, const PageRequest &page);
    Result allChannels();
    Result createChannel(const QJsonObject &body);
    /// All or nothing: any invalid element fails the whole batch (400 naming its index).
    Result createChannels(const QJsonArray &body);
    Result updateChannel(qint64 id, const QJsonObject &body);
    Result deleteChannel(qint64 id);
    Result deleteChannels(const QList<qint64> &ids);
    /// Type id → {name, defaultBaseUrl} of the channel types the relay can serve.
    Result channelTypeMetas();

    // Channel tests (channeltestadmin.cpp): a real minimal request per model, stored in
    // channel_tests. A single test answers aiproxy's ChannelTest; lists answer aiproxy's
    // [{success, message, data}], failures only unless options.returnSuccess, models that
    // cannot be tested left out.
    void testChannelModel(qint64 id, const QString &model, const ChannelTestOptions &options,
                          Done done);
    void testChannel(qint64 id, const ChannelTestOptions &options, Done done);
    /// Every model of every enabled channel (all channels with options.testDisabled), at most
    /// kChannelTestConcurrency at a time.
    void testAllChannels(const ChannelTestOptions &options, Done done);
    static constexpr int kChannelTestConcurrency = 5;
    /// The tester of this service (created on first use; call on the admin thread). Results of
    /// its tests are stored in channel_tests.
    ChannelTester *channelTester();

    // Channel balances (channelbalanceadmin.cpp): fetched from the provider, stored on the
    // channel (balance, balance_updated_at); a balance under the channel's balance_threshold
    // (> 0) publishes a "balance_low" routing event. data = the balance.
    void updateChannelBalance(qint64 id, Done done);
    /// Every enabled channel whose provider has a balance API: data = [{channel_id, success,
    /// balance, message}].
    void updateAllChannelBalances(Done done);
    /// The periodic refresh: enabled channels with enabled_auto_balance_check. \a done (may be
    /// empty) is called when all answered.
    void refreshAutoCheckedBalances(std::function<void()> done = {});
    static constexpr int kBalanceConcurrency = 10;

    /// Starts the periodic jobs (balance refresh every CHANNEL_BALANCE_REFRESH_SEC, re-tests of
    /// banned pairs every BANNED_RETEST_INTERVAL). Call once, on the admin thread.
    void startBackgroundJobs();

    // Channel health (monitoradmin.cpp), aiproxy's /api/monitor: error rates of the last
    // 120 s (0 below 10 requests), bans, and the routing events (ours).
    /// data = {"<channel id>": {"<model>": rate}}.
    Result errorRates();
    /// data = {"<model>": rate} of one channel.
    Result channelErrorRates(qint64 channelId);
    /// data = {"<model>": rate} over all channels.
    Result modelErrorRates();
    /// data = {"<model>": [channel ids banned for it]}.
    Result bannedChannels();
    /// Forgets error rates and lifts bans: all (\a channelId < 0), one channel's or one pair's.
    Result clearChannelHealth(qint64 channelId = -1, const QString &model = QString());
    /// data = the last \a limit routing events, newest first.
    Result routingEvents(int limit);
    /// The re-tester of banned pairs (created on first use; admin thread).
    BanRetester *banRetester();

    // Groups (tenants).
    Result group(const QString &id);
    Result listGroups(const GroupFilter &filter, const PageRequest &page);
    /// 409 when it exists.
    Result createGroup(const QString &id, const QJsonObject &body);
    Result updateGroup(const QString &id, const QJsonObject &body);
    /// Deleting a group deletes its tokens.
    Result deleteGroup(const QString &id);
    Result deleteGroups(const QStringList &ids);
    Result setGroupsStatus(const QStringList &ids, int status);

    // Tokens. A non-empty \a group restricts the use case to that group's tokens.
    /// Creates a token with a generated key; the response carries the full key. A missing group
    /// is 404 unless \a autoCreateGroup; a taken name is 409 unless \a ignoreExist, which
    /// returns the existing token instead.
    Result createToken(const QString &group, const QJsonObject &body, bool autoCreateGroup,
                       bool ignoreExist);
    Result token(qint64 id, const QString &group = {});
    Result listTokens(const TokenFilter &filter, const PageRequest &page);
    Result updateToken(qint64 id, const QString &group, const QJsonObject &body);
    Result deleteToken(qint64 id, const QString &group = {});
    Result deleteTokens(const QList<qint64> &ids, const QString &group = {});

    // Model configs.
    Result modelConfig(const QString &model);
    Result listModelConfigs(const ModelConfigFilter &filter, const PageRequest &page);
    Result allModelConfigs();
    Result modelConfigsContaining(const QStringList &models);
    /// Upserts (replaces) the config of \a model; \a model overrides the body's "model".
    Result saveModelConfig(const QString &model, const QJsonObject &body);
    /// Bulk upsert, all or nothing.
    Result saveModelConfigs(const QJsonArray &body);
    Result deleteModelConfig(const QString &model);
    Result deleteModelConfigs(const QStringList &models);

    // Logs (log database). Pending rows are flushed first so finished requests are visible.
    /// {logs, total, models, channels}.
    Result logs(const LogFilter &filter, const PageRequest &page);
    /// Restricted to \a group whatever \a filter says: {logs, total, models, channels,
    /// token_names}.
    Result groupLogs(const QString &group, const LogFilter &filter, const PageRequest &page);
    /// Deletes rows older than \a timestampMs; data = number deleted.
    Result deleteLogsBefore(qint64 timestampMs);

private:
    void startBalanceRefresh();
    /// 500 for a failed repository operation (the driver's text is logged, it holds no values).
    static Result storageError(const Repository &repository);
    /// ok(\a data) unless \a repository recorded an error.
    static Result okUnlessFailed(const Repository &repository, QJsonValue data);
    /// The result of a write that touched \a rows rows (-1 = failed): data = rows; the
    /// snapshot is reloaded when anything changed.
    Result writeResult(const Repository &repository, qint64 rows);
    /// ok(toJson(*found)), \a notFound without a row, or a storage error.
    template<typename Repo, typename T, typename ToJson>
    static Result foundOr(const Repo &repository, const std::optional<T> &found, ToJson toJson,
                          Result notFound)
    {
        if (repository.hasError())
            return storageError(repository);
        return found ? Result::ok(toJson(*found)) : std::move(notFound);
    }
    /// A single-row delete built on a batch one: 0 rows deleted becomes \a notFound.
    static Result requireOne(const Result &batch, Result notFound);
    /// Inserts \a channels in one transaction (setting their ids) and reloads the snapshot.
    Result insertChannels(QList<Channel> &channels);
    /// Upserts \a configs in one transaction and reloads the snapshot.
    Result upsertModelConfigs(QList<ModelConfig> &configs);
    /// Reloads the snapshot after a write (a failure is logged; the write stands).
    void changed();
    /// The channel with \a id, or a 404 / storage error in \a failure.
    std::optional<Channel> loadChannel(qint64 id, Result *failure);
    /// Fetches the balances of \a channels (all with a balance API), stores them, publishes
    /// low-balance events and reloads the snapshot once; \a done gets one entry per channel.
    void updateBalances(const QList<Channel> &channels, std::function<void(QJsonArray)> done);
    ChannelBalancer *channelBalancer();

    const GatewayConfig &m_config;
    Database *m_main;
    Database *m_log;
    LogWriter *m_logs;
    SnapshotStore *m_snapshots;
    RelayState *m_relayState;
    ChannelTester *m_tester = nullptr;     ///< Created on the admin thread, on first use.
    ChannelBalancer *m_balancer = nullptr; ///< Likewise.
    BanRetester *m_retester = nullptr;     ///< Likewise.
};
