// Anthropic (channel type 14): native Messages API at {base}/messages with x-api-key and
// anthropic-version. OpenAI-format requests are converted (protocol/openaianthropic); Anthropic
// clients get the upstream's bytes unchanged (the relay forwards them and decodes for usage).

#include "anthropicformatadaptor.h"
#include "anthropicwire.h"

namespace {

class AnthropicAdaptor final : public AnthropicFormatAdaptor
{
public:
    QString defaultBaseUrl(int) const override
    {
        return QStringLiteral("https://api.anthropic.com/v1");
    }
    UpstreamRequest buildRequest(const Channel &channel, const QByteArray &, const QString &,
                                 const QByteArray &nativeBody, bool stream) const override
    {
        UpstreamRequest request;
        request.url = baseUrl(channel) + "/messages";
        request.body = nativeBody;
        request.headers = AnthropicWire::requestHeaders(channel.key, stream);
        return request;
    }
};

} // namespace

std::shared_ptr<const ProviderAdaptor> makeAnthropicAdaptor()
{
    return std::make_shared<AnthropicAdaptor>();
}
