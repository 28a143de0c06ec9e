#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>

/// What a client received in a streamed answer, for end-to-end assertions: OpenAI chunks
/// (`data: {chunk}` … `data: [DONE]`) or Anthropic Messages events (`event:` + `data:`).
struct StreamSummary
{
    QString text;          ///< Content deltas (Anthropic: text_delta), concatenated.
    QString reasoning;     ///< reasoning_content (Anthropic: thinking_delta), concatenated.
    QString toolName;      ///< The (first) tool call's function name.
    QString toolArguments; ///< The first tool call's argument pieces, concatenated.
    QString finishReason;  ///< The last finish_reason (Anthropic: stop_reason).
    QJsonObject usage;     ///< The usage object (Anthropic: message_delta's).
    QJsonObject error;     ///< An error event's `error` object.
    bool done = false;     ///< `data: [DONE]` (Anthropic: message_stop) was seen.
    int events = 0;

    /// Summarises an OpenAI chat completion stream's body.
    static StreamSummary openAI(const QByteArray &body);
    /// Summarises an Anthropic Messages stream's body.
    static StreamSummary anthropic(const QByteArray &body);
};
