// AWS Bedrock (channel type 33): Claude through InvokeModel / InvokeModelWithResponseStream at
// {base}/model/{modelId}/invoke[-with-response-stream], base
// https://bedrock-runtime.{region}.amazonaws.com unless the channel sets one. The body is an
// Anthropic Messages request without `model` and `stream`, with anthropic_version
// "bedrock-2023-05-31"; answers are Anthropic messages, streams AWS event streams of Anthropic
// events (EventStreamFramer re-frames them as Anthropic SSE, so Anthropic clients get a normal
// Anthropic stream).
//
// Channel key: `region|accessKeyId|secretAccessKey[|sessionToken]` (SigV4, service "bedrock")
// or `region|apiKey` (a Bedrock API key, sent as a bearer token). A key of another shape gives
// a request without URL: the relay refuses it before anything is sent.

#include "anthropicformatadaptor.h"
#include "anthropicwire.h"
#include "awssigv4.h"
#include "eventstreamframer.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QUrl>

namespace {

constexpr char kAnthropicVersion[] = "bedrock-2023-05-31";

struct BedrockKey
{
    QByteArray region;
    QByteArray apiKey;
    AwsSigV4::Credentials credentials;
    bool valid = false;
};

BedrockKey parseKey(const QString &key)
{
    const QStringList parts = key.trimmed().split(QLatin1Char('|'));
    BedrockKey parsed;
    if (parts.size() < 2 || parts.size() > 4 || parts.first().trimmed().isEmpty())
        return parsed;
    parsed.region = parts.at(0).trimmed().toUtf8();
    if (parts.size() == 2) {
        parsed.apiKey = parts.at(1).trimmed().toUtf8();
        parsed.valid = !parsed.apiKey.isEmpty();
        return parsed;
    }
    parsed.credentials.accessKeyId = parts.at(1).trimmed().toUtf8();
    parsed.credentials.secretAccessKey = parts.at(2).trimmed().toUtf8();
    parsed.credentials.sessionToken = parts.value(3).trimmed().toUtf8();
    parsed.valid =
        !parsed.credentials.accessKeyId.isEmpty() && !parsed.credentials.secretAccessKey.isEmpty();
    return parsed;
}

/// An Anthropic Messages request as Bedrock takes it (the URL names model and streaming).
QJsonObject bedrockRequest(QJsonObject anthropicRequest)
{
    return AnthropicWire::platformBody(std::move(anthropicRequest),
                                       QLatin1String(kAnthropicVersion), true);
}

class BedrockAdaptor final : public AnthropicFormatAdaptor
{
public:
    /// A template: the real default depends on the region in the channel's key.
    QString defaultBaseUrl(int) const override
    {
        return QStringLiteral("https://bedrock-runtime.{region}.amazonaws.com");
    }
    UpstreamRequest buildRequest(const Channel &channel, const QByteArray &, const QString &model,
                                 const QByteArray &nativeBody, bool stream) const override
    {
        UpstreamRequest request;
        const BedrockKey key = parseKey(channel.key);
        if (!key.valid)
            return request;
        const QByteArray base = channel.baseUrl.isEmpty()
                                    ? "https://bedrock-runtime." +
                                          QUrl::toPercentEncoding(QString::fromUtf8(key.region)) +
                                          ".amazonaws.com"
                                    : baseUrl(channel);
        request.url = base + "/model/" + QUrl::toPercentEncoding(model) +
                      (stream ? "/invoke-with-response-stream" : "/invoke");
        request.body = nativeBody;
        request.headers = {"Content-Type: application/json",
                           stream ? QByteArray("Accept: application/vnd.amazon.eventstream")
                                  : QByteArray("Accept: application/json")};
        if (!key.apiKey.isEmpty()) {
            request.headers.append("Authorization: Bearer " + key.apiKey);
            return request;
        }
        AwsSigV4(key.credentials, key.region, "bedrock")
            .sign(&request, QDateTime::currentDateTimeUtc());
        return request;
    }
    std::optional<UpstreamRequest> credentialRequest(const Channel &channel,
                                                     QString *error) const override
    {
        // Nothing to fetch: SigV4 signs each request. A key of the wrong form is reported here,
        // before anything is sent.
        if (!parseKey(channel.key).valid)
            *error = QStringLiteral("the key must be region|accessKeyId|secretAccessKey"
                                    "[|sessionToken] or region|apiKey");
        return std::nullopt;
    }
    QByteArray passthroughBody(QJsonObject clientBody, const QString &) const override
    {
        return QJsonDocument(bedrockRequest(std::move(clientBody))).toJson(QJsonDocument::Compact);
    }
    std::unique_ptr<StreamFramer> newStreamFramer() const override
    {
        return std::make_unique<EventStreamFramer>();
    }
    QJsonObject fromOpenAIRequest(const QJsonObject &openaiBody, QString *error) const override
    {
        const QJsonObject anthropic = AnthropicFormatAdaptor::fromOpenAIRequest(openaiBody, error);
        return anthropic.isEmpty() ? anthropic : bedrockRequest(anthropic);
    }
    /// Bedrock's errors are `{"message":…}` (`Message` from some front ends); Anthropic's
    /// shape is accepted too.
    QString errorMessage(const QByteArray &body) const override
    {
        const QJsonObject object = QJsonDocument::fromJson(body).object();
        for (const char *field : {"message", "Message"}) {
            const QString message = object.value(QLatin1String(field)).toString();
            if (!message.isEmpty())
                return message;
        }
        return AnthropicFormatAdaptor::errorMessage(body);
    }
};

} // namespace

std::shared_ptr<const ProviderAdaptor> makeBedrockAdaptor()
{
    return std::make_shared<BedrockAdaptor>();
}
