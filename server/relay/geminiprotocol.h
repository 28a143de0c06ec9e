#pragma once

#include "encodingprotocol.h"
#include "protocol/geminiopenai.h"

/// Gemini clients (generateContent / streamGenerateContent) served by an OpenAI-format
/// upstream: answers and streams converted with GeminiOpenAI, errors in Google's shape.
class GeminiProtocol final : public EncodingProtocol<GeminiStreamEncoder>
{
public:
    explicit GeminiProtocol(const QString &model);

    QByteArray errorBody(int status, const QString &message, const QString &type,
                         const QString &code, const QByteArray &requestId) const override;
    QByteArray convertResponse(const QByteArray &upstreamBody) override;

private:
    QString m_model;
};
