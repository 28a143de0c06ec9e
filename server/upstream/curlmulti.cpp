#include "curlmulti.h"

#include <QSocketNotifier>

#include <memory>

#include <curl/curl.h>

namespace {

struct GlobalInit
{
    GlobalInit() { curl_global_init(CURL_GLOBAL_DEFAULT); }
};

} // namespace

/// Read and write notifiers for one socket descriptor. Kept per descriptor number after
/// libcurl stops watching it (disabled), because libcurl removes and re-adds a kept-alive
/// connection's socket for every transfer; a later socket with the same number reuses them.
struct CurlMulti::SocketWatch
{
    QSocketNotifier *read = nullptr;
    QSocketNotifier *write = nullptr;

    void setEvents(int what)
    {
        const bool wantRead = what == CURL_POLL_IN || what == CURL_POLL_INOUT;
        const bool wantWrite = what == CURL_POLL_OUT || what == CURL_POLL_INOUT;
        if (read->isEnabled() != wantRead)
            read->setEnabled(wantRead);
        if (write->isEnabled() != wantWrite)
            write->setEnabled(wantWrite);
    }
};

CurlMulti::CurlMulti(QObject *parent)
    : QObject(parent)
{
    static GlobalInit init; // curl_global_init is not thread-safe: first use wins, once.
    m_multi = curl_multi_init();
    curl_multi_setopt(m_multi, CURLMOPT_SOCKETFUNCTION, &CurlMulti::socketCallback);
    curl_multi_setopt(m_multi, CURLMOPT_SOCKETDATA, this);
    curl_multi_setopt(m_multi, CURLMOPT_TIMERFUNCTION, &CurlMulti::timerCallback);
    curl_multi_setopt(m_multi, CURLMOPT_TIMERDATA, this);
    curl_multi_setopt(m_multi, CURLMOPT_MAX_HOST_CONNECTIONS, 0L);
    curl_multi_setopt(m_multi, CURLMOPT_MAXCONNECTS, 1024L);
    curl_multi_setopt(m_multi, CURLMOPT_PIPELINING, long(CURLPIPE_MULTIPLEX));
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &CurlMulti::onTimeout);
}

CurlMulti::~CurlMulti()
{
    // Calls still alive detach themselves; children are destroyed after this body.
    const auto calls = findChildren<UpstreamCall *>();
    for (UpstreamCall *call : calls)
        call->detach();
    curl_multi_cleanup(m_multi);
    qDeleteAll(m_watches); // The notifiers themselves are children of this object.
    for (CURL *handle : std::as_const(m_idleHandles))
        curl_easy_cleanup(handle);
}

CURL *CurlMulti::takeHandle()
{
    return m_idleHandles.isEmpty() ? curl_easy_init() : m_idleHandles.takeLast();
}

void CurlMulti::recycleHandle(CURL *handle)
{
    constexpr qsizetype kMaxIdleHandles = 256;
    if (m_idleHandles.size() >= kMaxIdleHandles) {
        curl_easy_cleanup(handle);
        return;
    }
    curl_easy_reset(handle);
    m_idleHandles.append(handle);
}

UpstreamCall *CurlMulti::start(UpstreamRequest request, QObject *owner)
{
    auto *call = new UpstreamCall(this, std::move(request));
    if (owner)
        call->setParent(owner);
    if (!call->setup() || curl_multi_add_handle(m_multi, call->m_handle) != CURLM_OK) {
        delete call;
        return nullptr;
    }
    call->m_attached = true;
    ++m_running;
    return call;
}

void CurlMulti::fetch(UpstreamRequest request, FetchDone done, qsizetype maxBody, QObject *owner)
{
    UpstreamCall *call = start(std::move(request), owner ? owner : this);
    if (!call) {
        done(0, QByteArray(), QStringLiteral("could not start the request"));
        return;
    }
    // abort() suppresses finished(), so an oversized body reports here.
    auto body = std::make_shared<QByteArray>();
    auto report = std::make_shared<FetchDone>(std::move(done));
    connect(call, &UpstreamCall::dataReceived, call,
            [call, body, report, maxBody](const QByteArray &data) {
                if (body->size() + data.size() <= maxBody) {
                    body->append(data);
                    return;
                }
                call->abort();
                call->deleteLater();
                (*report)(0, QByteArray(),
                          QStringLiteral("the response is larger than %1 bytes").arg(maxBody));
            });
    connect(call, &UpstreamCall::finished, call,
            [call, body, report](int curlCode, const QString &error) {
                call->deleteLater();
                (*report)(curlCode == 0 ? call->status() : 0, *body, error);
            });
    dispatchNow();
}

void CurlMulti::remove(UpstreamCall *call)
{
    if (call->m_attached && curl_multi_remove_handle(m_multi, call->m_handle) == CURLM_OK)
        --m_running;
    call->m_attached = false;
}

int CurlMulti::socketCallback(void *, int fd, int what, void *self, void *socketData)
{
    auto *multi = static_cast<CurlMulti *>(self);
    auto *watch = static_cast<SocketWatch *>(socketData);
    if (what == CURL_POLL_REMOVE) {
        if (watch)
            watch->setEvents(CURL_POLL_NONE);
        curl_multi_assign(multi->m_multi, fd, nullptr);
        return 0;
    }
    if (!watch)
        watch = multi->m_watches.value(fd);
    if (!watch) {
        watch = new SocketWatch;
        multi->m_watches.insert(fd, watch);
        watch->read = new QSocketNotifier(fd, QSocketNotifier::Read, multi);
        watch->write = new QSocketNotifier(fd, QSocketNotifier::Write, multi);
        connect(watch->read, &QSocketNotifier::activated, multi,
                [multi, fd] { multi->onSocketEvent(fd, CURL_CSELECT_IN); });
        connect(watch->write, &QSocketNotifier::activated, multi,
                [multi, fd] { multi->onSocketEvent(fd, CURL_CSELECT_OUT); });
    }
    curl_multi_assign(multi->m_multi, fd, watch);
    watch->setEvents(what);
    return 0;
}

int CurlMulti::timerCallback(void *, long timeoutMs, void *self)
{
    auto *multi = static_cast<CurlMulti *>(self);
    multi->m_dueNow = timeoutMs == 0;
    if (timeoutMs < 0)
        multi->m_timer.stop();
    else
        multi->m_timer.start(int(timeoutMs));
    return 0;
}

void CurlMulti::onSocketEvent(int fd, int eventMask)
{
    int running = 0;
    ++m_callbackDepth;
    curl_multi_socket_action(m_multi, fd, eventMask, &running);
    --m_callbackDepth;
    processCompleted();
}

void CurlMulti::dispatchNow()
{
    if (m_dueNow && m_callbackDepth == 0) {
        m_timer.stop();
        onTimeout();
    }
}

void CurlMulti::onTimeout()
{
    m_dueNow = false;
    int running = 0;
    ++m_callbackDepth;
    curl_multi_socket_action(m_multi, CURL_SOCKET_TIMEOUT, 0, &running);
    --m_callbackDepth;
    processCompleted();
}

void CurlMulti::processCompleted()
{
    int pending = 0;
    while (CURLMsg *message = curl_multi_info_read(m_multi, &pending)) {
        if (message->msg != CURLMSG_DONE)
            continue;
        UpstreamCall *call = nullptr;
        curl_easy_getinfo(message->easy_handle, CURLINFO_PRIVATE, &call);
        const int code = message->data.result;
        if (!call)
            continue;
        remove(call); // The easy handle stays with the call until it is destroyed.
        call->complete(code);
    }
}
