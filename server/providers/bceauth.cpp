#include "bceauth.h"

#include <QMessageAuthenticationCode>
#include <QUrl>

#include <algorithm>

namespace {

QByteArray hmacHex(const QByteArray &key, const QByteArray &data)
{
    return QMessageAuthenticationCode::hash(data, key, QCryptographicHash::Sha256).toHex();
}

QByteArray encode(const QByteArray &text, const QByteArray &keep = {})
{
    return QUrl::toPercentEncoding(QString::fromUtf8(text), keep);
}

} // namespace

QByteArray BceAuth::canonicalRequest(const QByteArray &method, const QByteArray &path,
                                     const QList<QPair<QByteArray, QByteArray>> &query,
                                     const QByteArray &host)
{
    QList<QByteArray> pairs;
    for (const auto &[name, value] : query)
        pairs.append(encode(name) + '=' + encode(value));
    std::sort(pairs.begin(), pairs.end());
    return method + '\n' + encode(path, "/") + '\n' + pairs.join('&') + "\nhost:" + encode(host);
}

QByteArray BceAuth::authorization(const QByteArray &accessKeyId, const QByteArray &secretAccessKey,
                                  const QByteArray &canonicalRequest, const QDateTime &at,
                                  int expirationSeconds)
{
    const QByteArray prefix =
        "bce-auth-v1/" + accessKeyId + '/' +
        at.toUTC().toString(QStringLiteral("yyyy-MM-dd'T'HH:mm:ss'Z'")).toLatin1() + '/' +
        QByteArray::number(expirationSeconds);
    const QByteArray signingKey = hmacHex(secretAccessKey, prefix);
    return prefix + "/host/" + hmacHex(signingKey, canonicalRequest);
}
