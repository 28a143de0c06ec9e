#include "eventstreamframer.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QtEndian>

#include <zlib.h>

namespace {

quint32 crc32Of(QByteArrayView bytes)
{
    return quint32(crc32_z(crc32_z(0L, Z_NULL, 0), reinterpret_cast<const Bytef *>(bytes.data()),
                           size_t(bytes.size())));
}

quint32 be32(QByteArrayView bytes, qsizetype at)
{
    return qFromBigEndian<quint32>(bytes.data() + at);
}

/// Anthropic's error type for a Bedrock stream exception.
QString anthropicErrorType(const QByteArray &exceptionType)
{
    if (exceptionType == "throttlingException" || exceptionType == "serviceQuotaExceededException")
        return QStringLiteral("rate_limit_error");
    if (exceptionType == "serviceUnavailableException")
        return QStringLiteral("overloaded_error");
    if (exceptionType == "validationException")
        return QStringLiteral("invalid_request_error");
    return QStringLiteral("api_error");
}

} // namespace

QByteArray EventStreamFramer::Message::header(QByteArrayView name) const
{
    for (const auto &[key, value] : headers) {
        if (key == name)
            return value;
    }
    return {};
}

bool EventStreamFramer::decodeMessage(QByteArrayView frame, Message *message, QString *error)
{
    if (frame.size() < kMinMessageBytes) {
        *error = QStringLiteral("event stream message shorter than its prelude");
        return false;
    }
    const quint32 total = be32(frame, 0);
    const quint32 headersLength = be32(frame, 4);
    if (crc32Of(frame.first(8)) != be32(frame, 8)) {
        *error = QStringLiteral("event stream prelude CRC mismatch");
        return false;
    }
    if (total != quint64(frame.size()) || headersLength > total - kMinMessageBytes) {
        *error = QStringLiteral("event stream message lengths are inconsistent");
        return false;
    }
    if (crc32Of(frame.first(total - 4)) != be32(frame, total - 4)) {
        *error = QStringLiteral("event stream message CRC mismatch");
        return false;
    }
    message->headers.clear();
    const QByteArrayView headers = frame.sliced(kPreludeBytes, headersLength);
    qsizetype at = 0;
    const auto need = [&](qsizetype bytes) { return at + bytes <= headers.size(); };
    while (at < headers.size()) {
        const qsizetype nameLength = quint8(headers.at(at++));
        if (nameLength == 0 || !need(nameLength + 1)) {
            *error = QStringLiteral("malformed event stream header");
            return false;
        }
        const QByteArray name = headers.sliced(at, nameLength).toByteArray();
        at += nameLength;
        const int type = quint8(headers.at(at++));
        QByteArray value;
        qsizetype fixed = -1; // Length of a fixed-size value.
        switch (type) {
        case 0:
            value = "true";
            break;
        case 1:
            value = "false";
            break;
        case 2:
            fixed = 1;
            break;
        case 3:
            fixed = 2;
            break;
        case 4:
            fixed = 4;
            break;
        case 5:
        case 8: // Timestamp: milliseconds since the epoch.
            fixed = 8;
            break;
        case 6:
        case 7: {
            if (!need(2)) {
                *error = QStringLiteral("malformed event stream header");
                return false;
            }
            const qsizetype length = qFromBigEndian<quint16>(headers.data() + at);
            at += 2;
            if (!need(length)) {
                *error = QStringLiteral("malformed event stream header");
                return false;
            }
            value = headers.sliced(at, length).toByteArray();
            at += length;
            break;
        }
        case 9:
            if (!need(16)) {
                *error = QStringLiteral("malformed event stream header");
                return false;
            }
            value = headers.sliced(at, 16).toByteArray().toHex();
            at += 16;
            break;
        default:
            *error = QStringLiteral("unknown event stream header type %1").arg(type);
            return false;
        }
        if (fixed > 0) {
            if (!need(fixed)) {
                *error = QStringLiteral("malformed event stream header");
                return false;
            }
            const char *data = headers.data() + at;
            const qint64 number = fixed == 1   ? qint64(qint8(*data))
                                  : fixed == 2 ? qint64(qFromBigEndian<qint16>(data))
                                  : fixed == 4 ? qint64(qFromBigEndian<qint32>(data))
                                               : qFromBigEndian<qint64>(data);
            value = QByteArray::number(number);
            at += fixed;
        }
        message->headers.append({name, value});
    }
    message->payload =
        frame.sliced(kPreludeBytes + headersLength, total - kMinMessageBytes - headersLength)
            .toByteArray();
    return true;
}

SseParser::Event EventStreamFramer::errorEvent(const QString &errorType, const QString &message)
{
    return reframed("error",
                    QJsonDocument(QJsonObject{{QStringLiteral("type"), QStringLiteral("error")},
                                              {QStringLiteral("error"),
                                               QJsonObject{{QStringLiteral("type"), errorType},
                                                           {QStringLiteral("message"), message}}}})
                        .toJson(QJsonDocument::Compact));
}

void EventStreamFramer::fail(const QString &message, QList<SseParser::Event> *events)
{
    m_failed = true;
    m_buffer.clear();
    events->append(errorEvent(QStringLiteral("api_error"), message));
}

bool EventStreamFramer::appendEvents(const Message &message, QList<SseParser::Event> *events)
{
    const QByteArray messageType = message.header(":message-type");
    if (messageType == "exception") {
        const QByteArray exceptionType = message.header(":exception-type");
        QString text = QJsonDocument::fromJson(message.payload)
                           .object()
                           .value(QStringLiteral("message"))
                           .toString();
        if (text.isEmpty())
            text = QString::fromUtf8(message.payload);
        m_failed = true;
        events->append(errorEvent(
            anthropicErrorType(exceptionType),
            QStringLiteral("Bedrock %1: %2").arg(QString::fromUtf8(exceptionType), text)));
        return false;
    }
    if (messageType == "error") {
        fail(QStringLiteral("Bedrock %1: %2")
                 .arg(QString::fromUtf8(message.header(":error-code")),
                      QString::fromUtf8(message.header(":error-message"))),
             events);
        return false;
    }
    if (messageType != "event" || message.header(":event-type") != "chunk")
        return true;
    const QByteArray bytes = QByteArray::fromBase64(QJsonDocument::fromJson(message.payload)
                                                        .object()
                                                        .value(QStringLiteral("bytes"))
                                                        .toString()
                                                        .toLatin1());
    QJsonParseError parseError{};
    const QJsonDocument inner = QJsonDocument::fromJson(bytes, &parseError);
    if (parseError.error != QJsonParseError::NoError || !inner.isObject()) {
        fail(QStringLiteral("Bedrock stream chunk is not a JSON object"), events);
        return false;
    }
    // SSE data must stay on one line; Bedrock's JSON normally is compact already.
    events->append(reframed(inner.object().value(QStringLiteral("type")).toString().toUtf8(),
                            bytes.contains('\n') || bytes.contains('\r')
                                ? inner.toJson(QJsonDocument::Compact)
                                : bytes));
    return true;
}

QList<SseParser::Event> EventStreamFramer::feed(const QByteArray &bytes)
{
    QList<SseParser::Event> events;
    if (m_failed)
        return events;
    m_buffer += bytes;
    qsizetype at = 0;
    while (m_buffer.size() - at >= kPreludeBytes) {
        const QByteArrayView rest = QByteArrayView(m_buffer).sliced(at);
        if (crc32Of(rest.first(8)) != be32(rest, 8)) {
            fail(QStringLiteral("event stream prelude CRC mismatch"), &events);
            return events;
        }
        const quint32 total = be32(rest, 0);
        if (total < kMinMessageBytes || total > kMaxMessageBytes ||
            be32(rest, 4) > total - kMinMessageBytes) {
            fail(QStringLiteral("event stream message of invalid length %1").arg(total), &events);
            return events;
        }
        if (rest.size() < qsizetype(total))
            break;
        Message message;
        QString error;
        if (!decodeMessage(rest.first(total), &message, &error)) {
            fail(error, &events);
            return events;
        }
        at += total;
        if (!appendEvents(message, &events)) {
            m_buffer.clear();
            return events;
        }
    }
    m_buffer.remove(0, at);
    return events;
}

QList<SseParser::Event> EventStreamFramer::finish()
{
    QList<SseParser::Event> events;
    if (!m_failed && !m_buffer.isEmpty())
        fail(QStringLiteral("the event stream ended inside a message"), &events);
    return events;
}
