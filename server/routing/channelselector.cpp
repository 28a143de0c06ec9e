#include "channelselector.h"

#include "model/channel.h"

double ChannelSelector::weight(int priority, double errorRate)
{
    const double base = priority > 0 ? priority : 10;
    return base / ((errorRate + 0.10) * (errorRate + 0.10));
}

const Channel *ChannelSelector::pick(const QList<const Channel *> &candidates,
                                     const std::function<double(const Channel &)> &errorRate,
                                     const std::function<bool(const Channel &)> &blocked,
                                     quint32 random)
{
    if (candidates.size() <= 1) // Nothing to weigh: no lookups.
        return candidates.isEmpty() ? nullptr : candidates.first();
    QList<const Channel *> pool;
    QList<double> weights;
    QList<double> rates;
    QList<bool> isBlocked;
    for (const Channel *channel : candidates) {
        rates.append(errorRate(*channel));
        isBlocked.append(blocked(*channel));
    }
    // Pass 1: healthy and not blocked; pass 2: not blocked; pass 3: anything.
    for (int pass = 1; pass <= 3 && pool.isEmpty(); ++pass) {
        for (qsizetype i = 0; i < candidates.size(); ++i) {
            if ((pass < 3 && isBlocked.at(i)) || (pass == 1 && rates.at(i) > kHealthyRate))
                continue;
            pool.append(candidates.at(i));
            weights.append(weight(candidates.at(i)->priority, rates.at(i)));
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
