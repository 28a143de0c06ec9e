#pragma once

#include "relay/streamframer.h"

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

/// AWS's binary event stream (`application/vnd.amazon.eventstream`) carrying a Bedrock
/// InvokeModelWithResponseStream answer, re-framed as Anthropic's SSE stream.
///
/// A message is: total length (uint32 BE), headers length (uint32 BE), CRC32 of those 8 bytes,
/// the headers (name length uint8, name, value type uint8, value), the payload, and the CRC32
/// of everything before it. Both CRCs are verified (zlib's CRC-32); a message is at most
/// kMaxMessageBytes long.
///
/// - `:message-type` event with `:event-type` chunk: the payload is `{"bytes":"<base64>"}`
///   around one Anthropic stream event; it becomes an Event whose `event` is the inner JSON's
///   `type`, `data` the inner JSON and `raw` `event: <type>\ndata: <json>\n\n`.
/// - `:message-type` exception (`:exception-type`, payload `{"message":…}`) or error
///   (`:error-code`, `:error-message`), a bad CRC, a bad length or a stream ending inside a
///   message: one Anthropic `error` event (`{"type":"error","error":{"type","message"}}`), after
///   which everything is ignored.
/// - Other messages (other event types, messages without `:message-type`) are skipped.
class EventStreamFramer final : public StreamFramer
{
public:
    static constexpr qsizetype kPreludeBytes = 12;
    static constexpr qsizetype kMinMessageBytes = 16; ///< Prelude and message CRC.
    static constexpr qsizetype kMaxMessageBytes = 16 * 1024 * 1024;

    /// One decoded message. Header values: strings and byte arrays as they are, integers and
    /// timestamps in decimal, booleans "true"/"false", UUIDs in hex.
    struct Message
    {
        QList<QPair<QByteArray, QByteArray>> headers;
        QByteArray payload;
        /// The value of header \a name (exact name), or an empty array.
        QByteArray header(QByteArrayView name) const;
    };

    bool accepts(QByteArrayView contentType) const override
    {
        return contentType.contains("application/vnd.amazon.eventstream");
    }
    QList<SseParser::Event> feed(const QByteArray &bytes) override;
    QList<SseParser::Event> finish() override;

    /// Decodes the complete message \a frame (exactly one message, CRCs included). On failure
    /// returns false with \a error set.
    static bool decodeMessage(QByteArrayView frame, Message *message, QString *error);
    /// The Anthropic error event ending a stream: `type` \a errorType, `message` \a message.
    static SseParser::Event errorEvent(const QString &errorType, const QString &message);

private:
    /// Appends the events of one decoded message; false when it ends the stream.
    bool appendEvents(const Message &message, QList<SseParser::Event> *events);
    void fail(const QString &message, QList<SseParser::Event> *events);

    QByteArray m_buffer;
    bool m_failed = false;
};
