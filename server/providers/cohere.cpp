// Cohere (channel type 35): the v2 API at {base}/v2/chat (streamed as SSE with Cohere's event
// names), {base}/v2/embed and {base}/v2/rerank, with a Bearer key. Every client protocol is
// converted through OpenAI's (protocol/openaicohere).

#include "protocol/openaicohere.h"
#include "provideradaptor.h"

#include <QJsonDocument>

namespace {

class CohereDecoder final : public StreamDecoder
{
public:
    explicit CohereDecoder(const QString &clientModel)
        : m_decoder(clientModel)
    {
    }
    QList<QJsonObject> onEvent(const SseParser::Event &event) override
    {
        if (event.data.isEmpty())
            return {};
        return m_decoder.onEvent(event.event, QJsonDocument::fromJson(event.data).object());
    }
    QList<QJsonObject> finish() override { return m_decoder.finish(); }

private:
    OpenAICohere::CohereStreamDecoder m_decoder;
};

class CohereAdaptor final : public ProviderAdaptor
{
public:
    QByteArray nativeProtocol() const override { return "cohere"; }
    bool supports(RelayMode mode) const override
    {
        return mode == RelayMode::ChatCompletions || mode == RelayMode::Anthropic ||
               mode == RelayMode::Gemini || mode == RelayMode::Responses ||
               mode == RelayMode::Embeddings || mode == RelayMode::Rerank;
    }
    QString defaultBaseUrl(int) const override { return QStringLiteral("https://api.cohere.com"); }
    UpstreamRequest buildRequest(const Channel &channel, const QByteArray &openaiPath,
                                 const QString &, const QByteArray &nativeBody,
                                 bool stream) const override
    {
        QByteArray path = "/v2/chat";
        if (openaiPath == "/embeddings")
            path = "/v2/embed";
        else if (openaiPath == "/rerank")
            path = "/v2/rerank";
        UpstreamRequest request;
        request.url = baseUrl(channel) + path;
        request.body = nativeBody;
        request.headers = {"Content-Type: application/json",
                           stream ? QByteArray("Accept: text/event-stream")
                                  : QByteArray("Accept: application/json"),
                           "Authorization: Bearer " + channel.key.toUtf8()};
        return request;
    }
    QJsonObject fromOpenAIRequest(const QJsonObject &openaiBody, QString *error) const override
    {
        return OpenAICohere::toCohereRequest(openaiBody, error);
    }
    QJsonObject toOpenAIResponse(const QJsonObject &nativeBody,
                                 const QString &clientModel) const override
    {
        return OpenAICohere::toOpenAIResponse(nativeBody, clientModel);
    }
    std::unique_ptr<StreamDecoder> newStreamDecoder(const QString &clientModel) const override
    {
        return std::make_unique<CohereDecoder>(clientModel);
    }
    QString errorMessage(const QByteArray &body) const override
    {
        return OpenAICohere::errorMessage(body);
    }
};

} // namespace

std::shared_ptr<const ProviderAdaptor> makeCohereAdaptor()
{
    return std::make_shared<CohereAdaptor>();
}
