#include "chatstream.h"

#include "relay/sseparser.h"

#include <QJsonArray>
#include <QJsonDocument>

ChatStream ChatStream::fromChunks(const QList<QJsonObject> &chunks)
{
    ChatStream stream;
    for (const QJsonObject &chunk : chunks) {
        const QString object = chunk.value(QStringLiteral("object")).toString();
        if (!stream.objects.contains(object))
            stream.objects << object;
        if (chunk.value(QStringLiteral("error")).isObject())
            stream.error = chunk.value(QStringLiteral("error")).toObject();
        if (chunk.value(QStringLiteral("usage")).isObject())
            stream.usage = chunk.value(QStringLiteral("usage")).toObject();
        const QJsonObject choice =
            chunk.value(QStringLiteral("choices")).toArray().first().toObject();
        const QJsonObject delta = choice.value(QStringLiteral("delta")).toObject();
        stream.text += delta.value(QStringLiteral("content")).toString();
        stream.reasoning += delta.value(QStringLiteral("reasoning_content")).toString();
        for (const QJsonValue &call : delta.value(QStringLiteral("tool_calls")).toArray()) {
            const QJsonObject function =
                call.toObject().value(QStringLiteral("function")).toObject();
            if (function.contains(QStringLiteral("name")))
                stream.toolName = function.value(QStringLiteral("name")).toString();
            stream.toolArguments += function.value(QStringLiteral("arguments")).toString();
        }
        if (choice.value(QStringLiteral("finish_reason")).isString())
            stream.finishReason = choice.value(QStringLiteral("finish_reason")).toString();
    }
    return stream;
}

ChatStream ChatStream::fromSse(const QByteArray &body)
{
    SseParser parser;
    QList<QJsonObject> chunks;
    bool done = false;
    for (const SseParser::Event &event : parser.feed(body) + parser.finish()) {
        if (event.data == "[DONE]")
            done = true;
        else if (!event.isCommentOnly)
            chunks << QJsonDocument::fromJson(event.data).object();
    }
    ChatStream stream = fromChunks(chunks);
    stream.done = done;
    return stream;
}
