#pragma once

#include "clientprotocol.h"

/// OpenAI clients: upstream bytes pass through unchanged; errors in OpenAI's shape.
class OpenAIProtocol final : public ClientProtocol
{
public:
    bool isPassthrough() const override { return true; }
    QByteArray errorBody(int status, const QString &message, const QString &type,
                         const QString &code, const QByteArray &requestId) const override;
    QByteArray streamError(const QString &message, const QByteArray &requestId) override;
    QByteArray convertResponse(const QByteArray &upstreamBody) override { return upstreamBody; }
    QByteArray convertChunk(const QJsonObject &) override { return {}; }
    QByteArray finishStream() override { return {}; }
};
