#pragma once

#include "httpexchange.h"

#include <QMetaObject>
#include <QPointer>

#include <functional>

/// A complete response computed away from the connection's thread.
struct HttpReply
{
    int status = 200;
    QByteArray body;
    QByteArray contentType = "application/json";
    HeaderList headers;
};

/// Runs \a job on \a worker's thread; the job answers later (once, on that thread) by calling
/// the function it is given, whose reply is then sent on the exchange's own thread. For work
/// that waits for something (an upstream call) without blocking the worker's thread.
/// \a returnContext must live in the exchange's thread (the HTTP server object).
inline void replyFromThreadLater(QObject *worker, QObject *returnContext, HttpExchange *exchange,
                                 std::function<void(std::function<void(HttpReply)>)> job)
{
    QPointer<HttpExchange> target(exchange);
    QPointer<QObject> back(returnContext);
    QMetaObject::invokeMethod(
        worker,
        [job = std::move(job), target, back]() {
            job([target, back](HttpReply reply) {
                if (!back)
                    return;
                QMetaObject::invokeMethod(
                    back.data(),
                    [target, reply = std::move(reply)]() {
                        if (target)
                            target->send(reply.status, reply.contentType, reply.body,
                                         reply.headers);
                    },
                    Qt::QueuedConnection);
            });
        },
        Qt::QueuedConnection);
}

/// Runs \a job on \a worker's thread (e.g. the admin/storage thread, so slow SQL never blocks
/// a connection thread), then sends its reply on the exchange's own thread.
/// \a returnContext must live in the exchange's thread (the HTTP server object).
inline void replyFromThread(QObject *worker, QObject *returnContext, HttpExchange *exchange,
                            std::function<HttpReply()> job)
{
    replyFromThreadLater(
        worker, returnContext, exchange,
        [job = std::move(job)](std::function<void(HttpReply)> reply) { reply(job()); });
}
