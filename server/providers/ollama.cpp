// Ollama (channel type 30): the native API at {base}/api/chat and {base}/api/embed, streamed as
// NDJSON. Every client protocol is converted through OpenAI's (protocol/openaiollama). The key is
// optional (Ollama needs none; a proxy in front of it may want a Bearer token).

#include "ndjsonframer.h"
#include "protocol/openaiollama.h"
#include "provideradaptor.h"

namespace {

class OllamaDecoder final : public StreamDecoder
{
public:
    explicit OllamaDecoder(const QString &clientModel)
        : m_decoder(clientModel)
    {
    }
    QList<QJsonObject> onEvent(const SseParser::Event &event) override
    {
        return m_decoder.onLine(event.data);
    }
    QList<QJsonObject> finish() override { return m_decoder.finish(); }

private:
    OpenAIOllama::OllamaStreamDecoder m_decoder;
};

class OllamaAdaptor final : public ProviderAdaptor
{
public:
    QByteArray nativeProtocol() const override { return "ollama"; }
    bool supports(RelayMode mode) const override
    {
        return mode == RelayMode::ChatCompletions || mode == RelayMode::Anthropic ||
               mode == RelayMode::Gemini || mode == RelayMode::Responses ||
               mode == RelayMode::Embeddings;
    }
    QString defaultBaseUrl(int) const override { return QStringLiteral("http://localhost:11434"); }
    UpstreamRequest buildRequest(const Channel &channel, const QByteArray &openaiPath,
                                 const QString &, const QByteArray &nativeBody,
                                 bool stream) const override
    {
        UpstreamRequest request;
        request.url = baseUrl(channel) + (openaiPath == "/embeddings" ? "/api/embed" : "/api/chat");
        request.body = nativeBody;
        request.headers = {"Content-Type: application/json",
                           stream ? QByteArray("Accept: application/x-ndjson")
                                  : QByteArray("Accept: application/json")};
        if (!channel.key.isEmpty())
            request.headers.append("Authorization: Bearer " + channel.key.toUtf8());
        return request;
    }
    std::unique_ptr<StreamFramer> newStreamFramer() const override
    {
        return std::make_unique<NdjsonFramer>();
    }
    QJsonObject fromOpenAIRequest(const QJsonObject &openaiBody, QString *error) const override
    {
        return OpenAIOllama::toOllamaRequest(openaiBody, error);
    }
    QJsonObject toOpenAIResponse(const QJsonObject &nativeBody,
                                 const QString &clientModel) const override
    {
        return OpenAIOllama::toOpenAIResponse(nativeBody, clientModel);
    }
    std::unique_ptr<StreamDecoder> newStreamDecoder(const QString &clientModel) const override
    {
        return std::make_unique<OllamaDecoder>(clientModel);
    }
    QString errorMessage(const QByteArray &body) const override
    {
        return OpenAIOllama::errorMessage(body);
    }
};

} // namespace

std::shared_ptr<const ProviderAdaptor> makeOllamaAdaptor()
{
    return std::make_shared<OllamaAdaptor>();
}
