#pragma once

// Internal to the mock upstream library: the Cohere v2 API responder (mockcohere.cpp).

#include "mockupstream.h"
#include "mockwire_p.h"

namespace MockWire {

/// True for the paths the Cohere responder answers (`/v2/chat`, `/v2/embed`, `/v2/rerank`).
bool isCoherePath(const QByteArray &path);

/// Cohere's answer to \a request (path without query: \a path) for \a scenario; \a requiredKey
/// is the Bearer key it must carry (empty: any non-empty key).
Reply cohereReply(const MockUpstream::Request &request, const QByteArray &path,
                  const QByteArray &scenario, const QByteArray &requiredKey);

} // namespace MockWire
