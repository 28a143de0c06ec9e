#pragma once

#include "encodingprotocol.h"
#include "protocol/anthropicopenai.h"

/// Anthropic Messages clients served by an OpenAI-format upstream: answers and streams are
/// converted with AnthropicOpenAI / AnthropicStreamEncoder, errors use Anthropic's shape.
class AnthropicProtocol final : public EncodingProtocol<AnthropicStreamEncoder>
{
public:
    /// \a model is the client's model name (reported back); \a inputTokensEstimate feeds the
    /// streamed message_start before the upstream's usage is known.
    AnthropicProtocol(const QString &model, qint64 inputTokensEstimate);

    QByteArray errorBody(int status, const QString &message, const QString &type,
                         const QString &code, const QByteArray &requestId) const override;
    QByteArray convertResponse(const QByteArray &upstreamBody) override;

private:
    QString m_model;
};
