#pragma once

#include "clientprotocol.h"

#include <utility>

/// A client protocol whose streams are produced by a stream encoder (AnthropicStreamEncoder,
/// GeminiStreamEncoder, ResponsesStreamEncoder: onChunk(chunk), finish(errorMessage)).
/// Subclasses add the error format and the conversion of whole answers.
template<typename Encoder> class EncodingProtocol : public ClientProtocol
{
public:
    template<typename... Arguments>
    explicit EncodingProtocol(Arguments &&...arguments)
        : m_encoder(std::forward<Arguments>(arguments)...)
    {
    }

    QByteArray streamError(const QString &message, const QByteArray &) override
    {
        return m_encoder.finish(message);
    }
    QByteArray convertChunk(const QJsonObject &chunk) override { return m_encoder.onChunk(chunk); }
    QByteArray finishStream() override { return m_encoder.finish(); }

private:
    Encoder m_encoder;
};
