#pragma once

// Internal to the mock upstream library: the Anthropic Messages responder (mockanthropic.cpp).

#include "mockupstream.h"
#include "mockwire_p.h"

#include <QJsonObject>

namespace MockWire {

/// True for paths the Anthropic responder answers (`/v1/messages...`).
bool isAnthropicPath(const QByteArray &path);

/// Anthropic's answer to \a request (path without query: \a path) for \a scenario; \a requiredKey
/// is the key `x-api-key` must carry (empty: any non-empty key).
Reply anthropicReply(const MockUpstream::Request &request, const QByteArray &path,
                     const QByteArray &scenario, const QByteArray &requiredKey);

/// Anthropic's answer to the valid Messages request \a body (its `model` and `stream` decide the
/// answer's model and framing) for request number \a id: a message, or its SSE events.
/// Scenarios `drop-mid-stream` and `error-event-mid-stream` shape the stream.
Reply anthropicMessageReply(const QJsonObject &body, int id, const QByteArray &scenario);

} // namespace MockWire
