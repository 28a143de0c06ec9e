#include "parsepdfjob.h"

#include "http/httpexchange.h"
#include "openaierror.h"
#include "protocol/doc2xmarkdown.h"
#include "providers/provideradaptor.h"
#include "storage/logwriter.h"
#include "upstream/curlmulti.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QUrl>

#include <atomic>

namespace {

constexpr qsizetype kMaxStatusBody = 64ll * 1024 * 1024; // Markdown of every page.
std::atomic<int> g_live{0};

/// What a Doc2x error code means for the client: its own PDF (400), the channel's task limits
/// (429, retry later), or the provider (502).
int statusForCode(const QString &code)
{
    static const QStringList byClient = {
        QStringLiteral("parse_file_too_large"), QStringLiteral("parse_page_limit_exceeded"),
        QStringLiteral("parse_file_not_pdf"), QStringLiteral("parse_file_invalid"),
        QStringLiteral("parse_file_lock")};
    static const QStringList limits = {QStringLiteral("parse_task_limit_exceeded"),
                                       QStringLiteral("parse_concurrency_limit")};
    if (byClient.contains(code))
        return 400;
    return limits.contains(code) ? 429 : 502;
}

} // namespace

ParsePdfJob::ParsePdfJob(RelayContext context, HttpExchange *exchange, QByteArray pdf,
                         Options options, CurlMulti *curl, LogWriter *logs, QObject *parent)
    : QObject(parent)
    , m_context(std::move(context))
    , m_exchange(exchange)
    , m_pdf(std::move(pdf))
    , m_options(options)
    , m_curl(curl)
    , m_logs(logs)
{
    g_live.fetch_add(1);
    m_pollTimer.setSingleShot(true);
    connect(&m_pollTimer, &QTimer::timeout, this, &ParsePdfJob::poll);
    m_deadline.setSingleShot(true);
    connect(&m_deadline, &QTimer::timeout, this, [this] {
        fail(504,
             QStringLiteral("Doc2x did not finish parsing the PDF within %1 s")
                 .arg(m_options.timeoutMs / 1000.0),
             QStringLiteral("upstream_timeout"));
    });
    connect(exchange, &HttpExchange::clientGone, this, &ParsePdfJob::onClientGone);
}

ParsePdfJob::~ParsePdfJob()
{
    g_live.fetch_sub(1);
}

int ParsePdfJob::liveCount()
{
    return g_live.load();
}

UpstreamRequest ParsePdfJob::prepared(UpstreamRequest request) const
{
    request.useChannelTransport(m_context.channel, m_options.connectTimeoutMs);
    return request;
}

void ParsePdfJob::start()
{
    m_deadline.start(m_options.timeoutMs);
    UpstreamRequest upload = prepared(m_context.adaptor->buildRequest(
        m_context.channel, "/parse/pdf", m_context.channel.mappedModel(m_context.model), m_pdf,
        false));
    m_pdf = QByteArray(); // The request holds its own copy.
    send(std::move(upload), "upload", 1024 * 1024, &ParsePdfJob::onUploaded);
}

void ParsePdfJob::send(UpstreamRequest request, const char *step, qsizetype maxBody,
                       Handler handler)
{
    QPointer<ParsePdfJob> self(this);
    m_curl->fetch(
        std::move(request),
        [self, step, handler](int status, const QByteArray &body, const QString &error) {
            if (!self || self->m_done)
                return;
            if (const std::optional<QJsonObject> data = self->answerData(step, status, body, error))
                (self.data()->*handler)(*data);
        },
        maxBody, this); // Owned by this job: deleting it aborts the transfer.
}

std::optional<QJsonObject> ParsePdfJob::answerData(const char *step, int status,
                                                   const QByteArray &body, const QString &error)
{
    const QString what = QLatin1String(step);
    if (status == 0) {
        const bool timeout = error.contains(QLatin1String("timed out"), Qt::CaseInsensitive);
        fail(timeout ? 504 : 502, QStringLiteral("Doc2x %1 failed: %2").arg(what, error),
             timeout ? QStringLiteral("upstream_timeout") : QStringLiteral("upstream_unreachable"));
        return std::nullopt;
    }
    const QString nativeMessage = m_context.adaptor->errorMessage(body);
    if (status < 200 || status >= 300) {
        const OpenAIError::Mapped mapped =
            OpenAIError::mapUpstream(status, body, m_context.requestId);
        // mapped.message already says when the channel's credentials were rejected.
        QString message = mapped.message;
        if (!nativeMessage.isEmpty())
            message = status == 401 || status == 403
                          ? QStringLiteral("Doc2x rejected the channel's credentials (HTTP %1): %2")
                                .arg(status)
                                .arg(nativeMessage)
                          : nativeMessage;
        fail(mapped.status, QStringLiteral("Doc2x %1 failed: %2").arg(what, message),
             QStringLiteral("upstream_error"));
        return std::nullopt;
    }
    QJsonParseError parseError{};
    const QJsonObject answer = QJsonDocument::fromJson(body, &parseError).object();
    if (parseError.error != QJsonParseError::NoError || answer.isEmpty()) {
        fail(502, QStringLiteral("Doc2x %1 answered with something that is not JSON").arg(what),
             QStringLiteral("bad_upstream_response"));
        return std::nullopt;
    }
    const QString code = answer.value(QStringLiteral("code")).toString();
    if (code != QLatin1String("success") && code != QLatin1String("ok")) {
        fail(statusForCode(code),
             QStringLiteral("Doc2x %1 failed: %2")
                 .arg(what, nativeMessage.isEmpty() ? QStringLiteral("unexpected answer")
                                                    : nativeMessage),
             code.isEmpty() ? QStringLiteral("upstream_error") : code);
        return std::nullopt;
    }
    return answer.value(QStringLiteral("data")).toObject();
}

void ParsePdfJob::onUploaded(const QJsonObject &data)
{
    m_uid = data.value(QStringLiteral("uid")).toString();
    if (m_uid.isEmpty()) {
        fail(502, QStringLiteral("Doc2x accepted the PDF without naming its task (no uid)"),
             QStringLiteral("bad_upstream_response"));
        return;
    }
    poll();
}

void ParsePdfJob::poll()
{
    if (m_done)
        return;
    UpstreamRequest request = prepared(m_context.adaptor->buildRequest(
        m_context.channel, "/api/v2/parse/status?uid=" + QUrl::toPercentEncoding(m_uid), QString(),
        QByteArray(), false));
    request.method = "GET";
    send(std::move(request), "status", kMaxStatusBody, &ParsePdfJob::onStatus);
}

void ParsePdfJob::onStatus(const QJsonObject &data)
{
    const QString state = data.value(QStringLiteral("status")).toString();
    if (state == QLatin1String("processing") || state == QLatin1String("ready")) {
        m_pollTimer.start(m_options.pollIntervalMs);
        return;
    }
    if (state == QLatin1String("failed")) {
        QString detail = data.value(QStringLiteral("detail")).toString();
        if (detail.isEmpty())
            detail = QStringLiteral("no detail given");
        fail(502, QStringLiteral("Doc2x could not parse the PDF: %1").arg(detail),
             QStringLiteral("parse_pdf_failed"));
        return;
    }
    const QJsonValue result = data.value(QStringLiteral("result"));
    if (state != QLatin1String("success") || !result.isObject()) {
        fail(502,
             state == QLatin1String("success")
                 ? QStringLiteral("Doc2x reported success without a result")
                 : QStringLiteral("Doc2x reported an unknown task status '%1'").arg(state),
             QStringLiteral("bad_upstream_response"));
        return;
    }
    const QJsonArray pages = result.toObject().value(QStringLiteral("pages")).toArray();
    const QJsonObject answer = Doc2xMarkdown::answer(pages, m_options.listFormat);
    if (m_exchange)
        m_exchange->send(200, "application/json",
                         QJsonDocument(answer).toJson(QJsonDocument::Compact));
    complete(200, QString(), pages.size());
}

void ParsePdfJob::fail(int status, const QString &message, const QString &code)
{
    if (m_done)
        return;
    if (m_exchange)
        m_exchange->send(status, "application/json",
                         OpenAIError::body(message,
                                           status == 400 ? QStringLiteral("invalid_request_error")
                                                         : QStringLiteral("upstream_error"),
                                           code, m_context.requestId));
    complete(status, message, 0);
}

void ParsePdfJob::onClientGone()
{
    if (m_done)
        return;
    if (m_exchange)
        m_exchange->abandon();
    complete(499, QStringLiteral("connection closed before the response completed"), 0);
}

void ParsePdfJob::complete(int status, const QString &errorText, qint64 pages)
{
    if (m_done)
        return;
    m_done = true;
    m_pollTimer.stop();
    m_deadline.stop();
    LogRecord record = m_context.logRecord(status, errorText);
    if (m_exchange && m_exchange->firstByteAtUs() > 0)
        record.ttfbMs = qMax<qint64>(0, m_exchange->firstByteAtUs() / 1000 - m_context.requestAtMs);
    record.upstreamId = m_uid;
    if (status == 200) {
        record.usage.inputTokens = pages; // Doc2x bills by the page.
        record.usage.totalTokens = pages;
        record.usageSource = QStringLiteral("upstream");
    }
    if (m_logs)
        m_logs->enqueue(std::move(record));
    deleteLater(); // Aborts the transfer in flight, if any (its owner is this job).
}
