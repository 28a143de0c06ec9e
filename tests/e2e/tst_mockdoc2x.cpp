// The mock upstream's Doc2x v2 PDF API: the exact bytes of its answers (upload, status polls
// while processing, success with the pages, failure), its key check and its scenarios.
#include "mockupstream.h"
#include "rawhttpclient.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTest>

namespace {

const QByteArray kKey = "sk-doc2x-mock";

QByteArray pdfWithPages(int pages, const QByteArray &scenario = {})
{
    QByteArray pdf = "%PDF-1.4\n";
    if (!scenario.isEmpty())
        pdf += "%mock-scenario:" + scenario + "\n";
    pdf += "1 0 obj << /Type /Pages /Count " + QByteArray::number(pages) + " >> endobj\n";
    for (int i = 0; i < pages; ++i)
        pdf += "<< /Type/Page >>\n";
    return pdf + "%%EOF\n";
}

} // namespace

class TstMockDoc2x : public QObject
{
    Q_OBJECT

private:
    MockUpstream m_mock;

    RawHttpClient::Response call(const QByteArray &method, const QByteArray &path,
                                 const QByteArray &body = {}, bool authorised = true,
                                 RawHttpClient::Headers headers = {})
    {
        if (authorised)
            headers.append({"Authorization", "Bearer " + kKey});
        RawHttpClient client;
        if (!client.connectToPort(m_mock.port()))
            return {};
        return client.request(method, path, body, headers);
    }
    QByteArray upload(const QByteArray &pdf, RawHttpClient::Headers headers = {})
    {
        const auto response = call("POST", "/api/v2/parse/pdf", pdf, true, std::move(headers));
        return response.json().value("data").toObject().value("uid").toString().toUtf8();
    }
    RawHttpClient::Response status(const QByteArray &uid)
    {
        return call("GET", "/api/v2/parse/status?uid=" + uid);
    }

private Q_SLOTS:
    void initTestCase();
    void uploadAndPollToSuccess();
    void failedParse();
    void errors();
};

void TstMockDoc2x::initTestCase()
{
    QVERIFY(m_mock.start());
    m_mock.setRequiredApiKey(kKey);
}

void TstMockDoc2x::uploadAndPollToSuccess()
{
    const auto uploaded = call("POST", "/api/v2/parse/pdf", pdfWithPages(2));
    QCOMPARE(uploaded.status, 200);
    QCOMPARE(uploaded.header("content-type"), QByteArray("application/json; charset=utf-8"));
    const QRegularExpression shape(QStringLiteral(
        R"re(^\{"code":"success","data":\{"uid":"0192d745-5776-7261-abbd-[0-9a-f]{12}"\}\}$)re"));
    QVERIFY2(shape.match(QString::fromUtf8(uploaded.body)).hasMatch(), uploaded.body.constData());
    const QByteArray uid =
        uploaded.json().value("data").toObject().value("uid").toString().toUtf8();

    QCOMPARE(status(uid).body,
             QByteArray(R"({"code":"success","data":{"status":"processing","progress":40}})"));
    const auto done = status(uid);
    QCOMPARE(done.status, 200);
    // (No raw string here: moc would take its "//" for a comment.)
    QVERIFY(done.body.startsWith("{\"code\":\"success\",\"data\":{\"status\":\"success\","
                                 "\"progress\":100,\"result\":{\"pages\":[{\"url\":"
                                 "\"https://cdn.noedgeai.com/mock/" +
                                 uid +
                                 "_0.jpg\",\"page_idx\":0,\"page_width\":1654,"
                                 "\"page_height\":2339,\"md\":"));
    const QJsonArray pages =
        done.json().value("data").toObject().value("result").toObject().value("pages").toArray();
    QCOMPARE(pages.size(), 2); // Two `/Type /Page` objects; `/Type /Pages` is not one.
    for (int i = 0; i < 2; ++i) {
        const QJsonObject page = pages.at(i).toObject();
        QCOMPARE(page.value("page_idx").toInt(), i);
        QCOMPARE(page.value("md").toString(), MockUpstream::doc2xPageMarkdown(i));
        QVERIFY(page.contains("score"));
    }
    QCOMPARE(pages.at(1).toObject().value("url").toString(), QString());
    QVERIFY(
        MockUpstream::doc2xPageMarkdown(0).contains(QLatin1String(MockUpstream::kDoc2xImageUrl)));
}

void TstMockDoc2x::failedParse()
{
    const QByteArray byComment = upload(pdfWithPages(1, "failed"));
    const QByteArray byHeader = upload(pdfWithPages(1), {{"X-Mock-Scenario", "failed"}});
    for (const QByteArray &uid : {byComment, byHeader}) {
        QCOMPARE(status(uid).body,
                 QByteArray(R"({"code":"success","data":{"status":"processing","progress":40}})"));
        QCOMPARE(status(uid).body,
                 QByteArray(R"({"code":"success","data":{"status":"failed","progress":80,)"
                            R"("detail":"parse error: the PDF could not be read"}})"));
    }
    const QByteArray stuck = upload(pdfWithPages(1, "stuck"));
    for (int poll = 0; poll < 4; ++poll)
        QVERIFY(status(stuck).body.contains(R"("status":"processing")"));
}

void TstMockDoc2x::errors()
{
    const auto anonymous = call("POST", "/api/v2/parse/pdf", pdfWithPages(1), false);
    QCOMPARE(anonymous.status, 401);
    QCOMPARE(anonymous.body, QByteArray(R"({"code":"unauthorized","msg":"invalid api key"})"));
    const auto notPdf = call("POST", "/api/v2/parse/pdf", "hello");
    QCOMPARE(notPdf.status, 200);
    QCOMPARE(notPdf.body,
             QByteArray(R"({"code":"parse_file_not_pdf","msg":"the file is not a PDF"})"));
    const auto limited = call("POST", "/api/v2/parse/pdf", pdfWithPages(1, "error-429"));
    QCOMPARE(limited.status, 429);
    QCOMPARE(limited.body,
             QByteArray(R"({"code":"rate_limit_exceeded","msg":"mock doc2x error 429"})"));
    const auto unknown = status("0192d745-5776-7261-abbd-ffffffffffff");
    QCOMPARE(unknown.status, 200);
    QCOMPARE(unknown.body, QByteArray(R"({"code":"parse_status_not_found",)"
                                      R"("msg":"status not found or expired"})"));
    const QByteArray failing = upload(pdfWithPages(1, "status-error-502"));
    QCOMPARE(status(failing).status, 502);
}

QTEST_GUILESS_MAIN(TstMockDoc2x)
#include "tst_mockdoc2x.moc"
