#pragma once

#include "relaycontext.h"
#include "upstream/upstreamcall.h"

#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <optional>

class CurlMulti;
class HttpExchange;
class LogWriter;

/// One POST /v1/parse/pdf on a Doc2x channel: uploads the PDF, polls the parse task until it
/// succeeds or fails, converts the pages' Markdown (protocol/doc2xmarkdown) and answers the
/// client, then writes the request's log row (usage: input = total tokens = pages).
///
/// Everything runs on the worker thread's event loop: requests go through CurlMulti::fetch,
/// polls are spaced by a timer, and the whole job is bounded by a deadline (504 when it
/// passes). When the client disconnects, polling stops and the transfer in flight is
/// aborted. Errors are OpenAI error objects carrying the request id. Deletes itself when done.
class ParsePdfJob : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        bool listFormat = false;    ///< response_format "list": one Markdown per page.
        int pollIntervalMs = 1000;  ///< Pause between a status answer and the next poll.
        int timeoutMs = 600 * 1000; ///< Upload and polling together.
        int connectTimeoutMs = 10000;
    };

    /// \a context names the channel (of a Doc2x adaptor) and the caller; \a pdf is the file.
    ParsePdfJob(RelayContext context, HttpExchange *exchange, QByteArray pdf, Options options,
                CurlMulti *curl, LogWriter *logs, QObject *parent = nullptr);
    ~ParsePdfJob() override;

    /// Starts the upload.
    void start();

    /// Jobs alive on all threads.
    static int liveCount();

private:
    using Handler = void (ParsePdfJob::*)(const QJsonObject &data);
    /// Runs \a request (answers up to \a maxBody bytes) and hands the answer's `data` to
    /// \a handler, unless the job ended meanwhile or the answer is an error (the job fails;
    /// \a step names the request in the message).
    void send(UpstreamRequest request, const char *step, qsizetype maxBody, Handler handler);
    void onUploaded(const QJsonObject &data);
    void poll();
    void onStatus(const QJsonObject &data);
    /// The `data` object of a Doc2x answer; fails the job (and returns nothing) when the
    /// transfer, the HTTP status or the answer's `code` reports an error.
    std::optional<QJsonObject> answerData(const char *step, int status, const QByteArray &body,
                                          const QString &error);
    void onClientGone();
    void fail(int status, const QString &message, const QString &code);
    void complete(int status, const QString &errorText, qint64 pages);
    UpstreamRequest prepared(UpstreamRequest request) const;

    RelayContext m_context;
    QPointer<HttpExchange> m_exchange;
    QByteArray m_pdf; ///< Released once uploaded.
    Options m_options;
    CurlMulti *m_curl;
    LogWriter *m_logs;
    QTimer m_pollTimer;
    QTimer m_deadline;
    QString m_uid;
    bool m_done = false;
};
