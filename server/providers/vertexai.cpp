// Google Vertex AI (channel type 42). One channel serves two
// publishers: models whose name contains "claude" go to Anthropic's Messages API
// (`:rawPredict`, `:streamRawPredict?alt=sse`, body without `model` and with
// `anthropic_version: vertex-2023-10-16`), all others to Gemini's API (`:generateContent`,
// `:streamGenerateContent?alt=sse`), at
//   {base}/v1/projects/{project}/locations/{region}/publishers/{publisher}/models/{model}:{action}
// (or {base}/v1/publishers/… without a project: API-key "express mode"). Base: the channel's,
// else https://{region}-aiplatform.googleapis.com (https://aiplatform.googleapis.com for
// "global" or no region).
//
// Channel key (aiproxy's formats): `region|{service-account JSON}` → OAuth access token from a
// JWT-bearer grant (cached per key until 5 minutes before it expires); `region|apikey` and
// `region|project|apikey` → `x-goog-api-key`.

#include "accesstokencache.h"
#include "anthropicwire.h"
#include "delegatingadaptor.h"
#include "googleserviceaccount.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QJsonDocument>
#include <QUrl>

namespace {

constexpr char kAnthropicVersion[] = "vertex-2023-10-16";

struct VertexKey
{
    QString region;
    QString projectId;
    QByteArray apiKey;
    std::optional<GoogleServiceAccount> account;
    QByteArray accountHash; ///< Cache key of the account's tokens.
};

std::optional<VertexKey> parseKey(const QString &key, QString *error)
{
    const qsizetype bar = key.indexOf(QLatin1Char('|'));
    if (bar < 0) {
        *error = QStringLiteral("the key must be region|service-account JSON, region|apikey or "
                                "region|project|apikey");
        return std::nullopt;
    }
    VertexKey parsed;
    parsed.region = key.left(bar).trimmed();
    const QString rest = key.mid(bar + 1).trimmed();
    if (parsed.region == rest)
        parsed.region.clear();
    if (rest.startsWith(QLatin1Char('{'))) {
        const QByteArray json = rest.toUtf8();
        parsed.account = GoogleServiceAccount::fromJson(json, error);
        if (!parsed.account)
            return std::nullopt;
        parsed.projectId = parsed.account->projectId();
        parsed.accountHash = QCryptographicHash::hash(json, QCryptographicHash::Sha256);
        return parsed;
    }
    const qsizetype second = rest.indexOf(QLatin1Char('|'));
    if (second >= 0)
        parsed.projectId = rest.left(second);
    parsed.apiKey = rest.mid(second + 1).toUtf8();
    if (parsed.apiKey.isEmpty()) {
        *error = QStringLiteral("the key has no API key after the region");
        return std::nullopt;
    }
    return parsed;
}

AccessTokenCache &tokenCache()
{
    static AccessTokenCache cache;
    return cache;
}

/// One publisher's protocol (the inner adaptor's) at Vertex AI's URLs, with Vertex's auth.
class VertexPublisherAdaptor final : public DelegatingAdaptor
{
public:
    VertexPublisherAdaptor(std::shared_ptr<const ProviderAdaptor> inner, QByteArray publisher,
                           QByteArray action, QByteArray streamAction, QString anthropicVersion)
        : DelegatingAdaptor(std::move(inner))
        , m_publisher(std::move(publisher))
        , m_action(std::move(action))
        , m_streamAction(std::move(streamAction))
        , m_anthropicVersion(std::move(anthropicVersion))
    {
    }

    bool supports(RelayMode mode) const override
    {
        return (mode == RelayMode::ChatCompletions || mode == RelayMode::Anthropic ||
                mode == RelayMode::Gemini || mode == RelayMode::Responses) &&
               inner().supports(mode);
    }
    QString defaultBaseUrl(int) const override { return {}; }

    UpstreamRequest buildRequest(const Channel &channel, const QByteArray &, const QString &model,
                                 const QByteArray &nativeBody, bool stream) const override
    {
        QString ignored;
        const std::optional<VertexKey> key = parseKey(channel.key, &ignored);
        UpstreamRequest request;
        request.body = nativeBody;
        request.headers = {"Content-Type: application/json",
                           stream ? QByteArray("Accept: text/event-stream")
                                  : QByteArray("Accept: application/json")};
        const QString region = key ? key->region : QString();
        QByteArray url = baseUrl(channel);
        if (url.isEmpty())
            url = region.isEmpty() || region == QLatin1String("global")
                      ? QByteArray("https://aiplatform.googleapis.com")
                      : "https://" + QUrl::toPercentEncoding(region) + "-aiplatform.googleapis.com";
        url += "/v1";
        if (key && !key->projectId.isEmpty() && !region.isEmpty())
            url += "/projects/" + QUrl::toPercentEncoding(key->projectId) + "/locations/" +
                   QUrl::toPercentEncoding(region);
        request.url = url + "/publishers/" + m_publisher + "/models/" +
                      QUrl::toPercentEncoding(model) + ':' + (stream ? m_streamAction : m_action);
        if (key && key->account) {
            const QByteArray token =
                tokenCache().find(key->accountHash, QDateTime::currentMSecsSinceEpoch());
            request.headers.append("Authorization: Bearer " + token);
        } else if (key) {
            request.headers.append("x-goog-api-key: " + key->apiKey);
        }
        return request;
    }

    QByteArray passthroughBody(QJsonObject clientBody, const QString &model) const override
    {
        if (m_anthropicVersion.isEmpty())
            return DelegatingAdaptor::passthroughBody(std::move(clientBody), model);
        return QJsonDocument(anthropicBody(std::move(clientBody))).toJson(QJsonDocument::Compact);
    }
    QJsonObject fromOpenAIRequest(const QJsonObject &openaiBody, QString *error) const override
    {
        QJsonObject native = DelegatingAdaptor::fromOpenAIRequest(openaiBody, error);
        if (native.isEmpty() || m_anthropicVersion.isEmpty())
            return native;
        return anthropicBody(std::move(native));
    }

    std::optional<UpstreamRequest> credentialRequest(const Channel &channel,
                                                     QString *error) const override
    {
        const std::optional<VertexKey> key = parseKey(channel.key, error);
        if (!key || !key->account)
            return std::nullopt;
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        if (!tokenCache().find(key->accountHash, now).isEmpty())
            return std::nullopt;
        UpstreamRequest request;
        request.url = key->account->tokenUri();
        request.body = key->account->tokenRequestBody(now / 1000, error);
        if (request.body.isEmpty())
            return std::nullopt;
        request.headers = {"Content-Type: application/x-www-form-urlencoded",
                           "Accept: application/json"};
        return request;
    }
    QString acceptCredential(const Channel &channel, int status,
                             const QByteArray &body) const override
    {
        QString error;
        const std::optional<VertexKey> key = parseKey(channel.key, &error);
        if (!key)
            return error;
        qint64 expiresIn = 0;
        const QByteArray token =
            GoogleServiceAccount::parseTokenResponse(status, body, &expiresIn, &error);
        if (token.isEmpty())
            return error;
        tokenCache().store(key->accountHash, token,
                           QDateTime::currentMSecsSinceEpoch() + expiresIn * 1000);
        return {};
    }

private:
    QJsonObject anthropicBody(QJsonObject body) const
    {
        return AnthropicWire::platformBody(std::move(body), m_anthropicVersion, false);
    }

    QByteArray m_publisher;
    QByteArray m_action;
    QByteArray m_streamAction;
    QString m_anthropicVersion;
};

/// Routes each model to its publisher.
class VertexAdaptor final : public DelegatingAdaptor
{
public:
    VertexAdaptor(std::shared_ptr<const ProviderAdaptor> anthropic,
                  std::shared_ptr<const ProviderAdaptor> google)
        : DelegatingAdaptor(anthropic)
        , m_anthropic(std::move(anthropic))
        , m_google(std::move(google))
    {
    }
    bool supports(RelayMode mode) const override
    {
        return m_anthropic->supports(mode) || (m_google && m_google->supports(mode));
    }
    const ProviderAdaptor *forModel(const QString &model) const override
    {
        if (m_google && !model.contains(QLatin1String("claude"), Qt::CaseInsensitive))
            return m_google.get();
        return m_anthropic.get();
    }

private:
    std::shared_ptr<const ProviderAdaptor> m_anthropic;
    std::shared_ptr<const ProviderAdaptor> m_google;
};

} // namespace

/// \a anthropic and \a gemini are the native adaptors of those protocols (\a gemini may be
/// null: then every model goes to the Anthropic publisher).
std::shared_ptr<const ProviderAdaptor>
makeVertexAIAdaptor(std::shared_ptr<const ProviderAdaptor> anthropic,
                    std::shared_ptr<const ProviderAdaptor> gemini)
{
    auto anthropicPublisher = std::make_shared<VertexPublisherAdaptor>(
        std::move(anthropic), "anthropic", "rawPredict", "streamRawPredict?alt=sse",
        QString::fromLatin1(kAnthropicVersion));
    std::shared_ptr<const ProviderAdaptor> googlePublisher;
    if (gemini)
        googlePublisher =
            std::make_shared<VertexPublisherAdaptor>(std::move(gemini), "google", "generateContent",
                                                     "streamGenerateContent?alt=sse", QString());
    return std::make_shared<VertexAdaptor>(std::move(anthropicPublisher),
                                           std::move(googlePublisher));
}
