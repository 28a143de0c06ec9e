#include "geminiprotocol.h"

#include <QJsonDocument>

GeminiProtocol::GeminiProtocol(const QString &model)
    : EncodingProtocol(model)
    , m_model(model)
{
}

QByteArray GeminiProtocol::errorBody(int status, const QString &message, const QString &,
                                     const QString &, const QByteArray &) const
{
    return GeminiOpenAI::geminiErrorBody(status, message);
}

QByteArray GeminiProtocol::convertResponse(const QByteArray &upstreamBody)
{
    return QJsonDocument(GeminiOpenAI::toGeminiResponse(
                             QJsonDocument::fromJson(upstreamBody).object(), m_model))
        .toJson(QJsonDocument::Compact);
}
