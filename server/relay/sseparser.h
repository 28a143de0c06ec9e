#pragma once

#include <QByteArray>
#include <QList>

/// Incremental Server-Sent Events parser (WHATWG event-stream framing).
///
/// feed() accepts bytes split anywhere and returns the events completed by them. Each event
/// keeps its exact raw bytes (terminating blank line included) so it can be forwarded
/// unchanged. Memory: only the current incomplete event is buffered.
class SseParser
{
public:
    struct Event
    {
        QByteArray raw;   ///< Bytes of the event as received.
        QByteArray event; ///< "event:" field, empty for the default "message".
        QByteArray data;  ///< "data:" lines joined with '\n'.
        bool isCommentOnly = false;
    };

    QList<Event> feed(const QByteArray &bytes);
    /// Returns a trailing event that was not terminated by a blank line (at end of stream).
    QList<Event> finish();
    qsizetype bufferedBytes() const { return m_buffer.size(); }

    /// Parses the fields of one complete event block.
    static Event parseBlock(const QByteArray &raw);

private:
    QByteArray m_buffer;
};
