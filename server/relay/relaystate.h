#pragma once

#include "gateway/storedobjects.h"
#include "routing/errormonitor.h"

/// What the relays of all worker threads share (owned by GatewayCore; each member is
/// thread-safe): which channel created each stored object, and the channels' error rates.
struct RelayState
{
    StoredObjects objects;
    ErrorMonitor monitor;
};
