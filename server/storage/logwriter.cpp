#include "logwriter.h"

#include "database.h"
#include "model/jsonfields.h"

#include <QDebug>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>

#include <sqlite3.h>

namespace {

constexpr const char *kColumns[] = {"request_id",
                                    "request_at",
                                    "created_at",
                                    "ttfb_ms",
                                    "latency_ms",
                                    "group_id",
                                    "token_id",
                                    "token_name",
                                    "channel_id",
                                    "model",
                                    "mode",
                                    "endpoint",
                                    "stream",
                                    "code",
                                    "content",
                                    "ip",
                                    "retry_times",
                                    "input_tokens",
                                    "output_tokens",
                                    "total_tokens",
                                    "cached_tokens",
                                    "cache_creation_tokens",
                                    "reasoning_tokens",
                                    "usage_source",
                                    "upstream_id",
                                    "end_user",
                                    "metadata"};
constexpr int kColumnCount = int(std::size(kColumns));
// PostgreSQL: multi-row INSERTs, one round trip per statement.
constexpr int kPostgresRowsPerStatement = 64;

/// A null QString binds as SQL NULL; the columns are NOT NULL.
QString text(const QString &value)
{
    return value.isNull() ? QStringLiteral("") : value;
}

} // namespace

namespace {

/// SQLite fast path: the driver's own sqlite3 handle with one reused prepared statement.
/// (QSqlQuery costs tens of microseconds per row in QVariant handling; this costs ~2.)
bool insertSqlite(QSqlDatabase &db, const std::vector<LogRecord> &rows, const char *table)
{
    const QVariant handle = db.driver()->handle();
    if (!handle.isValid() || qstrcmp(handle.typeName(), "sqlite3*") != 0)
        return false;
    sqlite3 *sqlite = *static_cast<sqlite3 *const *>(handle.constData());
    QByteArray sql = QByteArray("INSERT INTO ") + table + " (";
    for (int c = 0; c < kColumnCount; ++c)
        sql += QByteArray(c ? "," : "") + kColumns[c];
    sql += ") VALUES (" + QByteArray("?,").repeated(kColumnCount - 1) + "?)";
    sqlite3_stmt *statement = nullptr;
    if (sqlite3_prepare_v2(sqlite, sql.constData(), int(sql.size()), &statement, nullptr) !=
        SQLITE_OK) {
        qWarning().noquote() << "log writer: prepare failed:" << sqlite3_errmsg(sqlite);
        return false;
    }
    bool ok = true;
    for (const LogRecord &r : rows) {
        int column = 0;
        const auto bindText = [&](const QString &value) {
            const QByteArray utf8 = value.toUtf8();
            sqlite3_bind_text(statement, ++column, utf8.isNull() ? "" : utf8.constData(),
                              int(utf8.size()), SQLITE_TRANSIENT);
        };
        const auto bindInt = [&](qint64 value) { sqlite3_bind_int64(statement, ++column, value); };
        bindText(r.requestId);
        bindInt(r.requestAt);
        bindInt(r.createdAt);
        bindInt(r.ttfbMs);
        bindInt(r.latencyMs);
        bindText(r.groupId);
        bindInt(r.tokenId);
        bindText(r.tokenName);
        bindInt(r.channelId);
        bindText(r.model);
        bindInt(r.mode);
        bindText(r.endpoint);
        bindInt(r.stream ? 1 : 0);
        bindInt(r.code);
        bindText(r.content);
        bindText(r.ip);
        bindInt(r.retryTimes);
        bindInt(r.usage.inputTokens);
        bindInt(r.usage.outputTokens);
        bindInt(r.usage.totalTokens);
        bindInt(r.usage.cachedTokens);
        bindInt(r.usage.cacheCreationTokens);
        bindInt(r.usage.reasoningTokens);
        bindText(r.usageSource);
        bindText(r.upstreamId);
        bindText(r.user);
        bindText(JsonFields::toText(r.metadata));
        Q_ASSERT(column == kColumnCount);
        if (sqlite3_step(statement) != SQLITE_DONE) {
            qWarning().noquote() << "log writer: insert failed:" << sqlite3_errmsg(sqlite);
            ok = false;
            break;
        }
        sqlite3_reset(statement);
    }
    sqlite3_finalize(statement);
    return ok;
}

} // namespace

LogWriter::LogWriter(Database *database, int flushIntervalMs, int batchSize, int maxPending)
    : m_database(database)
    , m_flushIntervalMs(flushIntervalMs)
    , m_batchSize(batchSize)
    , m_maxPending(maxPending)
{
    m_thread.setObjectName(QStringLiteral("aiproxy-logwriter"));
}

LogWriter::~LogWriter()
{
    stop();
}

void LogWriter::start()
{
    moveToThread(&m_thread);
    m_thread.start();
    QMetaObject::invokeMethod(
        this,
        [this] {
            m_timer = new QTimer(this);
            m_timer->setInterval(m_flushIntervalMs);
            connect(m_timer, &QTimer::timeout, this, &LogWriter::flush);
            m_timer->start();
        },
        Qt::BlockingQueuedConnection);
}

void LogWriter::stop()
{
    if (!m_thread.isRunning())
        return;
    QMetaObject::invokeMethod(
        this,
        [this] {
            flush();
            delete m_timer;
            m_timer = nullptr;
            moveToThread(nullptr);
            m_thread.quit();
        },
        Qt::BlockingQueuedConnection);
    m_thread.wait();
}

void LogWriter::enqueue(LogRecord record)
{
    bool schedule = false;
    {
        QMutexLocker lock(&m_mutex);
        if (int(m_pending.size()) >= m_maxPending) {
            m_dropped.fetch_add(1);
            return;
        }
        m_pending.push_back(std::move(record));
        schedule = int(m_pending.size()) >= m_batchSize && !m_flushScheduled.exchange(true);
    }
    if (schedule)
        QMetaObject::invokeMethod(this, &LogWriter::flush, Qt::QueuedConnection);
}

void LogWriter::flushNow()
{
    if (!m_thread.isRunning())
        return;
    QMetaObject::invokeMethod(this, &LogWriter::flush, Qt::BlockingQueuedConnection);
}

void LogWriter::flush()
{
    std::vector<LogRecord> rows;
    {
        QMutexLocker lock(&m_mutex);
        rows.swap(m_pending);
        m_flushScheduled = false;
    }
    if (rows.empty())
        return;
    QSqlDatabase db = m_database->connection();
    db.transaction();
    bool ok = true;
    // Retried attempts go to retry_logs; they are rare, so the common batch is not copied.
    std::vector<LogRecord> retries;
    if (std::any_of(rows.cbegin(), rows.cend(),
                    [](const LogRecord &r) { return r.retryAttempt; })) {
        std::vector<LogRecord> requests;
        for (LogRecord &r : rows)
            (r.retryAttempt ? retries : requests).push_back(std::move(r));
        rows.swap(requests);
    }
    for (const auto &[table, batch] :
         {std::pair<const char *, const std::vector<LogRecord> *>{"logs", &rows},
          {"retry_logs", &retries}}) {
        if (batch->empty() || !ok)
            continue;
        if (m_database->dialect() == DatabaseSpec::Dialect::Sqlite) {
            ok = insertSqlite(db, *batch, table);
        } else {
            QSqlQuery query(db);
            size_t preparedRows = 0;
            for (size_t begin = 0; begin < batch->size() && ok; begin += kPostgresRowsPerStatement)
                ok = insertBatch(query, &preparedRows, *batch, begin,
                                 std::min(batch->size(), begin + kPostgresRowsPerStatement), table);
        }
    }
    const size_t rowCount = rows.size() + retries.size();
    if (ok && db.commit()) {
        m_written.fetch_add(qint64(rowCount));
    } else {
        db.rollback();
        m_failed.fetch_add(qint64(rowCount));
        qWarning().noquote() << "log writer: dropped" << rowCount
                             << "rows:" << db.lastError().text();
    }
}

bool LogWriter::insertBatch(QSqlQuery &query, size_t *preparedRows,
                            const std::vector<LogRecord> &rows, size_t begin, size_t end,
                            const char *table)
{
    if (*preparedRows != end - begin) {
        QString sql = QStringLiteral("INSERT INTO %1 (").arg(QLatin1String(table));
        for (int c = 0; c < kColumnCount; ++c)
            sql += (c ? QStringLiteral(",") : QString()) + QLatin1String(kColumns[c]);
        sql += QStringLiteral(") VALUES ");
        const QString tuple =
            QLatin1Char('(') +
            QStringList(kColumnCount, QStringLiteral("?")).join(QLatin1Char(',')) +
            QLatin1Char(')');
        for (size_t i = begin; i < end; ++i)
            sql += (i > begin ? QStringLiteral(",") : QString()) + tuple;

        if (!query.prepare(sql)) {
            qWarning().noquote() << "log writer: prepare failed:" << query.lastError().text();
            return false;
        }
        *preparedRows = end - begin;
    }
    for (size_t i = begin; i < end; ++i) {
        const LogRecord &r = rows[i];
        query.addBindValue(text(r.requestId));
        query.addBindValue(r.requestAt);
        query.addBindValue(r.createdAt);
        query.addBindValue(r.ttfbMs);
        query.addBindValue(r.latencyMs);
        query.addBindValue(text(r.groupId));
        query.addBindValue(r.tokenId);
        query.addBindValue(text(r.tokenName));
        query.addBindValue(r.channelId);
        query.addBindValue(text(r.model));
        query.addBindValue(r.mode);
        query.addBindValue(text(r.endpoint));
        query.addBindValue(r.stream ? 1 : 0);
        query.addBindValue(r.code);
        query.addBindValue(text(r.content));
        query.addBindValue(text(r.ip));
        query.addBindValue(r.retryTimes);
        query.addBindValue(r.usage.inputTokens);
        query.addBindValue(r.usage.outputTokens);
        query.addBindValue(r.usage.totalTokens);
        query.addBindValue(r.usage.cachedTokens);
        query.addBindValue(r.usage.cacheCreationTokens);
        query.addBindValue(r.usage.reasoningTokens);
        query.addBindValue(text(r.usageSource));
        query.addBindValue(text(r.upstreamId));
        query.addBindValue(text(r.user));
        query.addBindValue(JsonFields::toText(r.metadata));
    }
    if (!query.exec()) {
        qWarning().noquote() << "log writer: insert failed:" << query.lastError().text();
        return false;
    }
    return true;
}
