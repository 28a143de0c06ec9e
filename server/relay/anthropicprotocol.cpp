#include "anthropicprotocol.h"

#include <QJsonDocument>

AnthropicProtocol::AnthropicProtocol(const QString &model, qint64 inputTokensEstimate)
    : m_model(model)
    , m_encoder(model, inputTokensEstimate)
{
}

QByteArray AnthropicProtocol::errorBody(int status, const QString &message, const QString &,
                                        const QString &, const QByteArray &) const
{
    // The request id travels in the X-Request-Id header; Anthropic's body has no slot for it.
    return AnthropicOpenAI::anthropicErrorBody(status, message);
}

QByteArray AnthropicProtocol::streamError(const QString &message, const QByteArray &)
{
    return m_encoder.finish(message);
}

QByteArray AnthropicProtocol::convertResponse(const QByteArray &upstreamBody)
{
    return QJsonDocument(AnthropicOpenAI::toAnthropicResponse(
                             QJsonDocument::fromJson(upstreamBody).object(), m_model))
        .toJson(QJsonDocument::Compact);
}

QByteArray AnthropicProtocol::convertChunk(const QJsonObject &chunk)
{
    return m_encoder.onChunk(chunk);
}

QByteArray AnthropicProtocol::finishStream()
{
    return m_encoder.finish();
}
