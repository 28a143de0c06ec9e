#pragma once

// Internal to the mock upstream library: the Anthropic Messages responder (mockanthropic.cpp)
// builds its answers as plain data; MockUpstream (mockupstream.cpp) writes them to the socket,
// so the delay, hold and drop machinery is shared by both wire formats.

#include "mockupstream.h"

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

namespace MockWire {

/// A JSON string literal (quotes included) for \a text, escaped as QJsonDocument does.
QByteArray quoted(const QString &text);

/// What to answer one request with.
struct Reply
{
    int status = 200;
    QByteArray contentType;
    QByteArray body;                              ///< Complete answers.
    QList<QByteArray> events;                     ///< Streamed answers (when stream is set).
    bool stream = false;                          ///< Chunked SSE: one chunk per event.
    QList<QPair<QByteArray, QByteArray>> headers; ///< Sent after the common ones.
    int dropAfter = -1;                           ///< Close the socket after this many events.
    bool closeAfter = false;                      ///< `Connection: close`, closed once written.
};

/// True for paths the Anthropic responder answers (`/v1/messages...`).
bool isAnthropicPath(const QByteArray &path);

/// Anthropic's answer to \a request (path without query: \a path) for \a scenario; \a requiredKey
/// is the key `x-api-key` must carry (empty: any non-empty key).
Reply anthropicReply(const MockUpstream::Request &request, const QByteArray &path,
                     const QByteArray &scenario, const QByteArray &requiredKey);

} // namespace MockWire
