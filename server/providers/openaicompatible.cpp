// Channels that speak OpenAI's API (type 1 and the presets in
// resources/providers/openai-compatible.json): bodies and streams pass through.

#include "gateway/providerpresets.h"
#include "openaiformatadaptor.h"

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
        if (protocol == "responses") {
            const ProviderPresets::Preset *preset = ProviderPresets::instance().find(channelType);
            return preset && preset->responsesApi;
        }
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
        UpstreamRequest request;
        request.url = baseUrl(channel) + openaiPath;
        request.body = nativeBody;
        request.headers = jsonHeaders(stream);
        request.headers.append("Authorization: Bearer " + channel.key.toUtf8());
        return request;
    }
};

} // namespace

std::shared_ptr<const ProviderAdaptor> makeOpenAICompatibleAdaptor()
{
    return std::make_shared<OpenAICompatibleAdaptor>();
}
