#include "openaiprotocol.h"

#include "openaierror.h"

#include <QJsonArray>
#include <QJsonDocument>

QByteArray OpenAIProtocol::errorBody(int, const QString &message, const QString &type,
                                     const QString &code, const QByteArray &requestId) const
{
    return OpenAIError::body(message, type, code, requestId);
}

QByteArray OpenAIProtocol::streamError(const QString &message, const QByteArray &requestId)
{
    return OpenAIError::streamEvent(message, QStringLiteral("upstream_error"), requestId);
}

QByteArray OpenAIProtocol::convertChunk(const QJsonObject &chunk)
{
    const bool usageOnly = chunk.value(QStringLiteral("choices")).toArray().isEmpty() &&
                           chunk.value(QStringLiteral("usage")).isObject();
    if (usageOnly && !m_clientWantsUsage)
        return {};
    return "data: " + QJsonDocument(chunk).toJson(QJsonDocument::Compact) + "\n\n";
}
