#pragma once

#include "model/channel.h"
#include "model/channeltestresult.h"
#include "relay/relaycontext.h"

#include <QObject>

#include <functional>
#include <utility>

class CurlMulti;
class Database;
class SnapshotStore;
struct GatewayConfig;

/// Tests (channel, model) pairs with a minimal real request, independent of the HTTP routes.
///
/// The request is what aiproxy's channel test sends for the model's mode (model config type,
/// else guessed from the name: "embed" → embeddings, "rerank" → rerank, otherwise chat), in
/// OpenAI form, converted through the channel's adaptor exactly as the relay converts it
/// (model mapping, the adaptor's credential pre-flight, fromOpenAIRequest()) and sent without
/// streaming. A test succeeds on a 2xx answer that parses (JSON without an `error` member;
/// speech: any bytes). Each test is stored in `channel_tests` (replacing the pair's previous
/// row) before it is reported.
///
/// Threading: lives on one thread with an event loop (the admin thread) and is used only
/// there; it has its own CurlMulti. Every callback runs on that thread.
class ChannelTester : public QObject
{
    Q_OBJECT
public:
    using Done = std::function<void(const ChannelTestResult &result)>;
    using Pair = std::pair<Channel, QString>;

    /// The answer text kept in a result, in characters.
    static constexpr qsizetype kMaxResponseChars = 4096;

    /// \a snapshots gives the model configs (modes); \a mainDb, when set, stores the results.
    ChannelTester(const GatewayConfig &config, SnapshotStore *snapshots, Database *mainDb,
                  QObject *parent = nullptr);
    ~ChannelTester() override;

    /// Tests \a model (as \a channel lists it) on \a channel and calls \a done once, on this
    /// thread: later, or at once when the pair cannot be tested (result.refused set, nothing
    /// sent, nothing stored). Fails after the configured timeout (CHANNEL_TEST_TIMEOUT).
    void test(const Channel &channel, const QString &model, Done done);
    /// Tests every pair, at most \a concurrency at a time; \a done gets the results in the
    /// order of \a pairs.
    void testMany(const QList<Pair> &pairs, int concurrency,
                  std::function<void(const QList<ChannelTestResult> &results)> done);

    /// The mode a test of \a model sends: \a configType (the model config's type) when set,
    /// else guessed from the name.
    static RelayMode modelMode(const QString &model, int configType);

private:
    struct Run;
    void fetchCredential(const std::shared_ptr<Run> &run);
    void send(const std::shared_ptr<Run> &run);
    /// Completes \a run once (later calls are ignored): stores and reports the result.
    void finish(const std::shared_ptr<Run> &run, int code, const QByteArray &body,
                const QString &error);

    const GatewayConfig &m_config;
    SnapshotStore *m_snapshots;
    Database *m_db;
    CurlMulti *m_curl;
};
