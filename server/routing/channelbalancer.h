#pragma once

#include "model/channel.h"

#include <QObject>

#include <functional>

class CurlMulti;
struct GatewayConfig;

/// Asks providers for channels' account balances (the adaptor's balanceRequest() and
/// parseBalance(); OpenAI-compatible providers describe theirs in
/// resources/providers/openai-compatible.json). Only fetches: storing and alerting are the
/// caller's.
///
/// Threading: lives on one thread with an event loop (the admin thread), with its own CurlMulti.
class ChannelBalancer : public QObject
{
    Q_OBJECT
public:
    struct Outcome
    {
        bool ok = false;
        double balance = 0;
        QString error; ///< Why there is no balance; never contains the channel key.
    };
    using Done = std::function<void(const Outcome &outcome)>;

    explicit ChannelBalancer(const GatewayConfig &config, QObject *parent = nullptr);

    /// True when the provider of \a channel has a balance API.
    static bool hasBalanceApi(const Channel &channel);
    /// Fetches the balance of \a channel; \a done is called once on this thread (at once when
    /// the provider has no balance API). Fails after CHANNEL_TEST_TIMEOUT.
    void fetch(const Channel &channel, Done done);

private:
    const GatewayConfig &m_config;
    CurlMulti *m_curl;
};
