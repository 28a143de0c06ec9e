// AdminService: channel tests.
#include "adminservice.h"
#include "routing/channeltester.h"
#include "storage/channelrepository.h"

namespace {

/// aiproxy's ChannelTest JSON, the answer of a successful test blanked unless asked for.
QJsonObject testJson(ChannelTestResult result, const AdminService::ChannelTestOptions &options)
{
    if (result.success && !options.successBody)
        result.response.clear();
    return result.toJson();
}

/// aiproxy's list of TestResult {success, message, data}: failed tests always, successful ones
/// with options.returnSuccess; pairs that cannot be tested are left out.
QJsonArray testList(const QList<ChannelTestResult> &results,
                    const AdminService::ChannelTestOptions &options)
{
    QJsonArray list;
    for (const ChannelTestResult &result : results) {
        if (!result.refused.isEmpty() || (result.success && !options.returnSuccess))
            continue;
        list.append(QJsonObject{{QStringLiteral("success"), true},
                                {QStringLiteral("message"), QString()},
                                {QStringLiteral("data"), testJson(result, options)}});
    }
    return list;
}

QList<ChannelTester::Pair> pairsOf(const Channel &channel)
{
    QList<ChannelTester::Pair> pairs;
    for (const QString &model : channel.models)
        pairs.append({channel, model});
    return pairs;
}

} // namespace

ChannelTester *AdminService::channelTester()
{
    if (!m_tester)
        m_tester = new ChannelTester(m_config, m_snapshots, m_main, this);
    return m_tester;
}

std::optional<Channel> AdminService::loadChannel(qint64 id, Result *failure)
{
    ChannelRepository repository(*m_main);
    std::optional<Channel> channel = repository.find(id);
    if (repository.hasError())
        *failure = storageError(repository);
    else if (!channel)
        *failure = Result::error(404, QStringLiteral("channel %1 not found").arg(id));
    return channel;
}

void AdminService::testChannelModel(qint64 id, const QString &model,
                                    const ChannelTestOptions &options, Done done)
{
    Result failure;
    const std::optional<Channel> channel = loadChannel(id, &failure);
    if (!channel)
        return done(failure);
    if (model.isEmpty())
        return done(Result::error(400, QStringLiteral("model is required")));
    if (!channel->models.contains(model))
        return done(Result::error(
            400, QStringLiteral("model %1 is not served by channel %2").arg(model).arg(id)));
    channelTester()->test(*channel, model,
                          [options, done = std::move(done)](const ChannelTestResult &result) {
                              if (!result.refused.isEmpty())
                                  return done(Result::error(400, result.refused));
                              done(Result::ok(testJson(result, options)));
                          });
}

void AdminService::testChannel(qint64 id, const ChannelTestOptions &options, Done done)
{
    Result failure;
    const std::optional<Channel> channel = loadChannel(id, &failure);
    if (!channel)
        return done(failure);
    if (channel->models.isEmpty())
        return done(Result::error(
            400, QStringLiteral("channel %1 lists no models: there is nothing to test").arg(id)));
    channelTester()->testMany(
        pairsOf(*channel), kChannelTestConcurrency,
        [options, done = std::move(done)](const QList<ChannelTestResult> &results) {
            done(Result::ok(testList(results, options)));
        });
}

void AdminService::testAllChannels(const ChannelTestOptions &options, Done done)
{
    ChannelRepository repository(*m_main);
    const QList<Channel> channels = repository.all();
    if (repository.hasError())
        return done(storageError(repository));
    QList<ChannelTester::Pair> pairs;
    for (const Channel &channel : channels) {
        if (channel.status == Channel::Enabled || options.testDisabled)
            pairs += pairsOf(channel);
    }
    channelTester()->testMany(
        pairs, kChannelTestConcurrency,
        [options, done = std::move(done)](const QList<ChannelTestResult> &results) {
            done(Result::ok(testList(results, options)));
        });
}
