#include "openaiprotocol.h"

#include "openaierror.h"

QByteArray OpenAIProtocol::errorBody(int, const QString &message, const QString &type,
                                     const QString &code, const QByteArray &requestId) const
{
    return OpenAIError::body(message, type, code, requestId);
}

QByteArray OpenAIProtocol::streamError(const QString &message, const QByteArray &requestId)
{
    return OpenAIError::streamEvent(message, QStringLiteral("upstream_error"), requestId);
}
