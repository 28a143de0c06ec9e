// bce-auth-v1 (Baidu AI Cloud): the canonical request of the IAM token call, byte for byte as
// Baidu's reference and aiproxy build it, and the authorization string's structure and chain.

#include "providers/bceauth.h"

#include <QMessageAuthenticationCode>
#include <QtTest>

class TstBceAuth : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void canonicalRequest();
    void authorization();
};

void TstBceAuth::canonicalRequest()
{
    QCOMPARE(
        BceAuth::canonicalRequest("GET", "/v1/BCE-BEARER/token", {{"expireInSeconds", "86400"}},
                                  "iam.bj.baidubce.com"),
        QByteArray("GET\n/v1/BCE-BEARER/token\nexpireInSeconds=86400\nhost:iam.bj.baidubce.com"));
    // Query pairs sorted and encoded; the path keeps '/'; the host's port colon is encoded.
    QCOMPARE(
        BceAuth::canonicalRequest("POST", "/a b/c", {{"z", "1"}, {"a", "x y"}}, "127.0.0.1:8080"),
        QByteArray("POST\n/a%20b/c\na=x%20y&z=1\nhost:127.0.0.1%3A8080"));
}

void TstBceAuth::authorization()
{
    const QByteArray canonical = "GET\n/v1/BCE-BEARER/token\nexpireInSeconds=86400\nhost:h";
    const QDateTime at(QDate(2015, 4, 27), QTime(8, 23, 49), Qt::UTC);
    const QByteArray value = BceAuth::authorization("ak", "sk", canonical, at);
    const QByteArray prefix = "bce-auth-v1/ak/2015-04-27T08:23:49Z/1800";
    QVERIFY(value.startsWith(prefix + "/host/"));
    const QByteArray signingKey =
        QMessageAuthenticationCode::hash(prefix, "sk", QCryptographicHash::Sha256).toHex();
    QCOMPARE(value.mid(prefix.size() + 6),
             QMessageAuthenticationCode::hash(canonical, signingKey, QCryptographicHash::Sha256)
                 .toHex());
    QCOMPARE(value.mid(prefix.size() + 6).size(), 64);
    QVERIFY(value != BceAuth::authorization("ak", "other", canonical, at));
}

QTEST_GUILESS_MAIN(TstBceAuth)
#include "tst_bceauth.moc"
