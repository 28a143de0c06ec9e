// POST /v1/parse/pdf on Doc2x channels (type 46): the PDF is uploaded as it is, the parse task
// polled until it ends, its pages answered as converted Markdown (one document or a list) and
// billed by the page; failures, refusals and a client leaving mid-parse.

#include "gateway/gatewaycore.h"
#include "logrows.h"
#include "mockupstream.h"
#include "rawhttpclient.h"
#include "relay/parsepdfjob.h"
#include "relayseed.h"
#include "storage/database.h"
#include "storage/logwriter.h"
#include "testgateway.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QtTest>

namespace {

const QString kGroup = QStringLiteral("pdf-group");
const QString kKey = QStringLiteral("pdfkey0123456789pdfkey0123456789pdfkey0123456789");
const QByteArray kChannelKey = "sk-doc2x-channel-secret-4242";
const QByteArray kBoundary = "----parsePdfTestBoundary";
constexpr char kUploadPath[] = "/api/v2/parse/pdf";
constexpr char kStatusPath[] = "/api/v2/parse/status?uid=";

/// A small PDF of \a pages pages; \a scenario becomes a `%mock-scenario:` comment line. A
/// stream holds every byte value (CRLFs and boundary-like dashes too).
QByteArray pdf(int pages, const QByteArray &scenario = {})
{
    QByteArray binary;
    for (int i = 0; i < 256; ++i)
        binary += char(i);
    QByteArray out = "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n";
    if (!scenario.isEmpty())
        out += "%mock-scenario:" + scenario + '\n';
    out += "1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
           "2 0 obj\n<< /Type /Pages /Count " +
           QByteArray::number(pages) + " >>\nendobj\n";
    for (int page = 0; page < pages; ++page)
        out += QByteArray::number(page + 3) + " 0 obj\n<< /Type /Page /Parent 2 0 R >>\nendobj\n";
    return out + "9 0 obj\n<< /Length 260 >>\nstream\r\n--" + binary +
           "\r\nendstream\nendobj\n%%EOF\n";
}

/// A multipart form with \a fields and, unless \a file is null, the file part `file`.
QByteArray form(const QList<QPair<QByteArray, QByteArray>> &fields, const QByteArray &file)
{
    QByteArray body;
    if (!file.isNull())
        body += "--" + kBoundary +
                "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"report.pdf\"\r\n"
                "Content-Type: application/pdf\r\n\r\n" +
                file + "\r\n";
    for (const auto &[name, value] : fields)
        body += "--" + kBoundary + "\r\nContent-Disposition: form-data; name=\"" + name +
                "\"\r\n\r\n" + value + "\r\n";
    return body + "--" + kBoundary + "--\r\n";
}

RawHttpClient::Headers formHeaders()
{
    return {{"Authorization", "Bearer sk-" + kKey.toLatin1()},
            {"Content-Type", "multipart/form-data; boundary=" + kBoundary}};
}

/// Seeds the group, token, a Doc2x channel serving "pdf", one with a wrong key serving
/// "pdf-badkey" and an OpenAI channel serving "gpt-4o-mini".
bool seed(TestGateway &gateway, const MockUpstream &mock, QString *error)
{
    QSqlDatabase db = gateway.core()->mainDatabase()->connection();
    const QString doc2xBase = QStringLiteral("http://127.0.0.1:%1").arg(mock.port());
    RelaySeed::ChannelRow doc2x;
    doc2x.id = 1;
    doc2x.type = 46;
    doc2x.name = QStringLiteral("doc2x");
    doc2x.key = QString::fromLatin1(kChannelKey);
    doc2x.baseUrl = doc2xBase;
    doc2x.models = {QStringLiteral("pdf")};
    RelaySeed::ChannelRow badKey = doc2x;
    badKey.id = 2;
    badKey.key = QStringLiteral("sk-wrong");
    badKey.models = {QStringLiteral("pdf-badkey")};
    RelaySeed::ChannelRow openai;
    openai.id = 3;
    openai.name = QStringLiteral("openai");
    openai.key = QStringLiteral("sk-upstream");
    openai.baseUrl = mock.baseUrl();
    openai.models = {QStringLiteral("gpt-4o-mini")};
    if (!RelaySeed::insertGroup(db, kGroup, error) ||
        !RelaySeed::insertToken(db, {1, kKey, QStringLiteral("t"), kGroup, {}, 1}, error) ||
        !RelaySeed::insertChannel(db, doc2x, error) ||
        !RelaySeed::insertChannel(db, badKey, error) ||
        !RelaySeed::insertChannel(db, openai, error))
        return false;
    for (const char *model : {"pdf", "pdf-badkey", "gpt-4o-mini"}) {
        if (!RelaySeed::insertModelConfig(db, QLatin1String(model), QStringLiteral("doc2x"), error))
            return false;
    }
    gateway.core()->reloadSnapshot();
    return true;
}

bool mentions(const QSqlRecord &row, const QByteArray &text)
{
    for (int i = 0; i < row.count(); ++i) {
        if (row.value(i).toString().contains(QString::fromLatin1(text)))
            return true;
    }
    return false;
}

} // namespace

class TstParsePdf : public QObject
{
    Q_OBJECT

private:
    MockUpstream m_mock;
    TestGateway m_gateway;

    RawHttpClient::Response post(const QByteArray &body, const QByteArray &query = {},
                                 quint16 port = 0)
    {
        RawHttpClient client;
        if (!client.connectToPort(port ? port : m_gateway.port()))
            return {};
        return client.request("POST", "/v1/parse/pdf" + query, body, formHeaders());
    }
    /// Mock requests (ids) to \a path, optionally only those naming \a uid.
    QList<int> requestsTo(const QByteArray &path, const QByteArray &uid = {}) const
    {
        QList<int> ids;
        for (const MockUpstream::Request &request : m_mock.requests()) {
            if (request.path.startsWith(path) && request.path.contains(uid))
                ids.append(request.id);
        }
        return ids;
    }
    /// The uid the mock gave the upload \a uploadId.
    QByteArray uidOf(int uploadId) const
    {
        return QJsonDocument::fromJson(m_mock.responseBody(uploadId))
            .object()
            .value("data")
            .toObject()
            .value("uid")
            .toString()
            .toUtf8();
    }
    static void checkError(const RawHttpClient::Response &response, int status,
                           const QString &code);

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase() { m_gateway.stop(); }
    void init() { m_mock.clearRecords(); }
    void markdownOfTheWholeDocument();
    void listOfPageMarkdowns();
    void failedParseIs502();
    void providerRefusals_data();
    void providerRefusals();
    void requestsWithoutAFileAreRefused();
    void modelWithoutDoc2xChannelIs404();
    void clientLeavingStopsPolling();
    void parseTakingTooLongIs504();
};

void TstParsePdf::checkError(const RawHttpClient::Response &response, int status,
                             const QString &code)
{
    QCOMPARE(response.status, status);
    const QJsonObject error = response.json().value("error").toObject();
    QVERIFY2(!error.value("message").toString().isEmpty(), response.body.constData());
    QCOMPARE(error.value("code").toString(), code);
    QVERIFY(!response.header("x-request-id").isEmpty());
    QCOMPARE(response.json().value("aiproxy").toString().toLatin1(),
             response.header("x-request-id"));
}

void TstParsePdf::initTestCase()
{
    QVERIFY(m_mock.start());
    m_mock.setRequiredApiKey(kChannelKey);
    TestGateway::Options options;
    options.configure = [](GatewayConfig &config) { config.parsePdfPollIntervalMs = 50; };
    QString error;
    QVERIFY2(m_gateway.start(options, &error), qPrintable(error));
    QVERIFY2(seed(m_gateway, m_mock, &error), qPrintable(error));
}

void TstParsePdf::markdownOfTheWholeDocument()
{
    const QByteArray file = pdf(3);
    const auto response = post(form({{"model", "pdf"}}, file));
    QCOMPARE(response.status, 200);
    const QJsonObject answer = response.json();
    QCOMPARE(answer.keys(), QStringList({"markdown", "pages"}));
    QCOMPARE(answer.value("pages").toInt(), 3);
    const QString markdown = answer.value("markdown").toString();
    QVERIFY2(markdown.contains("| Region | Revenue | ^^ |\n| --- | --- | --- |\n"
                               "| ^^ | 2023 | 2024 |\n| North | 10 | 12 |"),
             qPrintable(markdown));
    QVERIFY(markdown.contains(
        QStringLiteral("![img](%1)").arg(QLatin1String(MockUpstream::kDoc2xImageUrl))));
    QVERIFY(markdown.contains("1 Unaudited figures.\n\n## Page 2\n\nText of page 2.\n\n## Page 3"));
    for (const char *leftover : {"<table", "<img", "<!--"})
        QVERIFY2(!markdown.contains(QLatin1String(leftover)), leftover);

    // The PDF went up byte for byte with the channel's key, then the task was polled.
    const QList<int> uploads = requestsTo(kUploadPath);
    QCOMPARE(uploads.size(), 1);
    const MockUpstream::Request upload = m_mock.request(uploads.first());
    QCOMPARE(upload.method, QByteArray("POST"));
    QCOMPARE(upload.body, file);
    QCOMPARE(upload.header("authorization"), "Bearer " + kChannelKey);
    QCOMPARE(upload.header("content-type"), QByteArray("application/pdf"));
    const QByteArray uid = uidOf(uploads.first());
    QVERIFY(!uid.isEmpty());
    const QList<int> polls = requestsTo(kStatusPath, uid);
    QCOMPARE(polls.size(), MockUpstream::kDoc2xProcessingPolls + 1);
    for (int id : polls) {
        QCOMPARE(m_mock.request(id).method, QByteArray("GET"));
        QCOMPARE(m_mock.request(id).header("authorization"), "Bearer " + kChannelKey);
    }

    const QSqlRecord row = LogRows::waitFor(m_gateway.core(), response.header("x-request-id"));
    QCOMPARE(row.value("code").toInt(), 200);
    QCOMPARE(row.value("mode").toInt(), 11);
    QCOMPARE(row.value("channel_id").toInt(), 1);
    QCOMPARE(row.value("model").toString(), QStringLiteral("pdf"));
    QCOMPARE(row.value("endpoint").toString(), QStringLiteral("/v1/parse/pdf"));
    QCOMPARE(row.value("input_tokens").toInt(), 3);
    QCOMPARE(row.value("output_tokens").toInt(), 0);
    QCOMPARE(row.value("total_tokens").toInt(), 3);
    QCOMPARE(row.value("usage_source").toString(), QStringLiteral("upstream"));
    QCOMPARE(row.value("upstream_id").toString().toUtf8(), uid);
    QCOMPARE(row.value("content").toString(), QString());
    QVERIFY(!mentions(row, kChannelKey));
}

void TstParsePdf::listOfPageMarkdowns()
{
    // ?model= wins over the form's field, as in aiproxy.
    const auto response =
        post(form({{"model", "no-such-model"}, {"response_format", "list"}}, pdf(2)), "?model=pdf");
    QCOMPARE(response.status, 200);
    const QJsonObject answer = response.json();
    QCOMPARE(answer.keys(), QStringList({"markdowns"}));
    const QJsonArray pages = answer.value("markdowns").toArray();
    QCOMPARE(pages.size(), 2);
    QVERIFY(pages.at(0).toString().startsWith("# Quarterly report\n\n![img]("));
    QVERIFY(pages.at(0).toString().contains("| North | 10 | 12 |"));
    QCOMPARE(pages.at(1).toString(), QStringLiteral("## Page 2\n\nText of page 2.\n"));
    const QSqlRecord row = LogRows::waitFor(m_gateway.core(), response.header("x-request-id"));
    QCOMPARE(row.value("input_tokens").toInt(), 2);
    QCOMPARE(row.value("total_tokens").toInt(), 2);
}

void TstParsePdf::failedParseIs502()
{
    const auto response = post(form({{"model", "pdf"}}, pdf(1, "failed")));
    checkError(response, 502, QStringLiteral("parse_pdf_failed"));
    QVERIFY(response.json().value("error").toObject().value("message").toString().contains(
        QLatin1String(MockUpstream::kDoc2xFailureDetail)));
    QCOMPARE(requestsTo(kStatusPath).size(), MockUpstream::kDoc2xProcessingPolls + 1);
    const QSqlRecord row = LogRows::waitFor(m_gateway.core(), response.header("x-request-id"));
    QCOMPARE(row.value("code").toInt(), 502);
    QCOMPARE(row.value("mode").toInt(), 11);
    QVERIFY(
        row.value("content").toString().contains(QLatin1String(MockUpstream::kDoc2xFailureDetail)));
    QCOMPARE(row.value("total_tokens").toInt(), 0);
    QVERIFY(!mentions(row, kChannelKey));
}

void TstParsePdf::providerRefusals_data()
{
    QTest::addColumn<QByteArray>("model");
    QTest::addColumn<QByteArray>("file");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("message");

    QTest::newRow("not a pdf") << QByteArray("pdf") << QByteArray("plain text") << 400
                               << "parse_file_not_pdf"
                               << "not a PDF";
    QTest::newRow("rate limited") << QByteArray("pdf") << pdf(1, "error-429") << 429
                                  << "upstream_error"
                                  << "mock doc2x error 429";
    QTest::newRow("provider down")
        << QByteArray("pdf") << pdf(1, "error-503") << 503 << "upstream_error"
        << "mock doc2x error 503";
    QTest::newRow("status poll fails")
        << QByteArray("pdf") << pdf(1, "status-error-500") << 500 << "upstream_error"
        << "Doc2x status failed";
    QTest::newRow("channel key rejected")
        << QByteArray("pdf-badkey") << pdf(1) << 502 << "upstream_error"
        << "credentials";
}

void TstParsePdf::providerRefusals()
{
    QFETCH(QByteArray, model);
    QFETCH(QByteArray, file);
    QFETCH(int, status);
    QFETCH(QString, code);
    QFETCH(QString, message);
    const auto response = post(form({{"model", model}}, file));
    checkError(response, status, code);
    QVERIFY2(
        response.json().value("error").toObject().value("message").toString().contains(message),
        response.body.constData());
    const QSqlRecord row = LogRows::waitFor(m_gateway.core(), response.header("x-request-id"));
    QCOMPARE(row.value("code").toInt(), status);
    QCOMPARE(row.value("mode").toInt(), 11);
    QVERIFY(!mentions(row, kChannelKey));
    QVERIFY(!mentions(row, "sk-wrong"));
}

void TstParsePdf::requestsWithoutAFileAreRefused()
{
    const auto noFile = post(form({{"model", "pdf"}}, QByteArray()));
    checkError(noFile, 400, QStringLiteral("missing_file"));
    const QSqlRecord row = LogRows::waitFor(m_gateway.core(), noFile.header("x-request-id"));
    QCOMPARE(row.value("code").toInt(), 400);
    QCOMPARE(row.value("mode").toInt(), 11);
    QCOMPARE(row.value("model").toString(), QStringLiteral("pdf"));

    const auto json = RawHttpClient::postJson(m_gateway.port(), "/v1/parse/pdf", {{"model", "pdf"}},
                                              {{"Authorization", "Bearer sk-" + kKey.toLatin1()}});
    checkError(json, 400, QStringLiteral("invalid_multipart"));
    const auto noModel = post(form({}, pdf(1)));
    checkError(noModel, 400, QStringLiteral("missing_model"));
    const auto anonymous = RawHttpClient::postJson(m_gateway.port(), "/v1/parse/pdf", {});
    QCOMPARE(anonymous.status, 401);
    QCOMPARE(m_mock.requestCount(), 0);
}

void TstParsePdf::modelWithoutDoc2xChannelIs404()
{
    // gpt-4o-mini is served, but by an OpenAI channel, which does not parse PDFs.
    const auto served = post(form({{"model", "gpt-4o-mini"}}, pdf(1)));
    checkError(served, 404, QStringLiteral("model_not_found"));
    const auto unknown = post(form({{"model", "no-such-model"}}, pdf(1)));
    checkError(unknown, 404, QStringLiteral("model_not_found"));
    QCOMPARE(m_mock.requestCount(), 0);
    const QSqlRecord row = LogRows::waitFor(m_gateway.core(), served.header("x-request-id"));
    QCOMPARE(row.value("code").toInt(), 404);
    QCOMPARE(row.value("channel_id").toInt(), 0);
}

void TstParsePdf::clientLeavingStopsPolling()
{
    RawHttpClient client;
    QVERIFY(client.connectToPort(m_gateway.port()));
    client.send(RawHttpClient::buildRequest(
        "POST", "/v1/parse/pdf", form({{"model", "pdf"}}, pdf(1, "stuck")), formHeaders()));
    QTRY_VERIFY_WITH_TIMEOUT(requestsTo(kStatusPath).size() >= 2, 10000);
    const QByteArray uid = uidOf(requestsTo(kUploadPath).first());
    client.abort();

    // The job ends (its log row says the client left) ...
    QSqlQuery query(m_gateway.core()->logDatabase()->connection());
    const auto leftRows = [&] {
        m_gateway.core()->logWriter()->flushNow();
        query.exec(QStringLiteral("SELECT COUNT(*) FROM logs WHERE code = 499 AND mode = 11"));
        return query.next() ? query.value(0).toInt() : -1;
    };
    QTRY_COMPARE_WITH_TIMEOUT(leftRows(), 1, 10000);
    // ... the job is gone, and with it its poll timer ...
    QTRY_COMPARE_WITH_TIMEOUT(ParsePdfJob::liveCount(), 0, 10000);

    // ... and nothing polls the task any more while two whole parses (each two polls 50 ms
    // apart) run; the first lets a poll sent just before the client left arrive.
    QCOMPARE(post(form({{"model", "pdf"}}, pdf(1))).status, 200);
    const qsizetype polls = requestsTo(kStatusPath, uid).size();
    QCOMPARE(post(form({{"model", "pdf"}}, pdf(1))).status, 200);
    QCOMPARE(requestsTo(kStatusPath, uid).size(), polls);
}

void TstParsePdf::parseTakingTooLongIs504()
{
    TestGateway impatient;
    TestGateway::Options options;
    options.configure = [](GatewayConfig &config) {
        config.parsePdfPollIntervalMs = 50;
        config.parsePdfTimeoutSec = 1;
    };
    QString error;
    QVERIFY2(impatient.start(options, &error), qPrintable(error));
    QVERIFY2(seed(impatient, m_mock, &error), qPrintable(error));
    const auto response = post(form({{"model", "pdf"}}, pdf(1, "stuck")), {}, impatient.port());
    checkError(response, 504, QStringLiteral("upstream_timeout"));
    QVERIFY(requestsTo(kStatusPath).size() >= 2);
    const QSqlRecord row = LogRows::waitFor(impatient.core(), response.header("x-request-id"));
    QCOMPARE(row.value("code").toInt(), 504);
    QCOMPARE(row.value("mode").toInt(), 11);
    impatient.stop();
}

QTEST_GUILESS_MAIN(TstParsePdf)
#include "tst_parsepdf.moc"
