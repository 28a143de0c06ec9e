#pragma once

#include "clientprotocol.h"
#include "protocol/responsesopenai.h"

/// OpenAI Responses clients (POST /v1/responses, Codex CLI) served by a Chat Completions
/// upstream: answers and streams converted with ResponsesOpenAI; errors in OpenAI's shape.
class ResponsesProtocol final : public ClientProtocol
{
public:
    explicit ResponsesProtocol(const QJsonObject &originalRequest);

    QByteArray errorBody(int status, const QString &message, const QString &type,
                         const QString &code, const QByteArray &requestId) const override;
    QByteArray streamError(const QString &message, const QByteArray &requestId) override;
    QByteArray convertResponse(const QByteArray &upstreamBody) override;
    QByteArray convertChunk(const QJsonObject &chunk) override;
    QByteArray finishStream() override;

private:
    QJsonObject m_request;
    ResponsesStreamEncoder m_encoder;
};
