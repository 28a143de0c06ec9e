#pragma once

// Internal to the mock upstream library: the AWS Bedrock runtime responder (mockbedrock.cpp).

#include "mockupstream.h"
#include "mockwire_p.h"

namespace MockWire {

/// True for `/model/<modelId>/invoke` and `/model/<modelId>/invoke-with-response-stream`.
bool isBedrockPath(const QByteArray &path);
/// The (percent-decoded) model id of a Bedrock path: the scenario of the request.
QByteArray bedrockModelId(const QByteArray &path);

/// Bedrock's answer to \a request (path without query: \a path) for \a scenario; \a apiKey is
/// the accepted bearer API key (empty: bearer tokens are refused).
Reply bedrockReply(const MockUpstream::Request &request, const QByteArray &path,
                   const QByteArray &scenario, const QByteArray &apiKey);

} // namespace MockWire
