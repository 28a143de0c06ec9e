#pragma once

// Internal to the mock upstream library: the Ollama native API responder (mockollama.cpp).

#include "mockupstream.h"
#include "mockwire_p.h"

namespace MockWire {

/// True for the paths the Ollama responder answers (`/api/chat`, `/api/embed`).
bool isOllamaPath(const QByteArray &path);

/// Ollama's answer to \a request (path without query: \a path) for \a scenario; \a requiredKey,
/// when set, is the Bearer token a proxy in front of Ollama would demand.
Reply ollamaReply(const MockUpstream::Request &request, const QByteArray &path,
                  const QByteArray &scenario, const QByteArray &requiredKey);

} // namespace MockWire
