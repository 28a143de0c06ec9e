#pragma once

// Internal to the mock upstream library: Google's OAuth token endpoint and Vertex AI's
// publisher endpoints (mockvertex.cpp), what a channel of type 42 calls.

#include "mockupstream.h"
#include "mockwire_p.h"

namespace MockWire {

/// Credentials the Vertex mock accepts (owned by MockUpstream, used under its mutex).
struct VertexAuth
{
    QByteArray publicKeyPem;        ///< Verifies JWT assertions (empty: every grant fails).
    QByteArray apiKey;              ///< Accepted as `x-goog-api-key` (empty: none is).
    QList<QByteArray> issuedTokens; ///< Access tokens handed out, accepted as Bearer.
    int tokenRequests = 0;
    int tokenDelayMs = 0; ///< How long /token waits before answering.
};

/// `/token` and `/v1/…/publishers/{publisher}/models/{model}:{action}`.
bool isVertexPath(const QByteArray &path);

/// The answer to \a request: a token grant (RFC 7523 JWT-bearer, RS256 verified against
/// auth->publicKeyPem: iss, aud ending in /token, cloud-platform scope, a one-hour lifetime)
/// or Anthropic's Messages answer for `publishers/anthropic` (`:rawPredict`,
/// `:streamRawPredict`; the body must carry `anthropic_version: vertex-2023-10-16` and no
/// `model`), or the Gemini API's answer for `publishers/google` (`:generateContent`,
/// `:streamGenerateContent?alt=sse`). Errors are Google's `{"error":{"code","message","status"}}`.
Reply vertexReply(const MockUpstream::Request &request, const QByteArray &path,
                  const QByteArray &scenario, VertexAuth *auth);

} // namespace MockWire
