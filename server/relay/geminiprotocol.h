#pragma once

#include "clientprotocol.h"
#include "protocol/geminiopenai.h"

/// Gemini clients (generateContent / streamGenerateContent) served by an OpenAI-format
/// upstream: answers and streams converted with GeminiOpenAI, errors in Google's shape.
class GeminiProtocol final : public ClientProtocol
{
public:
    explicit GeminiProtocol(const QString &model);

    QByteArray errorBody(int status, const QString &message, const QString &type,
                         const QString &code, const QByteArray &requestId) const override;
    QByteArray streamError(const QString &message, const QByteArray &requestId) override;
    QByteArray convertResponse(const QByteArray &upstreamBody) override;
    QByteArray convertChunk(const QJsonObject &chunk) override;
    QByteArray finishStream() override;

private:
    QString m_model;
    GeminiStreamEncoder m_encoder;
};
