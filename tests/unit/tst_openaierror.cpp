// OpenAIError: the error JSON clients get, and how upstream errors are passed on.
#include "relay/openaierror.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

namespace {

QJsonObject parse(const QByteArray &body)
{
    QJsonParseError error{};
    const QJsonDocument document = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError)
        qWarning() << "not JSON:" << body;
    return document.object();
}

QJsonObject errorOf(const QByteArray &body)
{
    return parse(body).value(QStringLiteral("error")).toObject();
}

} // namespace

class TestOpenAIError : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void bodyShape()
    {
        const QJsonObject root = parse(OpenAIError::body(
            QStringLiteral("bad \"key\""), QStringLiteral("invalid_request_error"),
            QStringLiteral("invalid_api_key"), "1234567890123456"));
        QCOMPARE(root.value("aiproxy").toString(), QStringLiteral("1234567890123456"));
        const QJsonObject error = root.value("error").toObject();
        QCOMPARE(error.value("message").toString(), QStringLiteral("bad \"key\""));
        QCOMPARE(error.value("type").toString(), QStringLiteral("invalid_request_error"));
        QCOMPARE(error.value("code").toString(), QStringLiteral("invalid_api_key"));
        QVERIFY(
            !OpenAIError::body(QStringLiteral("m"), QStringLiteral("t"), QStringLiteral("c"), {})
                 .contains("aiproxy"));
    }

    void keepsOpenAIShapedError_data()
    {
        QTest::addColumn<int>("status");
        QTest::newRow("400") << 400;
        QTest::newRow("404") << 404;
        QTest::newRow("429") << 429;
        QTest::newRow("500") << 500;
        QTest::newRow("503") << 503;
    }
    void keepsOpenAIShapedError()
    {
        QFETCH(int, status);
        const QByteArray upstream = R"({
    "error": {
        "message": "Rate limit reached for gpt-4o",
        "type": "requests",
        "param": null,
        "code": "rate_limit_exceeded"
    }
})";
        const OpenAIError::Mapped mapped = OpenAIError::mapUpstream(status, upstream, "42");
        QCOMPARE(mapped.status, status);
        const QJsonObject root = parse(mapped.body);
        QCOMPARE(root.value("aiproxy").toString(), QStringLiteral("42"));
        const QJsonObject error = root.value("error").toObject();
        QCOMPARE(error.value("message").toString(),
                 QStringLiteral("Rate limit reached for gpt-4o"));
        QCOMPARE(error.value("type").toString(), QStringLiteral("requests"));
        QCOMPARE(error.value("code").toString(), QStringLiteral("rate_limit_exceeded"));
    }

    void keepsNullCode()
    {
        const QByteArray upstream =
            R"({"error":{"message":"The server had an error","type":"server_error","param":null,"code":null}})";
        const OpenAIError::Mapped mapped = OpenAIError::mapUpstream(500, upstream, "1");
        QCOMPARE(mapped.status, 500);
        const QJsonObject error = errorOf(mapped.body);
        QVERIFY(error.value("code").isNull());
        QCOMPARE(error.value("type").toString(), QStringLiteral("server_error"));
    }

    void channelCredentialFailuresBecome502_data()
    {
        QTest::addColumn<int>("status");
        QTest::newRow("401") << 401;
        QTest::newRow("403") << 403;
    }
    void channelCredentialFailuresBecome502()
    {
        // The client's own token was accepted; a provider 401/403 is the gateway's problem.
        QFETCH(int, status);
        const QByteArray upstream =
            R"({"error":{"message":"Incorrect API key provided: sk-abc","type":"invalid_request_error","param":null,"code":"invalid_api_key"}})";
        const OpenAIError::Mapped mapped = OpenAIError::mapUpstream(status, upstream, "7");
        QCOMPARE(mapped.status, 502);
        const QJsonObject root = parse(mapped.body);
        QCOMPARE(root.value("aiproxy").toString(), QStringLiteral("7"));
        const QJsonObject error = root.value("error").toObject();
        QCOMPARE(error.value("type").toString(), QStringLiteral("upstream_error"));
        const QString message = error.value("message").toString();
        QVERIFY2(message.contains(QStringLiteral("Incorrect API key provided")),
                 qPrintable(message));
        QVERIFY2(message.contains(QString::number(status)), qPrintable(message));
    }

    void plainTextBody()
    {
        const OpenAIError::Mapped mapped =
            OpenAIError::mapUpstream(503, "  upstream overloaded, try later\n", "9");
        QCOMPARE(mapped.status, 503);
        const QJsonObject root = parse(mapped.body);
        QCOMPARE(root.value("aiproxy").toString(), QStringLiteral("9"));
        const QJsonObject error = root.value("error").toObject();
        QCOMPARE(error.value("message").toString(),
                 QStringLiteral("upstream overloaded, try later"));
        QCOMPARE(error.value("type").toString(), QStringLiteral("upstream_error"));
        QCOMPARE(error.value("code").toInt(), 503);
    }

    void longPlainTextIsCut()
    {
        const OpenAIError::Mapped mapped =
            OpenAIError::mapUpstream(500, QByteArray(5000, 'x'), "9");
        QCOMPARE(errorOf(mapped.body).value("message").toString().size(), 512);
    }

    void emptyBody()
    {
        const OpenAIError::Mapped mapped = OpenAIError::mapUpstream(502, {}, "9");
        QCOMPARE(mapped.status, 502);
        QCOMPARE(errorOf(mapped.body).value("message").toString(),
                 QStringLiteral("upstream returned HTTP 502"));
    }

    void otherErrorShapes()
    {
        QCOMPARE(
            errorOf(OpenAIError::mapUpstream(400, R"({"error":"model is required"})", "1").body)
                .value("message")
                .toString(),
            QStringLiteral("model is required"));
        QCOMPARE(
            errorOf(OpenAIError::mapUpstream(400, R"({"message":"bad request body"})", "1").body)
                .value("message")
                .toString(),
            QStringLiteral("bad request body"));
        // An HTML error page is still wrapped as JSON.
        const OpenAIError::Mapped html =
            OpenAIError::mapUpstream(504, "<html><body>504 Gateway Time-out</body></html>", "1");
        QCOMPARE(html.status, 504);
        QVERIFY(errorOf(html.body).value("message").toString().contains(
            QStringLiteral("504 Gateway Time-out")));
    }

    void nonErrorStatusBecomes502()
    {
        // A redirect or 1xx is not an answer the client can use.
        QCOMPARE(OpenAIError::mapUpstream(302, "moved", "1").status, 502);
        QCOMPARE(OpenAIError::mapUpstream(600, "odd", "1").status, 502);
    }

    void streamEvent()
    {
        const QByteArray event = OpenAIError::streamEvent(QStringLiteral("upstream stream failed"),
                                                          QStringLiteral("upstream_error"), "55");
        QVERIFY(event.startsWith("data: {"));
        QVERIFY(event.endsWith("}\n\n"));
        QCOMPARE(event.count('\n'), 2); // One SSE event: a single data line and the blank line.
        const QJsonObject root = parse(event.mid(6).trimmed());
        QCOMPARE(root.value("aiproxy").toString(), QStringLiteral("55"));
        QCOMPARE(root.value("error").toObject().value("message").toString(),
                 QStringLiteral("upstream stream failed"));
        QCOMPARE(root.value("error").toObject().value("type").toString(),
                 QStringLiteral("upstream_error"));
    }
};

QTEST_APPLESS_MAIN(TestOpenAIError)
#include "tst_openaierror.moc"
