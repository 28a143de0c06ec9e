#include "responsesprotocol.h"

#include "openaierror.h"

#include <QJsonDocument>

ResponsesProtocol::ResponsesProtocol(const QJsonObject &originalRequest)
    : EncodingProtocol(originalRequest)
    , m_request(originalRequest)
{
}

QByteArray ResponsesProtocol::errorBody(int, const QString &message, const QString &type,
                                        const QString &code, const QByteArray &requestId) const
{
    return OpenAIError::body(message, type, code, requestId);
}

QByteArray ResponsesProtocol::convertResponse(const QByteArray &upstreamBody)
{
    return QJsonDocument(ResponsesOpenAI::toResponsesResponse(
                             QJsonDocument::fromJson(upstreamBody).object(), m_request))
        .toJson(QJsonDocument::Compact);
}
