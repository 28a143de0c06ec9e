#pragma once

#include "relay/streamframer.h"

/// Newline-delimited JSON (`application/x-ndjson`, Ollama's streams): one JSON value per line.
///
/// Every complete non-blank line becomes an event whose `data` is the line (without its line
/// terminator, "\n" or "\r\n") and whose `raw` is that line re-framed as SSE (`data: <line>\n\n`).
/// A line longer than the limit ends the stream: it yields one event named "error" whose data is
/// `{"error":"…"}` (the shape of Ollama's own error lines, so the decoder reports it as an
/// upstream error), and every later byte is ignored. Memory: at most the current line.
class NdjsonFramer final : public StreamFramer
{
public:
    static constexpr qsizetype kDefaultMaxLineBytes = 16 * 1024 * 1024;

    explicit NdjsonFramer(qsizetype maxLineBytes = kDefaultMaxLineBytes);

    bool accepts(QByteArrayView contentType) const override;
    QList<SseParser::Event> feed(const QByteArray &bytes) override;
    /// The last line when the stream ended without a final newline.
    QList<SseParser::Event> finish() override;

    /// True once a line exceeded the limit.
    bool failed() const { return m_failed; }

    /// The event carrying \a line (terminator already removed).
    static SseParser::Event lineEvent(const QByteArray &line);

private:
    /// Ends the stream: drops the buffer and appends the "error" event of an overlong line.
    void fail(QList<SseParser::Event> *events);

    QByteArray m_buffer;
    qsizetype m_scanned = 0; ///< Bytes of m_buffer known to hold no '\n'.
    qsizetype m_maxLineBytes;
    bool m_failed = false;
};
