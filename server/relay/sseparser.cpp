#include "sseparser.h"

namespace {

/// Position just past the first blank line (event terminator) at or after \a from, or -1.
qsizetype findEventEnd(const QByteArray &buffer, qsizetype from)
{
    // A blank line is a line terminator (\r\n, \n or \r) directly after another one.
    const char *data = buffer.constData();
    const qsizetype size = buffer.size();
    bool atLineStart = true; // \a from is always the start of an event.
    for (qsizetype i = from; i < size; ++i) {
        const char c = data[i];
        if (c == '\n' || c == '\r') {
            qsizetype next = i + 1;
            if (c == '\r') {
                if (next >= size)
                    return -1; // Need the next byte to know whether \r\n follows.
                if (data[next] == '\n')
                    ++next;
            }
            if (atLineStart)
                return next;
            atLineStart = true;
            i = next - 1;
        } else {
            atLineStart = false;
        }
    }
    return -1;
}

} // namespace

SseParser::Event SseParser::parseBlock(const QByteArray &raw)
{
    Event event;
    event.raw = raw;
    bool anyField = false;
    qsizetype pos = 0;
    while (pos < raw.size()) {
        qsizetype end = pos;
        while (end < raw.size() && raw[end] != '\n' && raw[end] != '\r')
            ++end;
        const QByteArray line = QByteArray::fromRawData(raw.constData() + pos, end - pos);
        pos = end;
        if (pos < raw.size() && raw[pos] == '\r')
            ++pos;
        if (pos < raw.size() && raw[pos] == '\n')
            ++pos;
        if (line.isEmpty() || line.startsWith(':'))
            continue;
        const qsizetype colon = line.indexOf(':');
        const QByteArray field = colon < 0 ? line : line.left(colon);
        QByteArray value = colon < 0 ? QByteArray() : line.mid(colon + 1);
        if (value.startsWith(' '))
            value = value.mid(1);
        anyField = true;
        if (field == "data") {
            if (!event.data.isNull())
                event.data += '\n';
            event.data.append(value.constData(), value.size());
            if (event.data.isNull())
                event.data = QByteArray("");
        } else if (field == "event") {
            event.event = QByteArray(value.constData(), value.size());
        }
    }
    event.isCommentOnly = !anyField;
    return event;
}

QList<SseParser::Event> SseParser::feed(const QByteArray &bytes)
{
    QList<Event> events;
    m_buffer += bytes;
    qsizetype start = 0;
    // The buffer only ever holds the current incomplete event, so rescanning it is cheap.
    while (true) {
        const qsizetype end = findEventEnd(m_buffer, start);
        if (end < 0)
            break;
        events.append(parseBlock(m_buffer.mid(start, end - start)));
        start = end;
    }
    if (start > 0)
        m_buffer.remove(0, start);
    return events;
}

QList<SseParser::Event> SseParser::finish()
{
    QList<Event> events;
    if (!m_buffer.trimmed().isEmpty())
        events.append(parseBlock(m_buffer));
    m_buffer.clear();
    return events;
}
