#pragma once

// Internal to the mock upstream library: the OpenAI Responses responder (mockresponses.cpp).

#include "mockupstream.h"
#include "mockwire_p.h"

#include <QJsonObject>

namespace MockWire {

/// True for `/v1/responses` (OpenAI and Azure paths alike, Azure already normalized).
bool isResponsesPath(const QByteArray &path);

/// OpenAI's Responses answer to \a body (request number \a id) for \a scenario (only
/// `drop-mid-stream` matters here; the other scenarios are handled before).
Reply responsesReply(int id, const QJsonObject &body, const QByteArray &scenario);

} // namespace MockWire
