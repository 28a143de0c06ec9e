// Channels that speak OpenAI's API (type 1 and the presets in
// resources/providers/openai-compatible.json): bodies and streams pass through.

#include "anthropicwire.h"
#include "gateway/providerpresets.h"
#include "openaiformatadaptor.h"

#include <QUrl>

namespace {

class OpenAICompatibleAdaptor final : public OpenAIFormatAdaptor
{
public:
    bool supports(RelayMode mode) const override
    {
        return mode != RelayMode::Unknown && mode != RelayMode::ParsePdf; // PDFs: Doc2x only.
    }
    bool speaks(QByteArrayView protocol, int channelType) const override
    {
        const ProviderPresets::Preset *preset = ProviderPresets::instance().find(channelType);
        if (protocol == "responses")
            return preset && preset->responsesApi;
        if (protocol == "anthropic")
            return preset && !preset->anthropicPath.isEmpty();
        return OpenAIFormatAdaptor::speaks(protocol, channelType);
    }
    QString defaultBaseUrl(int channelType) const override
    {
        const ProviderPresets::Preset *preset = ProviderPresets::instance().find(channelType);
        return preset ? preset->baseUrl : QString();
    }
    UpstreamRequest buildRequest(const Channel &channel, const QByteArray &openaiPath,
                                 const QString &, const QByteArray &nativeBody,
                                 bool stream) const override
    {
        const ProviderPresets::Preset *preset = ProviderPresets::instance().find(channel.type);
        UpstreamRequest request;
        request.body = nativeBody;
        if (openaiPath == "/messages" && preset && !preset->anthropicPath.isEmpty()) {
            // An Anthropic client forwarded to the provider's own Anthropic endpoint.
            request.url = origin(channel) + preset->anthropicPath + "/messages";
            request.headers = AnthropicWire::requestHeaders(channel.key, stream);
        } else {
            request.url =
                baseUrl(channel) + (preset ? preset->pathPrefix : QByteArray()) + openaiPath;
            request.headers = jsonHeaders(stream);
        }
        request.headers.append("Authorization: Bearer " + channel.key.toUtf8());
        return request;
    }
    std::optional<UpstreamRequest> balanceRequest(const Channel &channel) const override
    {
        const ProviderPresets::Preset *preset = ProviderPresets::instance().find(channel.type);
        if (!preset || preset->balance.path.isEmpty())
            return std::nullopt;
        UpstreamRequest request;
        request.method = "GET";
        request.url = (preset->balance.fromOrigin ? origin(channel) : baseUrl(channel)) +
                      preset->balance.path;
        request.headers = {"Accept: application/json",
                           "Authorization: Bearer " + channel.key.toUtf8()};
        return request;
    }
    std::optional<double> parseBalance(const Channel &channel, const QByteArray &body,
                                       QString *error) const override
    {
        const ProviderPresets::Preset *preset = ProviderPresets::instance().find(channel.type);
        if (!preset || preset->balance.path.isEmpty())
            return OpenAIFormatAdaptor::parseBalance(channel, body, error);
        return preset->balance.read(body, error);
    }

private:
    /// Scheme, host and port of the channel's base URL.
    QByteArray origin(const Channel &channel) const
    {
        return QUrl(QString::fromUtf8(baseUrl(channel)))
            .adjusted(QUrl::RemovePath | QUrl::RemoveQuery | QUrl::RemoveFragment |
                      QUrl::StripTrailingSlash)
            .toEncoded();
    }
};

} // namespace

std::shared_ptr<const ProviderAdaptor> makeOpenAICompatibleAdaptor()
{
    return std::make_shared<OpenAICompatibleAdaptor>();
}
