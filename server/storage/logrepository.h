#pragma once

#include "model/logrecord.h"
#include "repository.h"

/// Filters of the log endpoints; empty / 0 fields do not filter. Times are Unix milliseconds
/// and apply to request_at (the indexed request time).
struct LogFilter
{
    QString group; ///< Exact group id; the per-group endpoints always set it.
    qint64 startMs = 0;
    qint64 endMs = 0;
    QString model;
    qint64 channelId = 0;
    qint64 tokenId = 0;
    QString tokenName;
    QString requestId;
    QString upstreamId;
    QString codeType; ///< "success" (code 200) or "error" (code != 200).
    int code = 0;
    QString ip;
    QString user;
    QString keyword; ///< Search: substring of request_id, model, content or token_name.
    QString order;   ///< created_at-desc (default), created_at-asc, id-asc, id-desc.

    /// Only the group and the time range: the scope of the distinct-value lists.
    LogFilter scope() const;
};

/// The `logs` table of the log database.
class LogRepository : public Repository
{
public:
    explicit LogRepository(Database &database);

    Page<LogRecord> list(const LogFilter &filter, const PageRequest &page);
    /// Distinct non-empty models in \a filter's rows, sorted.
    QStringList distinctModels(const LogFilter &filter);
    /// Distinct non-empty token names in \a filter's rows, sorted.
    QStringList distinctTokenNames(const LogFilter &filter);
    /// Distinct non-zero channel ids in \a filter's rows, ascending.
    QList<qint64> distinctChannels(const LogFilter &filter);
    /// Deletes rows requested before \a timestampMs; number deleted or -1.
    qint64 removeBefore(qint64 timestampMs);

private:
    QStringList distinctStrings(const QString &column, const LogFilter &filter);
    QVariantList distinct(const QString &column, const QString &emptyValue,
                          const LogFilter &filter);
};
