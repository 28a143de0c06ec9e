#include "ndjsonframer.h"

#include <QJsonDocument>
#include <QJsonObject>

NdjsonFramer::NdjsonFramer(qsizetype maxLineBytes)
    : m_maxLineBytes(maxLineBytes)
{
}

bool NdjsonFramer::accepts(QByteArrayView contentType) const
{
    const QByteArray type = contentType.toByteArray().toLower();
    return type.contains("application/x-ndjson") || type.contains("application/ndjson");
}

SseParser::Event NdjsonFramer::lineEvent(const QByteArray &line)
{
    return reframed({}, line);
}

void NdjsonFramer::fail(QList<SseParser::Event> *events)
{
    m_failed = true;
    m_buffer.clear();
    m_scanned = 0;
    events->append(reframed(
        "error", QJsonDocument(QJsonObject{{QStringLiteral("error"),
                                            QStringLiteral("upstream stream line exceeds %1 bytes")
                                                .arg(m_maxLineBytes)}})
                     .toJson(QJsonDocument::Compact)));
}

QList<SseParser::Event> NdjsonFramer::feed(const QByteArray &bytes)
{
    QList<SseParser::Event> events;
    if (m_failed)
        return events;
    m_buffer += bytes;
    qsizetype start = 0;
    while (true) {
        const qsizetype newline = m_buffer.indexOf('\n', qMax(start, m_scanned));
        if (newline < 0)
            break;
        qsizetype end = newline;
        if (end > start && m_buffer.at(end - 1) == '\r')
            --end;
        if (end - start > m_maxLineBytes) {
            fail(&events);
            return events;
        }
        const QByteArray line = m_buffer.sliced(start, end - start).trimmed();
        if (!line.isEmpty())
            events.append(lineEvent(line));
        start = newline + 1;
    }
    m_buffer.remove(0, start);
    m_scanned = m_buffer.size();
    if (m_buffer.size() > m_maxLineBytes + 1) // +1: a "\r" that may precede the "\n".
        fail(&events);
    return events;
}

QList<SseParser::Event> NdjsonFramer::finish()
{
    if (m_failed)
        return {};
    const QByteArray line = m_buffer.trimmed();
    m_buffer.clear();
    m_scanned = 0;
    if (line.isEmpty())
        return {};
    return {lineEvent(line)};
}
