#pragma once

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QPair>

typedef void CURL;
struct curl_slist;
class CurlMulti;
struct Channel;

/// What to send upstream.
struct UpstreamRequest
{
    QByteArray method = "POST";
    QByteArray url;
    QList<QByteArray> headers; ///< "Name: value" lines.
    QByteArray body;
    int connectTimeoutMs = 10000;
    QByteArray proxy; ///< curl proxy URL (http://, socks5://), empty for none.
    bool skipTlsVerify = false;

    /// Sends it the way \a channel reaches its provider (proxy_url, skip_tls_verify), with
    /// \a connectTimeoutMs to connect.
    void useChannelTransport(const Channel &channel, int connectTimeoutMs);
};

/// One HTTP transfer driven by a CurlMulti on the calling thread's event loop.
///
/// Signals are emitted from inside libcurl callbacks (direct, same thread). Receivers may call
/// pause()/resume()/abort() from them but must never delete the call; use deleteLater().
/// headersReceived() comes once, before the first dataReceived(), with the final (non-1xx)
/// response's status; finished() comes last, exactly once.
class UpstreamCall : public QObject
{
    Q_OBJECT
public:
    ~UpstreamCall() override;

    /// Stops the transfer; finished() is not emitted afterwards.
    void abort();
    /// Stops delivering dataReceived() until resume() (backpressure).
    void pause();
    void resume();
    bool isRunning() const { return m_handle != nullptr && !m_done; }
    int status() const { return m_status; }
    const QList<QPair<QByteArray, QByteArray>> &responseHeaders() const { return m_headers; }
    QByteArray responseHeader(QByteArrayView name) const;

Q_SIGNALS:
    void headersReceived(int status);
    void dataReceived(const QByteArray &data);
    /// \a curlCode 0 on success; otherwise \a error describes the transport failure.
    void finished(int curlCode, const QString &error);

private:
    friend class CurlMulti;
    UpstreamCall(CurlMulti *multi, UpstreamRequest request);
    bool setup();
    void emitHeadersOnce();
    void complete(int curlCode);
    void detach();
    static size_t onHeader(char *data, size_t size, size_t count, void *self);
    static size_t onWrite(char *data, size_t size, size_t count, void *self);

    CurlMulti *m_multi;
    UpstreamRequest m_request;
    CURL *m_handle = nullptr;
    curl_slist *m_headerList = nullptr;
    QList<QPair<QByteArray, QByteArray>> m_headers;
    int m_status = 0;
    bool m_headersEmitted = false;
    bool m_aborted = false;
    bool m_paused = false;
    bool m_pauseRequested = false;
    bool m_done = false;
    bool m_attached = false; ///< Added to the multi handle.
    char m_errorBuffer[256] = {};
};
