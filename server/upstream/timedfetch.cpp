#include "timedfetch.h"

#include <QTimer>

#include <memory>

void timedFetch(CurlMulti *curl, UpstreamRequest request, int timeoutMs, CurlMulti::FetchDone done,
                qsizetype maxBody)
{
    // The guard owns the transfer and the timer: deleting it cancels both.
    auto *guard = new QObject(curl);
    auto report = std::make_shared<CurlMulti::FetchDone>(std::move(done));
    const auto once = [guard, report](int status, const QByteArray &body, const QString &error) {
        if (!*report)
            return;
        const CurlMulti::FetchDone callback = std::move(*report);
        *report = nullptr;
        guard->deleteLater();
        callback(status, body, error);
    };
    QTimer::singleShot(timeoutMs, Qt::PreciseTimer, guard, [once, timeoutMs] {
        once(0, {},
             QStringLiteral("no answer within %1 s").arg(QString::number(timeoutMs / 1000.0)));
    });
    curl->fetch(std::move(request), once, maxBody, guard);
}
