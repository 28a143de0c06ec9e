#include "banretester.h"

#include "channeltester.h"
#include "gateway/configsnapshot.h"
#include "relay/relaystate.h"

#include <QTimer>

#include <memory>

BanRetester::BanRetester(RelayState *state, SnapshotStore *snapshots, ChannelTester *tester,
                         QObject *parent)
    : QObject(parent)
    , m_state(state)
    , m_snapshots(snapshots)
    , m_tester(tester)
{
}

void BanRetester::start(int intervalMs)
{
    if (!m_timer) {
        m_timer = new QTimer(this);
        connect(m_timer, &QTimer::timeout, this, [this] { retestBanned(); });
    }
    m_timer->start(intervalMs);
}

void BanRetester::retestBanned(std::function<void()> done)
{
    m_state->health.prune(m_state->nowMs());
    const std::shared_ptr<const ConfigSnapshot> snapshot = m_snapshots->current();
    // Calls done once the last test of this pass has reported (the pass itself holds one).
    auto pending = std::make_shared<int>(1);
    const auto finishOne = [pending, done] {
        if (--*pending == 0 && done)
            done();
    };
    for (const ChannelHealth::Ban &ban : m_state->health.bans(m_state->nowMs())) {
        const QString key = QString::number(ban.channelId) + QLatin1Char(' ') + ban.model;
        if (m_inFlight.contains(key))
            continue;
        const auto channel = snapshot->channels.constFind(ban.channelId);
        if (channel == snapshot->channels.constEnd() || channel->status != Channel::Enabled ||
            !channel->models.contains(ban.model, Qt::CaseInsensitive)) {
            m_state->health.unban(ban.channelId, ban.model,
                                  QStringLiteral("the channel is disabled or no longer serves "
                                                 "the model"),
                                  m_state->nowMs());
            continue;
        }
        m_inFlight.insert(key);
        ++*pending;
        const qint64 channelId = ban.channelId;
        const QString model = ban.model;
        m_tester->test(
            *channel, model,
            [this, key, channelId, model, finishOne](const ChannelTestResult &result) {
                m_inFlight.remove(key);
                const qint64 now = m_state->nowMs();
                if (result.success) {
                    m_state->health.unban(
                        channelId, model,
                        QStringLiteral("re-test passed in %1 ms").arg(result.tookMs), now);
                } else if (result.refused.isEmpty()) {
                    m_state->health.renewBan(channelId, model,
                                             QStringLiteral("re-test failed (HTTP %1): %2")
                                                 .arg(result.code)
                                                 .arg(result.response.left(300)),
                                             now);
                }
                finishOne();
            });
    }
    finishOne();
}
