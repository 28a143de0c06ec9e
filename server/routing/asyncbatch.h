#pragma once

#include <QList>

#include <functional>

/// Runs asynchronous jobs on the calling thread with bounded concurrency (channel tests,
/// balance queries): no thread pool, the jobs wait on the event loop.
namespace AsyncBatch {

/// A job starts its work and calls \a finished exactly once, at once or later on this thread.
using Job = std::function<void(std::function<void()> finished)>;

/// Starts \a jobs in order with at most \a limit running; calls \a done once after the last
/// one finished (at once when \a jobs is empty).
void run(QList<Job> jobs, int limit, std::function<void()> done);

} // namespace AsyncBatch
