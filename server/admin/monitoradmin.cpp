// AdminService: channel health (aiproxy's /api/monitor) and the background re-tests.
#include "adminservice.h"
#include "config/gatewayconfig.h"
#include "relay/relaystate.h"
#include "routing/banretester.h"

#include <QJsonArray>

BanRetester *AdminService::banRetester()
{
    if (!m_retester)
        m_retester = new BanRetester(m_relayState, m_snapshots, channelTester(), this);
    return m_retester;
}

void AdminService::startBackgroundJobs()
{
    startBalanceRefresh();
    banRetester()->start(m_config.retestIntervalSec * 1000);
}

AdminService::Result AdminService::errorRates()
{
    QJsonObject data;
    const auto rates = m_relayState->health.rates(m_relayState->nowMs());
    for (auto channel = rates.cbegin(); channel != rates.cend(); ++channel) {
        QJsonObject models;
        for (auto model = channel->cbegin(); model != channel->cend(); ++model)
            models.insert(model.key(), model.value());
        data.insert(QString::number(channel.key()), models);
    }
    return Result::ok(data);
}

AdminService::Result AdminService::channelErrorRates(qint64 channelId)
{
    QJsonObject data;
    const auto models = m_relayState->health.rates(m_relayState->nowMs()).value(channelId);
    for (auto model = models.cbegin(); model != models.cend(); ++model)
        data.insert(model.key(), model.value());
    return Result::ok(data);
}

AdminService::Result AdminService::modelErrorRates()
{
    QHash<QString, std::pair<int, int>> totals; // Model → requests, errors.
    for (const ErrorMonitor::PairRate &pair :
         m_relayState->health.monitor().rates(m_relayState->nowMs())) {
        auto &[requests, errors] = totals[pair.model];
        requests += pair.requests;
        errors += pair.errors;
    }
    QJsonObject data;
    for (auto it = totals.cbegin(); it != totals.cend(); ++it) {
        const auto [requests, errors] = it.value();
        data.insert(it.key(),
                    requests < ErrorMonitor::kMinRequests ? 0.0 : double(errors) / requests);
    }
    return Result::ok(data);
}

AdminService::Result AdminService::bannedChannels()
{
    QJsonObject data;
    for (const ChannelHealth::Ban &ban : m_relayState->health.bans(m_relayState->nowMs())) {
        QJsonArray ids = data.value(ban.model).toArray();
        ids.append(ban.channelId);
        data.insert(ban.model, ids);
    }
    return Result::ok(data);
}

AdminService::Result AdminService::clearChannelHealth(qint64 channelId, const QString &model)
{
    m_relayState->health.clear(channelId, model);
    return Result::ok();
}

AdminService::Result AdminService::routingEvents(int limit)
{
    QJsonArray data;
    for (const RoutingEvent &event :
         m_relayState->events.recent(limit > 0 ? limit : RoutingEvents::kKept))
        data.append(event.toJson());
    return Result::ok(data);
}
