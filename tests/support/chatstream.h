#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

/// What a stream of OpenAI `chat.completion.chunk` objects delivered (first choice only), for
/// tests that check a converted or relayed stream as a whole.
struct ChatStream
{
    QString text;          ///< delta.content, joined.
    QString reasoning;     ///< delta.reasoning_content, joined.
    QString toolName;      ///< The last tool_calls[].function.name seen.
    QString toolArguments; ///< tool_calls[].function.arguments, joined.
    QString finishReason;  ///< The last finish_reason.
    QJsonObject usage;     ///< The last `usage` object.
    QJsonObject error;     ///< The `error` object of an error chunk, if any.
    QStringList objects;   ///< The distinct `object` fields of the chunks, in order.
    bool done = false;     ///< `data: [DONE]` was seen (fromSse() only).

    static ChatStream fromChunks(const QList<QJsonObject> &chunks);
    /// The SSE body of a streamed answer (`data:` events, [DONE] included).
    static ChatStream fromSse(const QByteArray &body);
};
