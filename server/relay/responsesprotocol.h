#pragma once

#include "encodingprotocol.h"
#include "protocol/responsesopenai.h"

/// OpenAI Responses clients (POST /v1/responses, Codex CLI) served by a Chat Completions
/// upstream: answers and streams converted with ResponsesOpenAI; errors in OpenAI's shape.
class ResponsesProtocol final : public EncodingProtocol<ResponsesStreamEncoder>
{
public:
    explicit ResponsesProtocol(const QJsonObject &originalRequest);

    QByteArray errorBody(int status, const QString &message, const QString &type,
                         const QString &code, const QByteArray &requestId) const override;
    QByteArray convertResponse(const QByteArray &upstreamBody) override;

private:
    QJsonObject m_request;
};
