// Anthropic (channel type 14): native Messages API at {base}/messages with x-api-key and
// anthropic-version. OpenAI-format requests are converted (protocol/openaianthropic); Anthropic
// clients get the upstream's bytes unchanged (the relay forwards them and decodes for usage).

#include "protocol/openaianthropic.h"
#include "provideradaptor.h"

#include <QJsonDocument>

namespace {

constexpr char kAnthropicVersion[] = "2023-06-01";

class AnthropicDecoder final : public StreamDecoder
{
public:
    explicit AnthropicDecoder(const QString &clientModel)
        : m_decoder(clientModel)
    {
    }
    QList<QJsonObject> onEvent(const SseParser::Event &event) override
    {
        if (event.data.isEmpty())
            return {};
        const QJsonObject data = QJsonDocument::fromJson(event.data).object();
        // The event name is also in the data's "type"; prefer the SSE field when present.
        const QByteArray name = event.event.isEmpty()
                                    ? data.value(QStringLiteral("type")).toString().toUtf8()
                                    : event.event;
        return m_decoder.onEvent(name, data);
    }
    QList<QJsonObject> finish() override { return m_decoder.finish(); }

private:
    OpenAIAnthropic::AnthropicStreamDecoder m_decoder;
};

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
        request.headers = {"Content-Type: application/json", "x-api-key: " + channel.key.toUtf8(),
                           QByteArray("anthropic-version: ") + kAnthropicVersion,
                           stream ? QByteArray("Accept: text/event-stream")
                                  : QByteArray("Accept: application/json")};
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
        return std::make_unique<AnthropicDecoder>(clientModel);
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
