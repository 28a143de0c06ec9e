#pragma once

#include "curlmulti.h"

/// CurlMulti::fetch() with a deadline: when no complete answer came within \a timeoutMs, the
/// transfer is aborted and \a done gets status 0 and "no answer within N s". \a done is called
/// exactly once, on \a curl's thread (never if \a curl is destroyed first).
void timedFetch(CurlMulti *curl, UpstreamRequest request, int timeoutMs, CurlMulti::FetchDone done,
                qsizetype maxBody = 1024 * 1024);
