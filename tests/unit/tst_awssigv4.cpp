// AWS Signature Version 4: AWS's published test suite (aws-sig-v4-test-suite: credentials
// AKIDEXAMPLE / wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY, region us-east-1, service "service",
// 20150830T123600Z) with the exact signatures it expects, and the Bedrock specifics (double
// encoded paths, hosts with ports, session tokens).

#include "providers/awssigv4.h"

#include <QTest>
#include <QTimeZone>

namespace {

const QByteArray kSuiteAuthorization =
    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, ";
const QByteArray kEmptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const QByteArray kSuiteSessionToken =
    "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267";

QDateTime suiteTime()
{
    return QDateTime(QDate(2015, 8, 30), QTime(12, 36, 0), Qt::UTC);
}

AwsSigV4 suiteSigner(const QByteArray &sessionToken = {})
{
    return AwsSigV4({"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", sessionToken},
                    "us-east-1", "service");
}

UpstreamRequest request(const QByteArray &method, const QByteArray &url,
                        const QList<QByteArray> &headers = {}, const QByteArray &body = {})
{
    UpstreamRequest r;
    r.method = method;
    r.url = url;
    r.headers = headers;
    r.body = body;
    return r;
}

/// The value of header \a name in \a request (first match, case-insensitive).
QByteArray header(const UpstreamRequest &request, const QByteArray &name)
{
    for (const QByteArray &line : request.headers) {
        if (line.toLower().startsWith(name.toLower() + ':'))
            return line.sliced(name.size() + 1).trimmed();
    }
    return {};
}

int headerCount(const UpstreamRequest &request, const QByteArray &name)
{
    int count = 0;
    for (const QByteArray &line : request.headers)
        count += line.toLower().startsWith(name.toLower() + ':') ? 1 : 0;
    return count;
}

} // namespace

class TstAwsSigV4 : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void testSuite_data();
    void testSuite();
    void suiteCanonicalRequests();
    void sessionTokenIsSentAndSigned();
    void timeIsUsedAsUtc();
    void bedrockPathIsEncodedTwice();
    void hostCarriesOnlyNonDefaultPorts();
    void queryIsSortedAndReencoded();
    void unsignedHeadersAndResigning();
    void contentSha256HeaderIsOptional();
};

void TstAwsSigV4::testSuite_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("url");
    QTest::addColumn<QList<QByteArray>>("headers");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("sessionToken");
    QTest::addColumn<QByteArray>("authorization");

    QTest::newRow("get-vanilla")
        << QByteArray("GET") << QByteArray("https://example.amazonaws.com/") << QList<QByteArray>()
        << QByteArray() << QByteArray()
        << kSuiteAuthorization +
               "SignedHeaders=host;x-amz-date, "
               "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31";
    QTest::newRow("post-vanilla")
        << QByteArray("POST") << QByteArray("https://example.amazonaws.com/") << QList<QByteArray>()
        << QByteArray() << QByteArray()
        << kSuiteAuthorization +
               "SignedHeaders=host;x-amz-date, "
               "Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b";
    QTest::newRow("get-vanilla-query-order-key-case")
        << QByteArray("GET")
        << QByteArray("https://example.amazonaws.com/?Param2=value2&Param1=value1")
        << QList<QByteArray>() << QByteArray() << QByteArray()
        << kSuiteAuthorization +
               "SignedHeaders=host;x-amz-date, "
               "Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500";
    QTest::newRow("post-x-www-form-urlencoded")
        << QByteArray("POST") << QByteArray("https://example.amazonaws.com/")
        << QList<QByteArray>{"Content-Type: application/x-www-form-urlencoded"}
        << QByteArray("Param1=value1") << QByteArray()
        << kSuiteAuthorization +
               "SignedHeaders=content-type;host;x-amz-date, "
               "Signature=ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a";
    QTest::newRow("get-vanilla-with-session-token")
        << QByteArray("GET") << QByteArray("https://example.amazonaws.com/") << QList<QByteArray>()
        << QByteArray() << kSuiteSessionToken
        << kSuiteAuthorization +
               "SignedHeaders=host;x-amz-date;x-amz-security-token, "
               "Signature=07ec1639c89043aa0e3e2de82b96708f198cceab042d4a97044c66dd9f74e7f8";
}

void TstAwsSigV4::testSuite()
{
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, url);
    QFETCH(QList<QByteArray>, headers);
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, sessionToken);
    QFETCH(QByteArray, authorization);
    UpstreamRequest signedRequest = request(method, url, headers, body);
    suiteSigner(sessionToken).sign(&signedRequest, suiteTime());
    QCOMPARE(header(signedRequest, "Authorization"), authorization);
    QCOMPARE(header(signedRequest, "X-Amz-Date"), QByteArray("20150830T123600Z"));
    QCOMPARE(signedRequest.body, body);
}

void TstAwsSigV4::suiteCanonicalRequests()
{
    // get-vanilla: the suite's canonical request and the hash in its string to sign.
    UpstreamRequest vanilla = request("GET", "https://example.amazonaws.com/");
    suiteSigner().sign(&vanilla, suiteTime());
    QByteArray signedHeaders;
    const QByteArray canonical = suiteSigner().canonicalRequest(vanilla, &signedHeaders);
    QCOMPARE(canonical, "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
                        "host;x-amz-date\n" +
                            kEmptySha256);
    QCOMPARE(signedHeaders, QByteArray("host;x-amz-date"));
    QCOMPARE(AwsSigV4::sha256Hex(canonical),
             QByteArray("bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63"));

    // get-vanilla-with-session-token.
    UpstreamRequest token = request("GET", "https://example.amazonaws.com/");
    suiteSigner(kSuiteSessionToken).sign(&token, suiteTime());
    QCOMPARE(AwsSigV4::sha256Hex(suiteSigner(kSuiteSessionToken).canonicalRequest(token, nullptr)),
             QByteArray("067b36aa60031588cea4a4cde1f21215227a047690c72247f1d70b32fbbfad2b"));

    // post-x-www-form-urlencoded: the body's hash ends the canonical request.
    UpstreamRequest form =
        request("POST", "https://example.amazonaws.com/",
                {"Content-Type: application/x-www-form-urlencoded"}, "Param1=value1");
    suiteSigner().sign(&form, suiteTime());
    QVERIFY(suiteSigner()
                .canonicalRequest(form, nullptr)
                .endsWith("\n9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e"));
}

void TstAwsSigV4::sessionTokenIsSentAndSigned()
{
    UpstreamRequest signedRequest = request("GET", "https://example.amazonaws.com/");
    suiteSigner(kSuiteSessionToken).sign(&signedRequest, suiteTime());
    QCOMPARE(header(signedRequest, "X-Amz-Security-Token"), kSuiteSessionToken);
    UpstreamRequest plain = request("GET", "https://example.amazonaws.com/");
    suiteSigner().sign(&plain, suiteTime());
    QCOMPARE(headerCount(plain, "X-Amz-Security-Token"), 0);
}

void TstAwsSigV4::timeIsUsedAsUtc()
{
    UpstreamRequest utc = request("GET", "https://example.amazonaws.com/");
    suiteSigner().sign(&utc, suiteTime());
    UpstreamRequest shifted = request("GET", "https://example.amazonaws.com/");
    suiteSigner().sign(&shifted, suiteTime().toTimeZone(QTimeZone(14 * 3600)));
    QCOMPARE(header(shifted, "Authorization"), header(utc, "Authorization"));
    QCOMPARE(header(shifted, "X-Amz-Date"), QByteArray("20150830T123600Z"));
}

void TstAwsSigV4::bedrockPathIsEncodedTwice()
{
    // The model id "anthropic.claude-3-5-sonnet-20241022-v2:0" is sent with ':' as %3A; AWS
    // signs the path as sent, encoded once more.
    QCOMPARE(AwsSigV4::canonicalUri("/model/anthropic.claude-3-5-sonnet-20241022-v2%3A0/invoke"),
             QByteArray("/model/anthropic.claude-3-5-sonnet-20241022-v2%253A0/invoke"));
    QCOMPARE(AwsSigV4::canonicalUri(""), QByteArray("/"));
    QCOMPARE(AwsSigV4::canonicalUri("/a b/~x_y-z.w/"), QByteArray("/a%20b/~x_y-z.w/"));
    QCOMPARE(AwsSigV4::uriEncode("a:b/c+d=\xe1\x88\xb4"), QByteArray("a%3Ab%2Fc%2Bd%3D%E1%88%B4"));

    UpstreamRequest invoke = request(
        "POST",
        "https://bedrock-runtime.us-east-1.amazonaws.com/model/us.anthropic.claude-v1%3A0/invoke",
        {"Content-Type: application/json"}, "{}");
    AwsSigV4 signer({"AKIDEXAMPLE", "secret", {}}, "us-east-1", "bedrock");
    signer.sign(&invoke, suiteTime());
    QVERIFY(signer.canonicalRequest(invoke, nullptr)
                .startsWith("POST\n/model/us.anthropic.claude-v1%253A0/invoke\n\n"));
    QVERIFY(header(invoke, "Authorization")
                .startsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/bedrock/"
                            "aws4_request, SignedHeaders=content-type;host;x-amz-date, "
                            "Signature="));
}

void TstAwsSigV4::hostCarriesOnlyNonDefaultPorts()
{
    const auto hostLine = [](const QByteArray &url) {
        UpstreamRequest r = request("GET", url);
        suiteSigner().sign(&r, suiteTime());
        const QByteArray canonical = suiteSigner().canonicalRequest(r, nullptr);
        const qsizetype at = canonical.indexOf("\nhost:") + 1;
        return canonical.sliced(at, canonical.indexOf('\n', at) - at);
    };
    QCOMPARE(hostLine("http://127.0.0.1:8080/model/x/invoke"), QByteArray("host:127.0.0.1:8080"));
    QCOMPARE(hostLine("https://Example.AmazonAWS.com:443/"),
             QByteArray("host:example.amazonaws.com"));
    QCOMPARE(hostLine("http://example.amazonaws.com:80/"),
             QByteArray("host:example.amazonaws.com"));
    QCOMPARE(hostLine("https://example.amazonaws.com:8443?x=1"),
             QByteArray("host:example.amazonaws.com:8443"));
    QCOMPARE(hostLine("http://user:pw@[::1]:9000/"), QByteArray("host:[::1]:9000"));
}

void TstAwsSigV4::queryIsSortedAndReencoded()
{
    QCOMPARE(AwsSigV4::canonicalQuery("b=2&a=x%20y&a=w&c"), QByteArray("a=w&a=x%20y&b=2&c="));
    QCOMPARE(AwsSigV4::canonicalQuery("k=a%3ab&%e1%88%b4=bar"),
             QByteArray("%E1%88%B4=bar&k=a%3Ab"));
    QCOMPARE(AwsSigV4::canonicalQuery(""), QByteArray());
}

void TstAwsSigV4::unsignedHeadersAndResigning()
{
    UpstreamRequest r = request("POST", "https://example.amazonaws.com/",
                                {"User-Agent: aiproxy", "Content-Length: 2", "Accept:  a   b ",
                                 "X-Custom: 1", "x-custom: 2"},
                                "{}");
    suiteSigner().sign(&r, QDateTime(QDate(2020, 1, 1), QTime(0, 0), Qt::UTC));
    suiteSigner().sign(&r, suiteTime()); // Signing again replaces the earlier signature.
    QCOMPARE(headerCount(r, "Authorization"), 1);
    QCOMPARE(headerCount(r, "X-Amz-Date"), 1);
    QCOMPARE(header(r, "X-Amz-Date"), QByteArray("20150830T123600Z"));
    QByteArray signedHeaders;
    const QByteArray canonical = suiteSigner().canonicalRequest(r, &signedHeaders);
    QCOMPARE(signedHeaders, QByteArray("accept;host;x-amz-date;x-custom"));
    QVERIFY(canonical.contains("\naccept:a b\n"));
    QVERIFY(canonical.contains("\nx-custom:1,2\n"));
    QVERIFY(header(r, "Authorization").contains("SignedHeaders=" + signedHeaders + ", "));
}

void TstAwsSigV4::contentSha256HeaderIsOptional()
{
    AwsSigV4 signer = suiteSigner();
    signer.setContentSha256Header(true);
    UpstreamRequest r = request("POST", "https://example.amazonaws.com/", {}, "Param1=value1");
    signer.sign(&r, suiteTime());
    QCOMPARE(header(r, "X-Amz-Content-Sha256"),
             QByteArray("9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e"));
    QVERIFY(header(r, "Authorization")
                .contains("SignedHeaders=host;x-amz-content-sha256;x-amz-date, "));
}

QTEST_APPLESS_MAIN(TstAwsSigV4)
#include "tst_awssigv4.moc"
