#include "channelbalancer.h"

#include "config/gatewayconfig.h"
#include "providers/providerregistry.h"
#include "upstream/curlmulti.h"
#include "upstream/timedfetch.h"

namespace {

std::optional<UpstreamRequest> balanceRequestOf(const Channel &channel)
{
    const ProviderAdaptor *adaptor = ProviderRegistry::instance().forType(channel.type);
    return adaptor ? adaptor->balanceRequest(channel) : std::nullopt;
}

} // namespace

ChannelBalancer::ChannelBalancer(const GatewayConfig &config, QObject *parent)
    : QObject(parent)
    , m_config(config)
    , m_curl(new CurlMulti(this))
{
}

bool ChannelBalancer::hasBalanceApi(const Channel &channel)
{
    return balanceRequestOf(channel).has_value();
}

void ChannelBalancer::fetch(const Channel &channel, Done done)
{
    std::optional<UpstreamRequest> request = balanceRequestOf(channel);
    if (!request) {
        done({false, 0, QStringLiteral("channel type %1 has no balance API").arg(channel.type)});
        return;
    }
    request->useChannelTransport(channel, m_config.upstreamConnectTimeoutSec * 1000);
    timedFetch(m_curl, std::move(*request), m_config.channelTestTimeoutSec * 1000,
               [channel, done = std::move(done)](int status, const QByteArray &body,
                                                 const QString &error) {
                   Outcome outcome;
                   if (status == 0) {
                       outcome.error = QStringLiteral("balance query failed: %1").arg(error);
                   } else if (status < 200 || status > 299) {
                       const ProviderAdaptor *adaptor =
                           ProviderRegistry::instance().forType(channel.type);
                       QString message = adaptor->errorMessage(body);
                       if (!channel.key.isEmpty())
                           message.replace(channel.key, QStringLiteral("***"));
                       outcome.error =
                           QStringLiteral("balance query answered %1%2")
                               .arg(status)
                               .arg(message.isEmpty() ? QString() : QStringLiteral(": ") + message);
                   } else if (const std::optional<double> balance =
                                  ProviderRegistry::instance()
                                      .forType(channel.type)
                                      ->parseBalance(channel, body, &outcome.error)) {
                       outcome.ok = true;
                       outcome.balance = *balance;
                   }
                   done(outcome);
               });
}
