#pragma once

#include "upstreamcall.h"

#include <QHash>
#include <QObject>
#include <QTimer>

#include <functional>

typedef void CURLM;

/// libcurl's multi interface on the Qt event loop of one thread (socket notifiers + a timer).
///
/// Why libcurl instead of QNetworkAccessManager: Qt 6.4's QNAM caps HTTP/1.1 at 6 connections
/// per host per manager (not configurable before 6.5) and hops to its own thread per request;
/// libcurl has no per-host cap, runs on this thread, speaks HTTP/2 and proxies, and reuses
/// connections from its cache. Not thread-safe: one instance per worker thread.
class CurlMulti : public QObject
{
    Q_OBJECT
public:
    explicit CurlMulti(QObject *parent = nullptr);
    ~CurlMulti() override;

    /// Starts \a request. The caller owns the returned call (delete it with deleteLater()).
    /// Returns nullptr if the transfer could not be set up.
    UpstreamCall *start(UpstreamRequest request, QObject *owner = nullptr);

    /// Runs \a request to the end and reports its status and body (at most \a maxBody bytes;
    /// longer bodies fail) once, on this thread: \a status 0 and \a error set on a transport
    /// failure. For small side requests (credentials, channel probes, job polling), never for
    /// relayed answers. With an \a owner, the transfer is its child: destroying \a owner aborts
    /// it and \a done is never called.
    using FetchDone = std::function<void(int status, const QByteArray &body, const QString &error)>;
    void fetch(UpstreamRequest request, FetchDone done, qsizetype maxBody = 1024 * 1024,
               QObject *owner = nullptr);

    int runningTransfers() const { return m_running; }

    /// Lets libcurl act now on transfers started since the last event-loop pass instead of
    /// after a zero-timer round trip. Call it once the new calls' signals are connected.
    void dispatchNow();

private:
    friend class UpstreamCall;
    struct SocketWatch;
    static int socketCallback(void *easy, int fd, int what, void *self, void *socketData);
    static int timerCallback(void *multi, long timeoutMs, void *self);
    void onSocketEvent(int fd, int eventMask);
    void onTimeout();
    void processCompleted();
    void remove(UpstreamCall *call);
    /// Easy handles are reused (curl_easy_reset) instead of re-created for every request.
    CURL *takeHandle();
    void recycleHandle(CURL *handle);

    CURLM *m_multi;
    QTimer m_timer;
    int m_running = 0;
    int m_callbackDepth = 0;
    bool m_dueNow = false; ///< libcurl asked for a zero timeout.
    QList<CURL *> m_idleHandles;
    QHash<int, SocketWatch *> m_watches; ///< By descriptor number.
};
