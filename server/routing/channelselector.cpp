#include "channelselector.h"

#include "model/channel.h"

double ChannelSelector::weight(int priority, double errorRate)
{
    const double base = priority > 0 ? priority : 10;
    return base / ((errorRate + 0.10) * (errorRate + 0.10));
}

const Channel *ChannelSelector::pick(const QList<const Channel *> &candidates,
                                     const std::function<double(const Channel &)> &errorRate,
                                     quint32 random)
{
    if (candidates.size() <= 1) // Nothing to weigh: no error-rate lookups.
        return candidates.isEmpty() ? nullptr : candidates.first();
    QList<const Channel *> pool;
    QList<double> weights;
    for (const Channel *channel : candidates) {
        const double rate = errorRate(*channel);
        if (rate <= kHealthyRate) {
            pool.append(channel);
            weights.append(weight(channel->priority, rate));
        }
    }
    if (pool.isEmpty()) { // Every candidate is failing: still try one.
        for (const Channel *channel : candidates) {
            pool.append(channel);
            weights.append(weight(channel->priority, errorRate(*channel)));
        }
    }
    double total = 0;
    for (double w : std::as_const(weights))
        total += w;
    double point = total * (double(random) / 4294967296.0);
    for (qsizetype i = 0; i < pool.size(); ++i) {
        if (point < weights.at(i))
            return pool.at(i);
        point -= weights.at(i);
    }
    return pool.last();
}
