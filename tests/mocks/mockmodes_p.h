#pragma once

// Internal to the mock upstream library: the responder for OpenAI's other endpoints
// (mockmodes.cpp): images, audio, moderations, and the Jina/SiliconFlow-style rerank.

#include "mockupstream.h"
#include "mockwire_p.h"

namespace MockWire {

/// True for paths the modes responder answers (images, audio, moderations, rerank).
bool isModesPath(const QByteArray &path);

/// The answer to \a request (path without query, Azure already normalized: \a path) for
/// \a scenario (only `drop-mid-stream` matters here; the others are handled before).
Reply modesReply(const MockUpstream::Request &request, const QByteArray &path,
                 const QByteArray &scenario);

} // namespace MockWire
