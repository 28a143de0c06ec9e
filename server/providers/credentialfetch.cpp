#include "credentialfetch.h"

#include "model/channel.h"
#include "provideradaptor.h"
#include "upstream/timedfetch.h"

void fetchCredential(CurlMulti *curl, const ProviderAdaptor *adaptor, const Channel &channel,
                     UpstreamRequest request, int connectTimeoutMs, int timeoutMs,
                     std::function<void(int status, const QString &problem)> done)
{
    request.useChannelTransport(channel, connectTimeoutMs);
    timedFetch(curl, std::move(request), timeoutMs,
               [adaptor, channel, done = std::move(done)](int status, const QByteArray &body,
                                                          const QString &error) {
                   done(status,
                        status == 0 ? error : adaptor->acceptCredential(channel, status, body));
               });
}
