#include "chunkwriter.h"

#include "conversionutil.h"

#include <QDateTime>

using ConversionUtil::str;

ChunkWriter::ChunkWriter(const QString &clientModel, const QString &id)
    : m_model(clientModel)
    , m_id(id)
    , m_created(QDateTime::currentSecsSinceEpoch())
{
}

QJsonObject ChunkWriter::chunk(const QJsonObject &delta, const QJsonValue &finishReason,
                               int index) const
{
    return ConversionUtil::openAIChunk(m_id, m_created, m_model, index, delta, finishReason);
}

QJsonObject ChunkWriter::roleChunk(int index) const
{
    return chunk({{str("role"), str("assistant")}, {str("content"), QString()}}, {}, index);
}

QJsonObject ChunkWriter::usageChunk(const QJsonObject &usage) const
{
    return ConversionUtil::openAIUsageChunk(m_id, m_created, m_model, usage);
}

QJsonObject ChunkWriter::upstreamError(const QString &message)
{
    return ConversionUtil::openAIErrorChunk(message, str("upstream_error"));
}
