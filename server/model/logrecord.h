#pragma once

#include <QJsonObject>
#include <QString>

class QSqlRecord;

/// Token usage of one request, as reported by the upstream or estimated by the gateway.
struct Usage
{
    qint64 inputTokens = 0;
    qint64 outputTokens = 0;
    qint64 totalTokens = 0;
    qint64 cachedTokens = 0;
    qint64 cacheCreationTokens = 0;
    qint64 reasoningTokens = 0;

    bool isEmpty() const { return inputTokens == 0 && outputTokens == 0 && totalTokens == 0; }
    /// Reads an OpenAI `usage` object (chat, completions, embeddings).
    static Usage fromOpenAI(const QJsonObject &usage);
    QJsonObject toJson() const;
};

/// One row of the request log (aiproxy's Log). Times are Unix milliseconds.
struct LogRecord
{
    qint64 id = 0;
    QString requestId;
    qint64 requestAt = 0;
    qint64 createdAt = 0;
    qint64 ttfbMs = 0;
    qint64 latencyMs = 0;
    QString groupId;
    qint64 tokenId = 0;
    QString tokenName;
    qint64 channelId = 0;
    QString model;
    int mode = 0;
    QString endpoint;
    bool stream = false;
    int code = 0;
    QString content; ///< Error text; empty on success.
    QString ip;
    int retryTimes = 0; ///< Attempts before this one.
    /// A failed attempt the relay retried: stored in retry_logs (the request's own row is the
    /// final attempt's).
    bool retryAttempt = false;
    Usage usage;
    QString usageSource; ///< "upstream", "estimated" or empty when nothing was produced.
    QString upstreamId;
    QString user;
    QJsonObject metadata;

    static LogRecord fromRecord(const QSqlRecord &record);
    QJsonObject toJson() const;
};
