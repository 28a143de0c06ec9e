// AdminService: channel use cases.
#include "adminjson.h"
#include "adminservice.h"
#include "gateway/providerpresets.h"
#include "storage/channelrepository.h"
#include "storage/channeltestrepository.h"

namespace {

QJsonObject fullJson(const Channel &channel)
{
    return channel.toJson(true);
}

QJsonObject maskedJson(const Channel &channel)
{
    return channel.toJson(false);
}

AdminService::Result notFound(qint64 id)
{
    return AdminService::Result::error(404, QStringLiteral("channel %1 not found").arg(id));
}

} // namespace

AdminService::Result AdminService::channel(qint64 id)
{
    ChannelRepository repository(*m_main);
    return foundOr(repository, repository.find(id), fullJson, notFound(id));
}

AdminService::Result AdminService::listChannels(const ChannelFilter &filter,
                                                const PageRequest &page)
{
    ChannelRepository repository(*m_main);
    const Page<Channel> channels = repository.list(filter, page);
    return okUnlessFailed(repository,
                          AdminJson::page(QStringLiteral("channels"), channels, maskedJson));
}

AdminService::Result AdminService::allChannels()
{
    ChannelRepository repository(*m_main);
    const QList<Channel> channels = repository.all();
    return okUnlessFailed(repository, AdminJson::array(channels, maskedJson));
}

AdminService::Result AdminService::createChannel(const QJsonObject &body)
{
    QList<Channel> channels(1);
    const QString error = channels.first().applyJson(body);
    if (!error.isEmpty())
        return Result::error(400, error);
    const Result stored = insertChannels(channels);
    return stored.isOk() ? Result::ok(fullJson(channels.first())) : stored;
}

AdminService::Result AdminService::createChannels(const QJsonArray &body)
{
    QList<Channel> channels;
    const QString error = AdminJson::decodeAll(body, QStringLiteral("channels"), &channels);
    if (!error.isEmpty())
        return Result::error(400, error);
    const Result stored = insertChannels(channels);
    return stored.isOk() ? Result::ok(AdminJson::array(channels, fullJson)) : stored;
}

AdminService::Result AdminService::insertChannels(QList<Channel> &channels)
{
    ChannelRepository repository(*m_main);
    const bool stored = repository.transaction([&] {
        for (Channel &channel : channels) {
            if (!repository.insert(channel))
                return false;
        }
        return true;
    });
    if (!stored)
        return storageError(repository);
    changed();
    return Result::ok();
}

AdminService::Result AdminService::updateChannel(qint64 id, const QJsonObject &body)
{
    ChannelRepository repository(*m_main);
    std::optional<Channel> channel = repository.find(id);
    if (repository.hasError())
        return storageError(repository);
    if (!channel)
        return notFound(id);
    const QString error = channel->applyJson(body);
    if (!error.isEmpty())
        return Result::error(400, error);
    if (!repository.update(*channel))
        return repository.hasError() ? storageError(repository) : notFound(id);
    changed();
    return Result::ok(fullJson(*channel));
}

AdminService::Result AdminService::deleteChannel(qint64 id)
{
    return requireOne(deleteChannels({id}), notFound(id));
}

AdminService::Result AdminService::deleteChannels(const QList<qint64> &ids)
{
    ChannelRepository repository(*m_main);
    ChannelTestRepository tests(*m_main);
    qint64 removed = -1;
    const bool committed = repository.transaction([&] {
        removed = repository.remove(ids);
        return removed >= 0 && tests.removeForChannels(ids) >= 0;
    });
    if (!committed)
        return storageError(tests.hasError() ? static_cast<const Repository &>(tests) : repository);
    return writeResult(repository, removed);
}

AdminService::Result AdminService::channelTypeMetas()
{
    QJsonObject metas;
    const auto &presets = ProviderPresets::instance().all();
    for (auto it = presets.begin(); it != presets.end(); ++it) {
        metas.insert(QString::number(it.key()),
                     QJsonObject{{QStringLiteral("name"), it->name},
                                 {QStringLiteral("defaultBaseUrl"), it->baseUrl}});
    }
    return Result::ok(metas);
}
