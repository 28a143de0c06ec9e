#include "asyncbatch.h"

#include <memory>

namespace {

struct Batch
{
    QList<AsyncBatch::Job> jobs;
    int limit = 1;
    std::function<void()> done;
    qsizetype next = 0;
    int running = 0;
    bool pumping = false;
};

/// Starts jobs while there is room; a job finishing during the loop only frees its slot (no
/// recursion, however many jobs finish at once).
void pump(const std::shared_ptr<Batch> &batch)
{
    if (batch->pumping)
        return;
    batch->pumping = true;
    while (batch->running < batch->limit && batch->next < batch->jobs.size()) {
        ++batch->running;
        const AsyncBatch::Job job = std::move(batch->jobs[batch->next++]);
        auto called = std::make_shared<bool>(false);
        job([batch, called] {
            if (*called)
                return;
            *called = true;
            --batch->running;
            pump(batch);
        });
    }
    batch->pumping = false;
    if (batch->running == 0 && batch->next == batch->jobs.size() && batch->done) {
        const std::function<void()> done = std::move(batch->done);
        batch->done = nullptr;
        done();
    }
}

} // namespace

void AsyncBatch::run(QList<Job> jobs, int limit, std::function<void()> done)
{
    auto batch = std::make_shared<Batch>();
    batch->jobs = std::move(jobs);
    batch->limit = qMax(1, limit);
    batch->done = std::move(done);
    pump(batch);
}
