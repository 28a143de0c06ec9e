#include "upstreamcall.h"

#include "curlmulti.h"
#include "model/channel.h"

#include <curl/curl.h>

void UpstreamRequest::useChannelTransport(const Channel &channel, int connectTimeoutMs)
{
    this->connectTimeoutMs = connectTimeoutMs;
    proxy = channel.proxyUrl.toUtf8();
    skipTlsVerify = channel.skipTlsVerify;
}

UpstreamCall::UpstreamCall(CurlMulti *multi, UpstreamRequest request)
    : m_multi(multi)
    , m_request(std::move(request))
{
}

UpstreamCall::~UpstreamCall()
{
    detach();
}

bool UpstreamCall::setup()
{
    m_handle = m_multi->takeHandle();
    if (!m_handle)
        return false;
    CURL *h = m_handle;
    curl_easy_setopt(h, CURLOPT_URL, m_request.url.constData());
    curl_easy_setopt(h, CURLOPT_PRIVATE, this);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, long(m_request.connectTimeoutMs));
    curl_easy_setopt(h, CURLOPT_HTTP_VERSION, long(CURL_HTTP_VERSION_2TLS));
    // Waiting to multiplex only makes sense where HTTP/2 can be negotiated (TLS). On a plain
    // http:// upstream, libcurl 7.88 parks the transfers started before the first response and
    // then releases them one at a time, so concurrent streams stall behind each other.
    if (m_request.url.startsWith("https://"))
        curl_easy_setopt(h, CURLOPT_PIPEWAIT, 1L);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, m_errorBuffer);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &UpstreamCall::onHeader);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, this);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &UpstreamCall::onWrite);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, this);
    if (!m_request.proxy.isEmpty())
        curl_easy_setopt(h, CURLOPT_PROXY, m_request.proxy.constData());
    if (m_request.skipTlsVerify) {
        curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    if (m_request.method == "GET") {
        curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    } else {
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, m_request.body.constData());
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(m_request.body.size()));
        if (m_request.method != "POST")
            curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, m_request.method.constData());
    }
    // No 100-continue round trip; the gateway already holds the whole body.
    m_headerList = curl_slist_append(m_headerList, "Expect:");
    for (const QByteArray &header : std::as_const(m_request.headers))
        m_headerList = curl_slist_append(m_headerList, header.constData());
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, m_headerList);
    return true;
}

QByteArray UpstreamCall::responseHeader(QByteArrayView name) const
{
    for (const auto &[key, value] : m_headers) {
        if (QByteArrayView(key).compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

size_t UpstreamCall::onHeader(char *data, size_t size, size_t count, void *self)
{
    auto *call = static_cast<UpstreamCall *>(self);
    const size_t length = size * count;
    QByteArrayView line(data, qsizetype(length));
    while (!line.isEmpty() && (line.back() == '\n' || line.back() == '\r'))
        line.chop(1);
    if (line.startsWith("HTTP/")) {
        // A new header block (after 1xx, a proxy CONNECT or a redirect): keep only the last.
        call->m_headers.clear();
        const qsizetype space = line.indexOf(' ');
        call->m_status = space > 0
                             ? line.sliced(space + 1, qMin<qsizetype>(3, line.size() - space - 1))
                                   .toByteArray()
                                   .toInt()
                             : 0;
    } else if (const qsizetype colon = line.indexOf(':'); colon > 0) {
        QByteArrayView value = line.sliced(colon + 1);
        while (!value.isEmpty() && (value.front() == ' ' || value.front() == '\t'))
            value = value.sliced(1);
        call->m_headers.append({line.first(colon).toByteArray(), value.toByteArray()});
    }
    return call->m_aborted ? 0 : length;
}

void UpstreamCall::emitHeadersOnce()
{
    if (m_headersEmitted)
        return;
    m_headersEmitted = true;
    long code = 0;
    curl_easy_getinfo(m_handle, CURLINFO_RESPONSE_CODE, &code);
    if (code > 0)
        m_status = int(code);
    Q_EMIT headersReceived(m_status);
}

size_t UpstreamCall::onWrite(char *data, size_t size, size_t count, void *self)
{
    auto *call = static_cast<UpstreamCall *>(self);
    const size_t length = size * count;
    if (call->m_aborted)
        return 0;
    if (call->m_pauseRequested) {
        call->m_paused = true;
        return CURL_WRITEFUNC_PAUSE;
    }
    call->emitHeadersOnce();
    if (call->m_aborted)
        return 0;
    Q_EMIT call->dataReceived(QByteArray(data, qsizetype(length)));
    return call->m_aborted ? 0 : length;
}

void UpstreamCall::pause()
{
    m_pauseRequested = true;
}

void UpstreamCall::resume()
{
    if (!m_pauseRequested)
        return;
    m_pauseRequested = false;
    if (m_paused && m_handle && !m_done) {
        m_paused = false;
        // May deliver data synchronously: count it as a libcurl callback for abort().
        if (m_multi)
            ++m_multi->m_callbackDepth;
        curl_easy_pause(m_handle, CURLPAUSE_CONT);
        if (m_multi) {
            --m_multi->m_callbackDepth;
            m_multi->processCompleted();
        }
    }
}

void UpstreamCall::complete(int curlCode)
{
    if (m_done)
        return;
    m_done = true;
    if (m_aborted)
        return;
    if (curlCode == CURLE_OK)
        emitHeadersOnce();
    QString error;
    if (curlCode != CURLE_OK) {
        error = QString::fromUtf8(m_errorBuffer);
        if (error.isEmpty())
            error = QString::fromUtf8(curl_easy_strerror(CURLcode(curlCode)));
    }
    Q_EMIT finished(curlCode, error);
}

void UpstreamCall::abort()
{
    if (m_aborted)
        return;
    m_aborted = true;
    if (m_multi && m_multi->m_callbackDepth == 0)
        detach();
    // Inside a callback: the write/header callback returns 0 and the multi finishes it.
}

void UpstreamCall::detach()
{
    if (m_handle) {
        m_multi->remove(this);
        m_multi->recycleHandle(m_handle);
        m_handle = nullptr;
    }
    if (m_headerList) {
        curl_slist_free_all(m_headerList);
        m_headerList = nullptr;
    }
    m_done = true;
}
