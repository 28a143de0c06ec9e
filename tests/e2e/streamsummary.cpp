#include "streamsummary.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace {

/// The blocks of an SSE body: (event name, data) pairs.
QList<QPair<QByteArray, QByteArray>> sseBlocks(const QByteArray &body)
{
    QList<QPair<QByteArray, QByteArray>> blocks;
    for (const QByteArray &block : body.split('\n')) {
        if (block.startsWith("event: "))
            blocks.append(qMakePair(block.mid(7).trimmed(), QByteArray()));
        else if (block.startsWith("data: ")) {
            if (blocks.isEmpty() || !blocks.last().second.isEmpty())
                blocks.append(qMakePair(QByteArray(), QByteArray()));
            blocks.last().second = block.mid(6).trimmed();
        }
    }
    return blocks;
}

} // namespace

StreamSummary StreamSummary::openAI(const QByteArray &body)
{
    StreamSummary summary;
    for (const auto &[name, data] : sseBlocks(body)) {
        ++summary.events;
        if (data == "[DONE]") {
            summary.done = true;
            continue;
        }
        const QJsonObject chunk = QJsonDocument::fromJson(data).object();
        if (chunk.value("error").isObject())
            summary.error = chunk.value("error").toObject();
        if (chunk.value("usage").isObject())
            summary.usage = chunk.value("usage").toObject();
        for (const QJsonValue &value : chunk.value("choices").toArray()) {
            const QJsonObject choice = value.toObject();
            const QJsonObject delta = choice.value("delta").toObject();
            summary.text += delta.value("content").toString();
            summary.reasoning += delta.value("reasoning_content").toString();
            for (const QJsonValue &call : delta.value("tool_calls").toArray()) {
                if (call.toObject().value("index").toInt() != 0)
                    continue;
                const QJsonObject function = call.toObject().value("function").toObject();
                if (function.contains("name"))
                    summary.toolName = function.value("name").toString();
                summary.toolArguments += function.value("arguments").toString();
            }
            if (choice.value("finish_reason").isString())
                summary.finishReason = choice.value("finish_reason").toString();
        }
    }
    return summary;
}

StreamSummary StreamSummary::anthropic(const QByteArray &body)
{
    StreamSummary summary;
    for (const auto &[name, data] : sseBlocks(body)) {
        ++summary.events;
        const QJsonObject event = QJsonDocument::fromJson(data).object();
        if (name == "message_stop")
            summary.done = true;
        else if (name == "error")
            summary.error = event.value("error").toObject();
        else if (name == "message_delta") {
            summary.usage = event.value("usage").toObject();
            summary.finishReason = event.value("delta").toObject().value("stop_reason").toString();
        } else if (name == "content_block_start") {
            const QJsonObject block = event.value("content_block").toObject();
            if (block.value("type").toString() == QLatin1String("tool_use") &&
                summary.toolName.isEmpty())
                summary.toolName = block.value("name").toString();
        } else if (name == "content_block_delta") {
            const QJsonObject delta = event.value("delta").toObject();
            summary.text += delta.value("text").toString();
            summary.reasoning += delta.value("thinking").toString();
            summary.toolArguments += delta.value("partial_json").toString();
        }
    }
    return summary;
}
