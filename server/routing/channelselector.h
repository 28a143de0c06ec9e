#pragma once

#include <QList>
#include <QString>

#include <functional>

struct Channel;

/// Picks the channel for one request among the candidates (enabled channels of the group's
/// sets that serve the model and the mode).
///
/// Weighted random, aiproxy's formula: weight = priority / (errorRate + 0.10)², priority 0
/// counting as 10, so a channel failing half its requests gets 1/36 of the traffic of a
/// healthy one of the same priority. Passes: first the candidates that are not blocked (banned or
/// cooling down after a Retry-After) and whose recent error rate is at most kHealthyRate; if
/// there are none, those not blocked; then all of them (a request is refused only when no
/// channel serves it at all). Stateless; reentrant.
namespace ChannelSelector {

constexpr double kHealthyRate = 0.85;

/// The pick for \a random (uniform over quint32), using \a errorRate and \a blocked of each
/// candidate; nullptr for an empty list.
const Channel *pick(const QList<const Channel *> &candidates,
                    const std::function<double(const Channel &)> &errorRate,
                    const std::function<bool(const Channel &)> &blocked, quint32 random);

/// The weight of a channel of \a priority with \a errorRate.
double weight(int priority, double errorRate);

} // namespace ChannelSelector
