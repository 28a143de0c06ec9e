#include "anthropicprotocol.h"

#include <QJsonDocument>

AnthropicProtocol::AnthropicProtocol(const QString &model, qint64 inputTokensEstimate)
    : EncodingProtocol(model, inputTokensEstimate)
    , m_model(model)
{
}

QByteArray AnthropicProtocol::errorBody(int status, const QString &message, const QString &,
                                        const QString &, const QByteArray &) const
{
    // The request id travels in the X-Request-Id header; Anthropic's body has no slot for it.
    return AnthropicOpenAI::anthropicErrorBody(status, message);
}

QByteArray AnthropicProtocol::convertResponse(const QByteArray &upstreamBody)
{
    return QJsonDocument(AnthropicOpenAI::toAnthropicResponse(
                             QJsonDocument::fromJson(upstreamBody).object(), m_model))
        .toJson(QJsonDocument::Compact);
}
