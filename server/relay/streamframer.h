#pragma once

#include "sseparser.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QList>

/// Cuts an upstream's streamed answer into events. One instance per request; it buffers at
/// most the current incomplete frame.
///
/// Every event carries `raw` bytes in SSE framing, so a stream in a non-SSE framing (Bedrock's
/// binary event stream, Ollama's NDJSON) can still be forwarded to a client of the same
/// protocol: the framer re-frames it as `event:`/`data:` lines. A framing error (a bad CRC,
/// an oversized frame) ends the stream with an event the adaptor's decoder understands as an
/// upstream error.
class StreamFramer
{
public:
    virtual ~StreamFramer() = default;
    /// True when a response of \a contentType is a stream in this framing.
    virtual bool accepts(QByteArrayView contentType) const = 0;
    virtual QList<SseParser::Event> feed(const QByteArray &bytes) = 0;
    /// Whatever was left unterminated at the end of the stream.
    virtual QList<SseParser::Event> finish() = 0;

protected:
    /// An event named \a name (unnamed when empty) carrying \a data (one line), with `raw` its
    /// SSE framing: `event: <name>\n` (only when named), `data: <data>\n\n`.
    static SseParser::Event reframed(const QByteArray &name, const QByteArray &data)
    {
        SseParser::Event event;
        event.event = name;
        event.data = data;
        event.raw =
            (name.isEmpty() ? QByteArray() : "event: " + name + '\n') + "data: " + data + "\n\n";
        return event;
    }
};

/// Server-Sent Events (`text/event-stream`): the default framing.
class SseFramer final : public StreamFramer
{
public:
    bool accepts(QByteArrayView contentType) const override
    {
        return contentType.contains("text/event-stream");
    }
    QList<SseParser::Event> feed(const QByteArray &bytes) override { return m_parser.feed(bytes); }
    QList<SseParser::Event> finish() override { return m_parser.finish(); }

private:
    SseParser m_parser;
};
