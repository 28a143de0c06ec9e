#include "responsesprotocol.h"

#include "openaierror.h"

#include <QJsonDocument>

ResponsesProtocol::ResponsesProtocol(const QJsonObject &originalRequest)
    : m_request(originalRequest)
    , m_encoder(originalRequest)
{
}

QByteArray ResponsesProtocol::errorBody(int, const QString &message, const QString &type,
                                        const QString &code, const QByteArray &requestId) const
{
    return OpenAIError::body(message, type, code, requestId);
}

QByteArray ResponsesProtocol::streamError(const QString &message, const QByteArray &)
{
    return m_encoder.finish(message);
}

QByteArray ResponsesProtocol::convertResponse(const QByteArray &upstreamBody)
{
    return QJsonDocument(ResponsesOpenAI::toResponsesResponse(
                             QJsonDocument::fromJson(upstreamBody).object(), m_request))
        .toJson(QJsonDocument::Compact);
}

QByteArray ResponsesProtocol::convertChunk(const QJsonObject &chunk)
{
    return m_encoder.onChunk(chunk);
}

QByteArray ResponsesProtocol::finishStream()
{
    return m_encoder.finish();
}
