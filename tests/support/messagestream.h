#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>

/// What an Anthropic Messages stream (`event:` + `data:` SSE events) delivered, for tests that
/// check a converted stream as a whole; ChatStream's counterpart.
struct MessageStream
{
    QString text;          ///< text_delta pieces, joined.
    QString reasoning;     ///< thinking_delta pieces, joined.
    QString toolName;      ///< The first tool_use block's name.
    QString toolArguments; ///< input_json_delta pieces, joined.
    QString finishReason;  ///< message_delta's stop_reason.
    QJsonObject usage;     ///< message_delta's usage.
    QJsonObject error;     ///< An error event's `error` object.
    bool done = false;     ///< message_stop was seen.

    static MessageStream fromSse(const QByteArray &body);
};
