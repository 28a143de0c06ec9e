// Azure OpenAI (channel types 3 and 4): OpenAI's wire format at deployment URLs,
// {base}/openai/deployments/{deployment}/{operation}?api-version=…, key in the `api-key` header.
// The channel key may carry the API version as "key|api-version". The deployment is the
// (mapped) model name; type 3 (the deprecated one) removes dots from it, as Azure deployment
// names could not contain them. The Responses API lives at {base}/openai/responses.

#include "openaiformatadaptor.h"

#include <QUrl>

namespace {

constexpr char kDefaultApiVersion[] = "2025-04-01-preview";

class AzureAdaptor final : public OpenAIFormatAdaptor
{
public:
    bool supports(RelayMode mode) const override
    {
        // Azure has no rerank and no PDF parsing.
        return mode != RelayMode::Unknown && mode != RelayMode::Rerank &&
               mode != RelayMode::ParsePdf;
    }
    QString defaultBaseUrl(int) const override { return {}; } // Every resource has its own.
    bool speaks(QByteArrayView protocol, int) const override
    {
        return protocol == "openai" || protocol == "responses";
    }
    UpstreamRequest buildRequest(const Channel &channel, const QByteArray &openaiPath,
                                 const QString &model, const QByteArray &nativeBody,
                                 bool stream) const override
    {
        const int bar = channel.key.indexOf(QLatin1Char('|'));
        const QString key = bar < 0 ? channel.key : channel.key.left(bar);
        const QString version =
            bar < 0 ? QString::fromLatin1(kDefaultApiVersion) : channel.key.mid(bar + 1);
        QString deployment = model;
        if (channel.type == 3)
            deployment.remove(QLatin1Char('.'));
        UpstreamRequest request;
        // The Responses API (and its stored responses) is per resource, not per deployment:
        // the model stays in the body.
        const QByteArray resourcePath =
            openaiPath.startsWith("/responses")
                ? "/openai" + openaiPath
                : "/openai/deployments/" + QUrl::toPercentEncoding(deployment) + openaiPath;
        request.url =
            baseUrl(channel) + resourcePath + "?api-version=" + QUrl::toPercentEncoding(version);
        request.body = nativeBody;
        request.headers = jsonHeaders(stream);
        request.headers.append("api-key: " + key.toUtf8());
        return request;
    }
};

} // namespace

std::shared_ptr<const ProviderAdaptor> makeAzureAdaptor()
{
    return std::make_shared<AzureAdaptor>();
}
