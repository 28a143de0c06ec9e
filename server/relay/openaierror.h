#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>

/// Errors in the OpenAI wire format: {"error":{"message","type","code"},"aiproxy":"<request id>"}.
namespace OpenAIError {

QByteArray body(const QString &message, const QString &type, const QJsonValue &code,
                const QByteArray &requestId);

/// What the client gets for an upstream answer with non-2xx \a upstreamStatus.
struct Mapped
{
    int status = 502;
    QByteArray body; ///< In OpenAI's format.
    QString message;
    QString type;
    QJsonValue code;
};

/// Keeps the provider's error object when it sent one (OpenAI shape or a plain message), adds
/// the request id, and maps statuses that would mislead the client: the channel's own
/// credentials failing (401/403) becomes 502, since the client's token was fine.
Mapped mapUpstream(int upstreamStatus, const QByteArray &upstreamBody, const QByteArray &requestId);

/// SSE event carrying an error in the middle of a stream (`data: {"error":…}\n\n`).
QByteArray streamEvent(const QString &message, const QString &type, const QByteArray &requestId);

} // namespace OpenAIError
