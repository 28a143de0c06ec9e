// AsyncBatch: asynchronous jobs with bounded concurrency on one thread.

#include "routing/asyncbatch.h"

#include <QTimer>
#include <QtTest>

class TstAsyncBatch : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void boundsConcurrencyAndWaitsForAll()
    {
        int running = 0;
        int maxRunning = 0;
        QList<int> finishedOrder;
        QList<AsyncBatch::Job> jobs;
        for (int i = 0; i < 7; ++i) {
            jobs.append([&, i](std::function<void()> finished) {
                maxRunning = qMax(maxRunning, ++running);
                // Later jobs finish sooner: completion order differs from start order.
                QTimer::singleShot(20 - 2 * i, [&, i, finished] {
                    --running;
                    finishedOrder.append(i);
                    finished();
                    finished(); // A second call is ignored.
                });
            });
        }
        bool done = false;
        AsyncBatch::run(jobs, 3, [&] {
            QVERIFY(!done);
            done = true;
        });
        QVERIFY(!done);
        QTRY_VERIFY(done);
        QCOMPARE(maxRunning, 3);
        QCOMPARE(finishedOrder.size(), 7);
        QCOMPARE(running, 0);
    }

    void jobsFinishingAtOnce()
    {
        int started = 0;
        QList<AsyncBatch::Job> jobs;
        for (int i = 0; i < 1000; ++i)
            jobs.append([&](std::function<void()> finished) {
                ++started;
                finished(); // Synchronously: no recursion per job.
            });
        int done = 0;
        AsyncBatch::run(jobs, 2, [&] { ++done; });
        QCOMPARE(started, 1000);
        QCOMPARE(done, 1);
    }

    void emptyBatchIsDoneAtOnce()
    {
        int done = 0;
        AsyncBatch::run({}, 5, [&] { ++done; });
        QCOMPARE(done, 1);
    }
};

QTEST_GUILESS_MAIN(TstAsyncBatch)
#include "tst_asyncbatch.moc"
