#pragma once

#include <QHash>
#include <QList>
#include <QMutex>
#include <QString>

#include <array>

/// Recent error rates per (channel, model), shared by all worker threads (mutex-guarded; one
/// short critical section per request).
///
/// A sliding window of kSlices slices of kSliceMs each (aiproxy's 12 × 10 s = 120 s); a pair's
/// rate is errors / requests within the window, and 0 until it has kMinRequests requests there
/// (a single early failure must not sideline a channel). Caller errors (400, 413, 422, 451) are
/// not the channel's fault and are not counted; transport errors and timeouts are.
class ErrorMonitor
{
public:
    static constexpr int kSlices = 12;
    static constexpr qint64 kSliceMs = 10'000;
    static constexpr int kMinRequests = 10;

    /// Records one finished request of \a model on \a channelId with HTTP \a status (5xx,
    /// 429, 401… count as errors; 499, a client that left, counts as neither).
    void record(qint64 channelId, const QString &model, int status, qint64 nowMs);
    /// Error rate of the pair in [0, 1] at \a nowMs.
    double errorRate(qint64 channelId, const QString &model, qint64 nowMs) const;
    /// Forgets every pair (\a channelId < 0), one channel's pairs (\a model empty) or one pair.
    void clear(qint64 channelId = -1, const QString &model = QString());
    /// Forgets pairs without requests in the window at \a nowMs (memory stays bounded by the
    /// pairs with recent traffic).
    void prune(qint64 nowMs);

    struct PairRate
    {
        qint64 channelId = 0;
        QString model;
        int requests = 0;
        int errors = 0;
        double rate = 0; ///< As errorRate(): 0 below kMinRequests.
    };
    /// Every pair with requests in the window at \a nowMs.
    QList<PairRate> rates(qint64 nowMs) const;

    /// Statuses that say nothing about the channel.
    static bool isCallerError(int status);

private:
    struct Slice
    {
        qint64 index = -1; ///< nowMs / kSliceMs of the slice these counts belong to.
        int requests = 0;
        int errors = 0;
    };
    using Window = std::array<Slice, kSlices>;
    /// Requests and errors of \a window inside the window ending at slice \a index.
    static std::pair<int, int> totals(const Window &window, qint64 index);

    mutable QMutex m_mutex;
    QHash<QString, Window> m_windows; ///< By "<channel id> <model>".
};
