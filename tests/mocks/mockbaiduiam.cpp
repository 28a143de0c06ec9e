#include "mockbaiduiam_p.h"

#include <QDateTime>
#include <QMessageAuthenticationCode>
#include <QUrl>

using MockWire::Reply;

namespace {

Reply denied(const QByteArray &message)
{
    Reply reply;
    reply.status = 401;
    reply.contentType = "application/json;charset=UTF-8";
    reply.body = "{\"requestId\":\"9d1c5a3e-mock\",\"code\":\"AccessDenied\",\"message\":\"" +
                 message + "\"}";
    return reply;
}

QByteArray hmacSha256Hex(const QByteArray &key, const QByteArray &message)
{
    QMessageAuthenticationCode mac(QCryptographicHash::Sha256, key);
    mac.addData(message);
    return mac.result().toHex();
}

} // namespace

bool MockWire::isBaiduIamPath(const QByteArray &path)
{
    return path == "/v1/BCE-BEARER/token";
}

QByteArray MockUpstream::baiduBearerToken()
{
    return QByteArray("bce-v3/ALTAK-mock-") + kBaiduAccessKeyId + "/0123456789abcdef";
}

Reply MockWire::baiduIamReply(const MockUpstream::Request &request)
{
    // bce-auth-v1/{ak}/{timestamp}/{expiration}/{signedHeaders}/{signature}
    const QList<QByteArray> parts = request.header("authorization").split('/');
    if (request.method != "GET" || parts.size() != 6 || parts[0] != "bce-auth-v1")
        return denied("authorization is not bce-auth-v1");
    if (parts[1] != MockUpstream::kBaiduAccessKeyId)
        return denied("The access key id does not exist");
    const QDateTime signedAt = QDateTime::fromString(QString::fromLatin1(parts[2]), Qt::ISODate);
    if (!signedAt.isValid() || qAbs(signedAt.secsTo(QDateTime::currentDateTimeUtc())) > 1800)
        return denied("the signature has expired");
    if (parts[4] != "host")
        return denied("only the host header is expected to be signed");
    const QUrl url(QString::fromLatin1("http://mock" + request.path));
    const QByteArray canonical =
        "GET\n" + url.path(QUrl::FullyEncoded).toLatin1() + '\n' +
        url.query(QUrl::FullyEncoded).toLatin1() +
        "\nhost:" + QUrl::toPercentEncoding(QString::fromLatin1(request.header("host")));
    const QByteArray prefix = parts[0] + '/' + parts[1] + '/' + parts[2] + '/' + parts[3];
    const QByteArray signingKey = hmacSha256Hex(MockUpstream::kBaiduSecretAccessKey, prefix);
    if (hmacSha256Hex(signingKey, canonical) != parts[5])
        return denied("The request signature we calculated does not match the signature you "
                      "provided");
    const QDateTime now = QDateTime::currentDateTimeUtc();
    Reply reply;
    reply.status = 201;
    reply.contentType = "application/json;charset=UTF-8";
    reply.body = "{\"userId\":\"2f1e0c1d3b4a4c5d9e8f7a6b5c4d3e2f\",\"token\":\"" +
                 MockUpstream::baiduBearerToken() + "\",\"status\":\"enable\",\"createTime\":\"" +
                 now.toString(Qt::ISODate).toLatin1() + "\",\"expireTime\":\"" +
                 now.addDays(1).toString(Qt::ISODate).toLatin1() + "\"}";
    return reply;
}
