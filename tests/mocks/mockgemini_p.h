#pragma once

// Internal to the mock upstream library: the Google Gemini API responder (mockgemini.cpp).

#include "mockupstream.h"
#include "mockwire_p.h"

namespace MockWire {

/// True for paths the Gemini responder answers (`/v1beta/models/...`).
bool isGeminiPath(const QByteArray &path);

/// The model named in a Gemini path (`/v1beta/models/<model>:<action>`), empty for other paths.
QString geminiPathModel(const QByteArray &path);

/// Gemini's answer to \a request (path without query: \a path) for \a scenario; \a requiredKey is
/// the key `x-goog-api-key` (or `?key=`) must carry (empty: any non-empty key).
Reply geminiReply(const MockUpstream::Request &request, const QByteArray &path,
                  const QByteArray &scenario, const QByteArray &requiredKey);

} // namespace MockWire
