#pragma once

#include "clientprotocol.h"

/// OpenAI clients. From an OpenAI-format upstream the bytes pass through unchanged; from
/// another upstream the decoded chunks are written as `data:` events, the usage-only chunk
/// only when the client asked for it (stream_options.include_usage).
class OpenAIProtocol final : public ClientProtocol
{
public:
    explicit OpenAIProtocol(bool clientWantsUsage = false)
        : m_clientWantsUsage(clientWantsUsage)
    {
    }
    bool isPassthrough() const override { return true; }
    QByteArray errorBody(int status, const QString &message, const QString &type,
                         const QString &code, const QByteArray &requestId) const override;
    QByteArray streamError(const QString &message, const QByteArray &requestId) override;
    QByteArray convertResponse(const QByteArray &upstreamBody) override { return upstreamBody; }
    QByteArray convertChunk(const QJsonObject &chunk) override;
    QByteArray finishStream() override { return "data: [DONE]\n\n"; }

private:
    bool m_clientWantsUsage;
};
