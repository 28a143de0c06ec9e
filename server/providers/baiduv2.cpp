// Baidu Qianfan v2 (channel type 13): OpenAI's API at qianfan.baidubce.com/v2 (the preset).
// The key is either an API key (`bce-v3/…`, sent as a bearer as it is) or, as aiproxy accepts
// it, `AK|SK`: then a bearer token is first obtained from Baidu's IAM
// (GET {iam}/v1/BCE-BEARER/token?expireInSeconds=86400, signed bce-auth-v1; 201 with
// {"token","expireTime"}), cached per key until shortly before it expires. The IAM address is
// https://iam.bj.baidubce.com unless the channel's configs name another (`iam_url`).

#include "accesstokencache.h"
#include "bceauth.h"
#include "delegatingadaptor.h"

#include <QCryptographicHash>
#include <QJsonDocument>
#include <QUrl>

namespace {

constexpr char kDefaultIamUrl[] = "https://iam.bj.baidubce.com";
constexpr char kTokenPath[] = "/v1/BCE-BEARER/token";
constexpr int kTokenLifetimeSecs = 86400;

struct AccessKeyPair
{
    QByteArray accessKeyId;
    QByteArray secretAccessKey;
};

/// The AK/SK of a key of the `AK|SK` form; nothing for an API key.
std::optional<AccessKeyPair> accessKeyPair(const Channel &channel)
{
    const QList<QByteArray> parts = channel.key.toUtf8().split('|');
    if (parts.size() != 2 || parts[0].isEmpty() || parts[1].isEmpty())
        return std::nullopt;
    return AccessKeyPair{parts[0].trimmed(), parts[1].trimmed()};
}

QByteArray cacheKey(const Channel &channel)
{
    return QCryptographicHash::hash(channel.key.toUtf8(), QCryptographicHash::Sha256);
}

AccessTokenCache &tokenCache()
{
    static AccessTokenCache cache;
    return cache;
}

class BaiduV2Adaptor final : public DelegatingAdaptor
{
public:
    using DelegatingAdaptor::DelegatingAdaptor;

    UpstreamRequest buildRequest(const Channel &channel, const QByteArray &openaiPath,
                                 const QString &model, const QByteArray &nativeBody,
                                 bool stream) const override
    {
        UpstreamRequest request =
            DelegatingAdaptor::buildRequest(channel, openaiPath, model, nativeBody, stream);
        if (!accessKeyPair(channel))
            return request;
        const QByteArray token =
            tokenCache().find(cacheKey(channel), QDateTime::currentMSecsSinceEpoch());
        for (QByteArray &header : request.headers) {
            if (header.startsWith("Authorization:"))
                header = "Authorization: Bearer " + token; // Never the AK/SK themselves.
        }
        return request;
    }

    std::optional<UpstreamRequest> credentialRequest(const Channel &channel,
                                                     QString *) const override
    {
        const std::optional<AccessKeyPair> pair = accessKeyPair(channel);
        if (!pair ||
            !tokenCache().find(cacheKey(channel), QDateTime::currentMSecsSinceEpoch()).isEmpty())
            return std::nullopt;
        QString iam = channel.configs.value(QStringLiteral("iam_url")).toString();
        if (iam.isEmpty())
            iam = QString::fromLatin1(kDefaultIamUrl);
        while (iam.endsWith(QLatin1Char('/')))
            iam.chop(1);
        const QUrl url(iam);
        QByteArray host = url.host().toUtf8();
        if (url.port() > 0)
            host += ':' + QByteArray::number(url.port());
        const QByteArray lifetime = QByteArray::number(kTokenLifetimeSecs);
        const QByteArray canonical = BceAuth::canonicalRequest(
            "GET", url.path().toUtf8() + kTokenPath, {{"expireInSeconds", lifetime}}, host);
        UpstreamRequest request;
        request.method = "GET";
        request.url = iam.toUtf8() + kTokenPath + "?expireInSeconds=" + lifetime;
        request.headers = {"Accept: application/json",
                           "Authorization: " +
                               BceAuth::authorization(pair->accessKeyId, pair->secretAccessKey,
                                                      canonical, QDateTime::currentDateTimeUtc())};
        return request;
    }

    QString acceptCredential(const Channel &channel, int status,
                             const QByteArray &body) const override
    {
        const QJsonObject answer = QJsonDocument::fromJson(body).object();
        const QByteArray token = answer.value(QStringLiteral("token")).toString().toUtf8();
        if ((status != 201 && status != 200) || token.isEmpty()) {
            const QString message = answer.value(QStringLiteral("message")).toString();
            return QStringLiteral("Baidu IAM answered HTTP %1%2")
                .arg(status)
                .arg(message.isEmpty() ? QString() : QStringLiteral(": ") + message);
        }
        QDateTime expires = QDateTime::fromString(
            answer.value(QStringLiteral("expireTime")).toString(), Qt::ISODate);
        if (!expires.isValid())
            expires = QDateTime::currentDateTimeUtc().addSecs(kTokenLifetimeSecs);
        tokenCache().store(cacheKey(channel), token, expires.toMSecsSinceEpoch());
        return {};
    }
};

} // namespace

std::shared_ptr<const ProviderAdaptor>
makeBaiduV2Adaptor(std::shared_ptr<const ProviderAdaptor> openaiCompatible)
{
    return std::make_shared<BaiduV2Adaptor>(std::move(openaiCompatible));
}
