#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>

/// The protocol a client speaks to the relay. Upstream, the relay talks OpenAI Chat
/// Completions; a client protocol turns the upstream's answers and the gateway's own errors
/// into the client's wire format.
///
/// One instance per request (a stream conversion keeps state); used on the request's thread.
/// Stream conversions must keep constant memory: no accumulated text.
class ClientProtocol
{
public:
    virtual ~ClientProtocol() = default;

    /// True: upstream SSE events and bodies go to the client as they are.
    virtual bool isPassthrough() const { return false; }
    /// A complete error response body in the client's format.
    virtual QByteArray errorBody(int status, const QString &message, const QString &type,
                                 const QString &code, const QByteArray &requestId) const = 0;
    /// Bytes that report \a message in the middle of a stream; nothing is sent after them.
    virtual QByteArray streamError(const QString &message, const QByteArray &requestId) = 0;
    /// Converts a successful non-streamed upstream body.
    virtual QByteArray convertResponse(const QByteArray &upstreamBody) = 0;
    /// Converts one parsed upstream stream chunk into bytes for the client (possibly none).
    virtual QByteArray convertChunk(const QJsonObject &chunk) = 0;
    /// Bytes that end a stream that completed normally.
    virtual QByteArray finishStream() = 0;
};
