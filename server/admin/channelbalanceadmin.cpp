// AdminService: channel balances and their periodic refresh.
#include "adminservice.h"
#include "config/gatewayconfig.h"
#include "relay/relaystate.h"
#include "routing/asyncbatch.h"
#include "routing/channelbalancer.h"
#include "storage/channelrepository.h"

#include <QDateTime>
#include <QDebug>
#include <QTimer>

#include <memory>

namespace {

/// The low-balance warning of \a channel at \a balance, empty when it is not low.
QString lowBalanceMessage(const Channel &channel, double balance)
{
    if (channel.balanceThreshold <= 0 || balance >= channel.balanceThreshold)
        return {};
    return QStringLiteral("channel %1 (%2) balance %3 is below its threshold %4")
        .arg(channel.id)
        .arg(channel.name)
        .arg(balance)
        .arg(channel.balanceThreshold);
}

} // namespace

ChannelBalancer *AdminService::channelBalancer()
{
    if (!m_balancer)
        m_balancer = new ChannelBalancer(m_config, this);
    return m_balancer;
}

void AdminService::updateBalances(const QList<Channel> &channels,
                                  std::function<void(QJsonArray)> done)
{
    auto entries = std::make_shared<QList<QJsonObject>>(channels.size());
    auto stored = std::make_shared<bool>(false);
    QList<AsyncBatch::Job> jobs;
    for (qsizetype i = 0; i < channels.size(); ++i) {
        jobs.append([this, channel = channels.at(i), entries, stored,
                     i](std::function<void()> finished) {
            channelBalancer()->fetch(channel, [this, channel, entries, stored, i,
                                               finished](const ChannelBalancer::Outcome &outcome) {
                QJsonObject entry{{QStringLiteral("channel_id"), channel.id},
                                  {QStringLiteral("success"), outcome.ok},
                                  {QStringLiteral("balance"), outcome.balance},
                                  {QStringLiteral("message"), outcome.error}};
                if (outcome.ok) {
                    ChannelRepository repository(*m_main);
                    if (repository.updateBalance(channel.id, outcome.balance,
                                                 QDateTime::currentMSecsSinceEpoch())) {
                        *stored = true;
                    } else if (repository.hasError()) {
                        entry.insert(QStringLiteral("success"), false);
                        entry.insert(
                            QStringLiteral("message"),
                            QStringLiteral("database error: %1").arg(repository.lastError()));
                    }
                    const QString low = lowBalanceMessage(channel, outcome.balance);
                    if (!low.isEmpty()) {
                        entry.insert(QStringLiteral("message"), low);
                        m_relayState->events.publish(
                            {m_relayState->nowMs(), QStringLiteral("balance_low"),
                             QStringLiteral("error"), channel.id, QString(), low});
                    }
                }
                (*entries)[i] = entry;
                finished();
            });
        });
    }
    AsyncBatch::run(std::move(jobs), kBalanceConcurrency,
                    [this, entries, stored, done = std::move(done)] {
                        if (*stored)
                            changed();
                        QJsonArray list;
                        for (const QJsonObject &entry : std::as_const(*entries))
                            list.append(entry);
                        done(list);
                    });
}

void AdminService::updateChannelBalance(qint64 id, Done done)
{
    Result failure;
    const std::optional<Channel> channel = loadChannel(id, &failure);
    if (!channel)
        return done(failure);
    if (!ChannelBalancer::hasBalanceApi(*channel))
        return done(Result::error(
            400, QStringLiteral("channel %1: the provider of channel type %2 has no balance API")
                     .arg(id)
                     .arg(channel->type)));
    updateBalances({*channel}, [done = std::move(done)](const QJsonArray &entries) {
        const QJsonObject entry = entries.first().toObject();
        const QString message = entry.value(QStringLiteral("message")).toString();
        if (!entry.value(QStringLiteral("success")).toBool())
            return done(Result::error(502, message));
        Result result = Result::ok(entry.value(QStringLiteral("balance")));
        result.message = message; // The low-balance warning, if any.
        done(result);
    });
}

void AdminService::updateAllChannelBalances(Done done)
{
    ChannelRepository repository(*m_main);
    QList<Channel> channels = repository.all();
    if (repository.hasError())
        return done(storageError(repository));
    channels.removeIf([](const Channel &channel) {
        return channel.status != Channel::Enabled || !ChannelBalancer::hasBalanceApi(channel);
    });
    updateBalances(channels, [done = std::move(done)](const QJsonArray &entries) {
        done(Result::ok(entries));
    });
}

void AdminService::refreshAutoCheckedBalances(std::function<void()> done)
{
    ChannelRepository repository(*m_main);
    QList<Channel> channels = repository.all();
    if (repository.hasError())
        qWarning().noquote() << "balance refresh: storage error:" << repository.lastError();
    channels.removeIf([](const Channel &channel) {
        return channel.status != Channel::Enabled || !channel.enabledAutoBalanceCheck ||
               !ChannelBalancer::hasBalanceApi(channel);
    });
    updateBalances(channels, [done = std::move(done)](const QJsonArray &entries) {
        for (const QJsonValue &entry : entries) {
            const QJsonObject object = entry.toObject();
            if (!object.value(QStringLiteral("success")).toBool())
                qWarning().noquote() << "balance refresh: channel"
                                     << object.value(QStringLiteral("channel_id")).toInteger()
                                     << ':' << object.value(QStringLiteral("message")).toString();
        }
        if (done)
            done();
    });
}

void AdminService::startBalanceRefresh()
{
    if (m_config.channelBalanceRefreshSec <= 0)
        return;
    auto *timer = new QTimer(this);
    // One refresh at a time: the next period starts when the previous refresh ended.
    timer->setSingleShot(true);
    connect(timer, &QTimer::timeout, this,
            [this, timer] { refreshAutoCheckedBalances([timer] { timer->start(); }); });
    timer->start(m_config.channelBalanceRefreshSec * 1000);
}
