#include "errormonitor.h"

namespace {

QString pairKey(qint64 channelId, const QString &model)
{
    return QString::number(channelId) + QLatin1Char(' ') + model;
}

} // namespace

bool ErrorMonitor::isCallerError(int status)
{
    return status == 400 || status == 413 || status == 422 || status == 451 || status == 499;
}

void ErrorMonitor::record(qint64 channelId, const QString &model, int status, qint64 nowMs)
{
    if (isCallerError(status))
        return;
    const qint64 index = nowMs / kSliceMs;
    QMutexLocker lock(&m_mutex);
    Slice &slice = m_windows[pairKey(channelId, model)][index % kSlices];
    if (slice.index != index)
        slice = Slice{index, 0, 0};
    ++slice.requests;
    if (status < 200 || status >= 300)
        ++slice.errors;
}

double ErrorMonitor::errorRate(qint64 channelId, const QString &model, qint64 nowMs) const
{
    std::pair<int, int> counts;
    {
        QMutexLocker lock(&m_mutex);
        const auto it = m_windows.constFind(pairKey(channelId, model));
        if (it == m_windows.constEnd())
            return 0;
        counts = totals(*it, nowMs / kSliceMs);
    }
    return counts.first < kMinRequests ? 0 : double(counts.second) / counts.first;
}

std::pair<int, int> ErrorMonitor::totals(const Window &window, qint64 index)
{
    int requests = 0;
    int errors = 0;
    for (const Slice &slice : window) {
        if (slice.index > index - kSlices && slice.index <= index) {
            requests += slice.requests;
            errors += slice.errors;
        }
    }
    return {requests, errors};
}

QList<ErrorMonitor::PairRate> ErrorMonitor::rates(qint64 nowMs) const
{
    QList<PairRate> result;
    QMutexLocker lock(&m_mutex);
    for (auto it = m_windows.cbegin(); it != m_windows.cend(); ++it) {
        const auto [requests, errors] = totals(it.value(), nowMs / kSliceMs);
        if (requests == 0)
            continue;
        const qsizetype space = it.key().indexOf(QLatin1Char(' '));
        result.append({it.key().first(space).toLongLong(), it.key().sliced(space + 1), requests,
                       errors, requests < kMinRequests ? 0 : double(errors) / requests});
    }
    return result;
}

void ErrorMonitor::clear(qint64 channelId, const QString &model)
{
    QMutexLocker lock(&m_mutex);
    if (channelId < 0) {
        m_windows.clear();
    } else if (!model.isEmpty()) {
        m_windows.remove(pairKey(channelId, model));
    } else {
        const QString prefix = QString::number(channelId) + QLatin1Char(' ');
        m_windows.removeIf([&prefix](const auto &entry) { return entry.key().startsWith(prefix); });
    }
}

void ErrorMonitor::prune(qint64 nowMs)
{
    const qint64 index = nowMs / kSliceMs;
    QMutexLocker lock(&m_mutex);
    m_windows.removeIf(
        [index](const auto &entry) { return totals(entry.value(), index).first == 0; });
}
