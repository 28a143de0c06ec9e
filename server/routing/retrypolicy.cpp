#include "retrypolicy.h"

#include <QDateTime>
#include <QLocale>

namespace RetryPolicy {

Verdict classify(int status)
{
    switch (status) {
    case 401:
    case 402:
    case 403:
    case 404:
        return Verdict::Exclude;
    case 0:
    case 408:
    case 409:
    case 425:
    case 429:
        return Verdict::Retry;
    default:
        return status >= 500 ? Verdict::Retry : Verdict::Final;
    }
}

qint64 retryAfterMs(const QByteArray &header, qint64 nowMs)
{
    const QByteArray value = header.trimmed();
    if (value.isEmpty())
        return -1;
    bool isNumber = false;
    const double seconds = value.toDouble(&isNumber);
    if (isNumber) // A day at most: the value only matters up to the longest wait.
        return !qIsFinite(seconds) || seconds < 0 ? -1 : qint64(qMin(seconds, 86400.0) * 1000);
    // IMF-fixdate, e.g. "Wed, 21 Oct 2015 07:28:00 GMT".
    QDateTime at = QLocale::c().toDateTime(QString::fromLatin1(value).chopped(4),
                                           QStringLiteral("ddd, dd MMM yyyy HH:mm:ss"));
    if (!at.isValid() || !value.endsWith(" GMT"))
        return -1;
    at.setTimeSpec(Qt::UTC);
    return qBound(qint64(0), at.toMSecsSinceEpoch() - nowMs, qint64(86'400'000));
}

qint64 sameChannelBackoffMs(int failures, qint64 retryAfterMs, quint32 random)
{
    if (retryAfterMs >= 0)
        return retryAfterMs;
    const qint64 base = qMin<qint64>(kMaxBackoffMs, 500ll << qBound(0, failures - 1, 10));
    return base + qint64(double(random) / 4294967296.0 * 0.2 * double(base));
}

} // namespace RetryPolicy
