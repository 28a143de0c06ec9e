// Anthropic (channel type 14): native Messages API at {base}/messages with x-api-key and
// anthropic-version. OpenAI-format requests are converted (protocol/openaianthropic); Anthropic
// clients get the upstream's bytes unchanged (the relay forwards them and decodes for usage).

#include "anthropiceventdecoder.h"
#include "anthropicwire.h"

namespace {

class AnthropicAdaptor final : public ProviderAdaptor
{
public:
    QByteArray nativeProtocol() const override { return "anthropic"; }
    bool supports(RelayMode mode) const override
    {
        return mode == RelayMode::ChatCompletions || mode == RelayMode::Anthropic ||
               mode == RelayMode::Gemini || mode == RelayMode::Responses;
    }
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
    QJsonObject fromOpenAIRequest(const QJsonObject &openaiBody, QString *error) const override
    {
        return OpenAIAnthropic::toAnthropicRequest(
            openaiBody, openaiBody.value(QStringLiteral("model")).toString(), error);
    }
    QJsonObject toOpenAIResponse(const QJsonObject &nativeBody,
                                 const QString &clientModel) const override
    {
        return OpenAIAnthropic::toOpenAIResponse(nativeBody, clientModel);
    }
    std::unique_ptr<StreamDecoder> newStreamDecoder(const QString &clientModel) const override
    {
        return std::make_unique<AnthropicEventDecoder>(clientModel);
    }
    QString errorMessage(const QByteArray &body) const override
    {
        return OpenAIAnthropic::anthropicErrorMessage(body);
    }
};

} // namespace

std::shared_ptr<const ProviderAdaptor> makeAnthropicAdaptor()
{
    return std::make_shared<AnthropicAdaptor>();
}
