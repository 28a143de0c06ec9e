#pragma once

#include "model/logrecord.h"

#include <QMutex>
#include <QObject>
#include <QThread>
#include <QTimer>

#include <atomic>
#include <vector>

class Database;
class QSqlQuery;

/// Writes request log rows in multi-row INSERT batches on its own thread.
///
/// enqueue() is thread-safe and never touches the database: request threads only append to an
/// in-memory queue. The queue is bounded; rows beyond the bound are dropped and counted.
class LogWriter : public QObject
{
    Q_OBJECT
public:
    LogWriter(Database *database, int flushIntervalMs, int batchSize, int maxPending);
    ~LogWriter() override;

    void start();
    /// Flushes everything queued so far and stops the thread. Blocks the caller.
    void stop();
    void enqueue(LogRecord record);
    /// Blocks until every row queued before the call is written (for tests and shutdown).
    void flushNow();

    qint64 writtenCount() const { return m_written.load(); }
    qint64 droppedCount() const { return m_dropped.load(); }
    qint64 failedCount() const { return m_failed.load(); }

private:
    void flush();
    /// Inserts rows [begin, end) into \a table ("logs" or "retry_logs").
    bool insertBatch(QSqlQuery &query, size_t *preparedRows, const std::vector<LogRecord> &rows,
                     size_t begin, size_t end, const char *table);

    Database *m_database;
    int m_flushIntervalMs;
    int m_batchSize;
    int m_maxPending;
    QThread m_thread;
    QTimer *m_timer = nullptr;
    QMutex m_mutex;
    std::vector<LogRecord> m_pending;
    std::atomic<bool> m_flushScheduled{false};
    std::atomic<qint64> m_written{0};
    std::atomic<qint64> m_dropped{0};
    std::atomic<qint64> m_failed{0};
};
