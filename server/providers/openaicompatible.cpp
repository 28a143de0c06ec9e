// Channels that speak OpenAI's API (type 1 and the presets in
// resources/providers/openai-compatible.json): bodies and streams pass through.

#include "gateway/providerpresets.h"
#include "provideradaptor.h"

#include <QJsonDocument>

namespace {

class OpenAICompatibleAdaptor final : public ProviderAdaptor
{
public:
    QByteArray nativeProtocol() const override { return "openai"; }
    bool supports(RelayMode mode) const override { return mode != RelayMode::Unknown; }
    QString defaultBaseUrl(int channelType) const override
    {
        const ProviderPresets::Preset *preset = ProviderPresets::instance().find(channelType);
        return preset ? preset->baseUrl : QString();
    }
    UpstreamRequest buildRequest(const Channel &channel, const QByteArray &openaiPath,
                                 const QByteArray &nativeBody, bool stream) const override
    {
        UpstreamRequest request;
        request.url = baseUrl(channel) + openaiPath;
        request.body = nativeBody;
        request.headers = {"Content-Type: application/json",
                           "Authorization: Bearer " + channel.key.toUtf8(),
                           stream ? QByteArray("Accept: text/event-stream")
                                  : QByteArray("Accept: application/json")};
        return request;
    }
    QJsonObject fromOpenAIRequest(const QJsonObject &openaiBody, QString *) const override
    {
        return openaiBody;
    }
    QJsonObject toOpenAIResponse(const QJsonObject &nativeBody, const QString &) const override
    {
        return nativeBody;
    }
    std::unique_ptr<StreamDecoder> newStreamDecoder(const QString &) const override
    {
        return nullptr;
    }
    QString errorMessage(const QByteArray &body) const override
    {
        const QJsonValue error =
            QJsonDocument::fromJson(body).object().value(QStringLiteral("error"));
        return error.isObject() ? error.toObject().value(QStringLiteral("message")).toString()
                                : error.toString();
    }
};

} // namespace

std::shared_ptr<const ProviderAdaptor> makeOpenAICompatibleAdaptor()
{
    return std::make_shared<OpenAICompatibleAdaptor>();
}
