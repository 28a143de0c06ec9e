#include "mockdoc2x_p.h"

#include <QRegularExpression>
#include <QUrlQuery>

using MockWire::Reply;

namespace {

Reply doc2xJson(int status, const QByteArray &json)
{
    Reply reply;
    reply.status = status;
    reply.contentType = "application/json; charset=utf-8";
    reply.body = json;
    return reply;
}

/// Doc2x's error answer: `{"code":"<code>","msg":"<message>"}`.
Reply doc2xError(int status, const QByteArray &code, const QString &message)
{
    return doc2xJson(status, "{\"code\":" + MockWire::quoted(QString::fromLatin1(code)) +
                                 ",\"msg\":" + MockWire::quoted(message) + '}');
}

/// Page objects of a PDF (`/Type /Page`, not `/Type /Pages`); at least one.
int pageCount(const QByteArray &pdf)
{
    static const QRegularExpression pageObject(QStringLiteral(R"re(/Type\s*/Page(?![A-Za-z]))re"));
    int pages = 0;
    for (auto it = pageObject.globalMatch(QString::fromLatin1(pdf)); it.hasNext(); it.next())
        ++pages;
    return qMax(1, pages);
}

QByteArray successPages(const QByteArray &uid, int pages)
{
    QByteArray json;
    for (int index = 0; index < pages; ++index) {
        // Doc2x sets a page's url only when the page has pictures (page 0 here).
        const QByteArray url =
            index == 0 ? "https://cdn.noedgeai.com/mock/" + uid + "_0.jpg" : QByteArray();
        json += QByteArray(index > 0 ? "," : "") + "{\"url\":\"" + url +
                "\",\"page_idx\":" + QByteArray::number(index) +
                ",\"page_width\":1654,\"page_height\":2339,\"md\":" +
                MockWire::quoted(MockUpstream::doc2xPageMarkdown(index)) +
                ",\"score\":" + QByteArray::number(90 - index % 7) + '}';
    }
    return json;
}

Reply upload(const MockUpstream::Request &request, const QByteArray &scenario,
             MockWire::Doc2xTasks *tasks)
{
    if (scenario.startsWith("error-")) {
        const int status = scenario.mid(6).toInt();
        return doc2xError(status, status == 429 ? "rate_limit_exceeded" : "internal_error",
                          QStringLiteral("mock doc2x error %1").arg(status));
    }
    if (request.method != "POST")
        return doc2xError(405, "method_not_allowed", QStringLiteral("use POST"));
    if (!request.body.startsWith("%PDF-"))
        return doc2xError(200, "parse_file_not_pdf", QStringLiteral("the file is not a PDF"));
    ++tasks->created;
    // UUIDv7-shaped, as Doc2x's uids are; the last group counts the tasks.
    const QByteArray uid =
        "0192d745-5776-7261-abbd-" + QByteArray::number(tasks->created, 16).rightJustified(12, '0');
    tasks->byUid.insert(uid, {scenario, pageCount(request.body), 0});
    return doc2xJson(200, "{\"code\":\"success\",\"data\":{\"uid\":\"" + uid + "\"}}");
}

Reply status(const MockUpstream::Request &request, MockWire::Doc2xTasks *tasks)
{
    if (request.method != "GET")
        return doc2xError(405, "method_not_allowed", QStringLiteral("use GET"));
    const QByteArray query = request.path.contains('?') ? request.path.split('?').last() : "";
    const QByteArray uid =
        QUrlQuery(QString::fromUtf8(query)).queryItemValue("uid", QUrl::FullyDecoded).toUtf8();
    const auto task = tasks->byUid.find(uid);
    if (task == tasks->byUid.end())
        return doc2xError(200, "parse_status_not_found",
                          QStringLiteral("status not found or expired"));
    const int call = ++task->statusCalls;
    const QByteArray &scenario = task->scenario;
    if (scenario.startsWith("status-error-")) {
        const int code = scenario.mid(13).toInt();
        return doc2xError(code, "internal_error", QStringLiteral("mock doc2x error %1").arg(code));
    }
    const int progress = qMin(99, 40 * call);
    if (scenario == "stuck" || call <= MockUpstream::kDoc2xProcessingPolls)
        return doc2xJson(200, "{\"code\":\"success\",\"data\":{\"status\":\"processing\","
                              "\"progress\":" +
                                  QByteArray::number(progress) + "}}");
    if (scenario == "failed")
        return doc2xJson(
            200, "{\"code\":\"success\",\"data\":{\"status\":\"failed\","
                 "\"progress\":" +
                     QByteArray::number(progress) + ",\"detail\":" +
                     MockWire::quoted(QString::fromLatin1(MockUpstream::kDoc2xFailureDetail)) +
                     "}}");
    return doc2xJson(200, "{\"code\":\"success\",\"data\":{\"status\":\"success\",\"progress\":"
                          "100,\"result\":{\"pages\":[" +
                              successPages(uid, task->pages) + "]}}}");
}

} // namespace

bool MockWire::isDoc2xPath(const QByteArray &path)
{
    return path == "/api/v2/parse/pdf" || path == "/api/v2/parse/status";
}

QByteArray MockWire::doc2xScenario(const MockUpstream::Request &request)
{
    if (request.path.split('?').first() != "/api/v2/parse/pdf")
        return {};
    const qsizetype at = request.body.indexOf("\n%mock-scenario:");
    if (at < 0)
        return {};
    const qsizetype begin = at + 16;
    const qsizetype end = request.body.indexOf('\n', begin);
    return request.body.mid(begin, end < 0 ? -1 : end - begin).trimmed();
}

Reply MockWire::doc2xReply(const MockUpstream::Request &request, const QByteArray &path,
                           const QByteArray &scenario, const QByteArray &requiredKey,
                           Doc2xTasks *tasks)
{
    const QByteArray authorization = request.header("authorization");
    const bool authorised = requiredKey.isEmpty()
                                ? authorization.startsWith("Bearer ") && authorization.size() > 7
                                : authorization == "Bearer " + requiredKey;
    if (!authorised)
        return doc2xError(401, "unauthorized", QStringLiteral("invalid api key"));
    return path == "/api/v2/parse/pdf" ? upload(request, scenario, tasks) : status(request, tasks);
}
