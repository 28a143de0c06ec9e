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
    const qint64 index = nowMs / kSliceMs;
    int requests = 0;
    int errors = 0;
    {
        QMutexLocker lock(&m_mutex);
        const auto it = m_windows.constFind(pairKey(channelId, model));
        if (it == m_windows.constEnd())
            return 0;
        for (const Slice &slice : *it) {
            if (slice.index > index - kSlices && slice.index <= index) {
                requests += slice.requests;
                errors += slice.errors;
            }
        }
    }
    return requests < kMinRequests ? 0 : double(errors) / requests;
}

void ErrorMonitor::clear()
{
    QMutexLocker lock(&m_mutex);
    m_windows.clear();
}
