#include "geminiprotocol.h"

#include <QJsonDocument>

GeminiProtocol::GeminiProtocol(const QString &model)
    : m_model(model)
    , m_encoder(model)
{
}

QByteArray GeminiProtocol::errorBody(int status, const QString &message, const QString &,
                                     const QString &, const QByteArray &) const
{
    return GeminiOpenAI::geminiErrorBody(status, message);
}

QByteArray GeminiProtocol::streamError(const QString &message, const QByteArray &)
{
    return m_encoder.finish(message);
}

QByteArray GeminiProtocol::convertResponse(const QByteArray &upstreamBody)
{
    return QJsonDocument(GeminiOpenAI::toGeminiResponse(
                             QJsonDocument::fromJson(upstreamBody).object(), m_model))
        .toJson(QJsonDocument::Compact);
}

QByteArray GeminiProtocol::convertChunk(const QJsonObject &chunk)
{
    return m_encoder.onChunk(chunk);
}

QByteArray GeminiProtocol::finishStream()
{
    return m_encoder.finish();
}
