#include "messagestream.h"

#include "relay/sseparser.h"

#include <QJsonDocument>

MessageStream MessageStream::fromSse(const QByteArray &body)
{
    MessageStream stream;
    SseParser parser;
    for (const SseParser::Event &sse : parser.feed(body) + parser.finish()) {
        const QByteArray &name = sse.event;
        const QJsonObject event = QJsonDocument::fromJson(sse.data).object();
        if (name == "message_stop") {
            stream.done = true;
        } else if (name == "error") {
            stream.error = event.value(QStringLiteral("error")).toObject();
        } else if (name == "message_delta") {
            stream.usage = event.value(QStringLiteral("usage")).toObject();
            stream.finishReason = event.value(QStringLiteral("delta"))
                                      .toObject()
                                      .value(QStringLiteral("stop_reason"))
                                      .toString();
        } else if (name == "content_block_start") {
            const QJsonObject block = event.value(QStringLiteral("content_block")).toObject();
            if (block.value(QStringLiteral("type")).toString() == QLatin1String("tool_use") &&
                stream.toolName.isEmpty())
                stream.toolName = block.value(QStringLiteral("name")).toString();
        } else if (name == "content_block_delta") {
            const QJsonObject delta = event.value(QStringLiteral("delta")).toObject();
            stream.text += delta.value(QStringLiteral("text")).toString();
            stream.reasoning += delta.value(QStringLiteral("thinking")).toString();
            stream.toolArguments += delta.value(QStringLiteral("partial_json")).toString();
        }
    }
    return stream;
}
