// Google Gemini (channel type 24): the native API at {base}/v1beta/models/{model}:{action}
// (generateContent, streamGenerateContent?alt=sse, batchEmbedContents), key in x-goog-api-key.
// OpenAI-format requests are converted (protocol/openaigemini); Gemini clients get the
// upstream's bytes unchanged (the relay forwards them and decodes for usage).

#include "protocol/geministreamdecoder.h"
#include "protocol/openaigemini.h"
#include "provideradaptor.h"

#include <QJsonDocument>
#include <QRegularExpression>
#include <QUrl>

namespace {

class GeminiDecoder final : public StreamDecoder
{
public:
    explicit GeminiDecoder(const QString &clientModel)
        : m_decoder(clientModel)
    {
    }
    QList<QJsonObject> onEvent(const SseParser::Event &event) override
    {
        if (event.data.isEmpty())
            return {};
        return m_decoder.onEvent(QJsonDocument::fromJson(event.data).object());
    }
    QList<QJsonObject> finish() override { return m_decoder.finish(); }

private:
    GeminiStreamDecoder m_decoder;
};

/// True when \a base already ends in an API version segment (/v1, /v1beta, /v1alpha, …).
bool endsWithVersion(const QByteArray &base)
{
    static const QRegularExpression version(QStringLiteral("/v\\d+(alpha|beta)?\\d*$"));
    return version.match(QString::fromUtf8(base)).hasMatch();
}

class GeminiAdaptor final : public ProviderAdaptor
{
public:
    QByteArray nativeProtocol() const override { return "gemini"; }
    bool supports(RelayMode mode) const override
    {
        return mode == RelayMode::ChatCompletions || mode == RelayMode::Anthropic ||
               mode == RelayMode::Gemini || mode == RelayMode::Responses ||
               mode == RelayMode::Embeddings;
    }
    QString defaultBaseUrl(int) const override
    {
        return QStringLiteral("https://generativelanguage.googleapis.com");
    }
    /// \a openaiPath "/embeddings" → batchEmbedContents; anything else generates content.
    UpstreamRequest buildRequest(const Channel &channel, const QByteArray &openaiPath,
                                 const QString &model, const QByteArray &nativeBody,
                                 bool stream) const override
    {
        QByteArray base = baseUrl(channel);
        if (!endsWithVersion(base))
            base += "/v1beta";
        QString name = model;
        if (name.startsWith(QLatin1String("models/")))
            name = name.sliced(7);
        const QByteArray action = openaiPath == "/embeddings" ? QByteArray(":batchEmbedContents")
                                  : stream ? QByteArray(":streamGenerateContent?alt=sse")
                                           : QByteArray(":generateContent");
        UpstreamRequest request;
        request.url = base + "/models/" + QUrl::toPercentEncoding(name) + action;
        request.body = nativeBody;
        request.headers = {"Content-Type: application/json",
                           "x-goog-api-key: " + channel.key.toUtf8(),
                           stream ? QByteArray("Accept: text/event-stream")
                                  : QByteArray("Accept: application/json")};
        return request;
    }
    /// The client's body as it is: Gemini names the model in the URL, not in the body.
    QByteArray passthroughBody(QJsonObject clientBody, const QString &) const override
    {
        return QJsonDocument(clientBody).toJson(QJsonDocument::Compact);
    }
    /// Embeddings requests are told apart by their `input` (chat requests have `messages`).
    QJsonObject fromOpenAIRequest(const QJsonObject &openaiBody, QString *error) const override
    {
        if (!openaiBody.contains(QStringLiteral("messages")) &&
            openaiBody.contains(QStringLiteral("input")))
            return OpenAIGemini::toGeminiEmbeddingsRequest(
                openaiBody, openaiBody.value(QStringLiteral("model")).toString(), error);
        return OpenAIGemini::toGeminiRequest(openaiBody, error);
    }
    QJsonObject toOpenAIResponse(const QJsonObject &nativeBody,
                                 const QString &clientModel) const override
    {
        if (nativeBody.contains(QStringLiteral("embeddings")))
            return OpenAIGemini::toOpenAIEmbeddings(nativeBody, clientModel);
        return OpenAIGemini::toOpenAIResponse(nativeBody, clientModel);
    }
    std::unique_ptr<StreamDecoder> newStreamDecoder(const QString &clientModel) const override
    {
        return std::make_unique<GeminiDecoder>(clientModel);
    }
    QString errorMessage(const QByteArray &body) const override
    {
        return OpenAIGemini::geminiErrorMessage(body);
    }
};

} // namespace

std::shared_ptr<const ProviderAdaptor> makeGeminiAdaptor()
{
    return std::make_shared<GeminiAdaptor>();
}
