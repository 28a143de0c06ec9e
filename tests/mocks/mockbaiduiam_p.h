#pragma once

// Internal to the mock upstream library: Baidu AI Cloud's IAM token exchange
// (mockbaiduiam.cpp), what a Baidu Qianfan v2 channel with an `AK|SK` key calls first.

#include "mockupstream.h"
#include "mockwire_p.h"

namespace MockWire {

/// `GET /v1/BCE-BEARER/token?expireInSeconds=N`.
bool isBaiduIamPath(const QByteArray &path);

/// Verifies the bce-auth-v1 `Authorization` (AK MockUpstream::kBaiduAccessKeyId, recomputed
/// with kBaiduSecretAccessKey over method, path, query and Host; timestamp within 30 minutes)
/// and answers 201 `{"userId","token":baiduBearerToken(),"status":"enable","createTime",
/// "expireTime"}`; 401 `{"requestId","code":"AccessDenied","message":…}` otherwise.
Reply baiduIamReply(const MockUpstream::Request &request);

} // namespace MockWire
