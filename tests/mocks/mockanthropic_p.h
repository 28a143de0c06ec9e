#pragma once

// Internal to the mock upstream library: the Anthropic Messages responder (mockanthropic.cpp).

#include "mockupstream.h"
#include "mockwire_p.h"

namespace MockWire {

/// True for paths the Anthropic responder answers (`/v1/messages...`).
bool isAnthropicPath(const QByteArray &path);

/// Anthropic's answer to \a request (path without query: \a path) for \a scenario; \a requiredKey
/// is the key `x-api-key` must carry (empty: any non-empty key).
Reply anthropicReply(const MockUpstream::Request &request, const QByteArray &path,
                     const QByteArray &scenario, const QByteArray &requiredKey);

} // namespace MockWire
