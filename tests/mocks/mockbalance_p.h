#pragma once

// Internal to the mock upstream library: providers' account balance APIs (mockbalance.cpp).

#include "mockupstream.h"
#include "mockwire_p.h"

namespace MockWire {

/// True for the balance paths the mock answers (see MockUpstream's class comment).
bool isBalancePath(const QByteArray &method, const QByteArray &path);

/// The provider's balance answer for \a path; \a requiredKey is the Bearer key the request must
/// carry (empty: any non-empty key not starting with "sk-invalid"); OpenAI's 401 otherwise.
Reply balanceReply(const MockUpstream::Request &request, const QByteArray &path,
                   const QByteArray &requiredKey);

} // namespace MockWire
