#pragma once

#include <QJsonObject>
#include <QJsonValue>
#include <QString>

/// Builds the OpenAI `chat.completion.chunk` objects of one converted stream. Every chunk carries
/// the same id, creation time (taken at construction) and client model; the id may be set late
/// (many upstreams name their message only in the first event).
class ChunkWriter
{
public:
    explicit ChunkWriter(const QString &clientModel, const QString &id = {});

    const QString &id() const { return m_id; }
    bool hasId() const { return !m_id.isEmpty(); }
    void setId(const QString &id) { m_id = id; }

    /// A chunk with one choice: \a delta at \a index, finish_reason \a finishReason (null when
    /// undefined).
    QJsonObject chunk(const QJsonObject &delta, const QJsonValue &finishReason = {},
                      int index = 0) const;
    /// The first chunk of choice \a index: `{"role":"assistant","content":""}`.
    QJsonObject roleChunk(int index = 0) const;
    /// The terminal usage chunk: `choices: []` and \a usage.
    QJsonObject usageChunk(const QJsonObject &usage) const;

    /// The error chunk that ends a stream the upstream broke off or reported as failed:
    /// `{"error":{"message":…,"type":"upstream_error"}}`.
    static QJsonObject upstreamError(const QString &message);

private:
    QString m_model;
    QString m_id;
    qint64 m_created = 0;
};
