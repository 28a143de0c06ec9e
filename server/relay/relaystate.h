#pragma once

#include "gateway/storedobjects.h"
#include "routing/channelhealth.h"
#include "routing/routingevents.h"

#include <QDateTime>

#include <atomic>

/// What the relays of all worker threads share (owned by GatewayCore; each member is
/// thread-safe): which channel created each stored object, the health of every (channel, model)
/// pair (error rates, bans) and the routing events.
struct RelayState
{
    StoredObjects objects;
    RoutingEvents events;
    ChannelHealth health{&events};
    /// Added to the wall clock by nowMs() (tests move routing time forward with it).
    std::atomic<qint64> clockOffsetMs{0};

    /// The routing clock (Unix ms): error windows, bans and re-tests run on it.
    qint64 nowMs() const { return QDateTime::currentMSecsSinceEpoch() + clockOffsetMs.load(); }
};
