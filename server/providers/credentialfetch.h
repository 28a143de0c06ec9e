#pragma once

#include "upstream/upstreamcall.h"

#include <QString>

#include <functional>

class CurlMulti;
class ProviderAdaptor;
struct Channel;

/// Fetches \a request, the credential pre-flight of \a channel's adaptor (see
/// ProviderAdaptor::credentialRequest), over the channel's transport, and hands the answer to
/// the adaptor (acceptCredential). \a done is called once, on \a curl's thread: \a problem empty
/// when the credential is in the adaptor's cache, else why not; \a status is the endpoint's HTTP
/// status (0: no answer within \a timeoutMs or a transport error).
void fetchCredential(CurlMulti *curl, const ProviderAdaptor *adaptor, const Channel &channel,
                     UpstreamRequest request, int connectTimeoutMs, int timeoutMs,
                     std::function<void(int status, const QString &problem)> done);
