#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QNetworkAccessManager>
#include <QPair>
#include <QString>
#include <QUrl>

/// A complete HTTP response as the test sees it.
struct TestHttpResponse
{
    int status = 0; ///< 0 when the request failed or timed out (see error).
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    QString error; ///< Transport error; empty for any HTTP status.
    bool timedOut = false;

    /// First header named \a name (case-insensitive).
    QByteArray header(QByteArrayView name) const;
    /// The body as a JSON object (empty when it is not one).
    QJsonObject json() const;
    /// The admin envelope's "data".
    QJsonValue data() const { return json().value(QStringLiteral("data")); }
    /// The admin envelope's "message".
    QString message() const { return json().value(QStringLiteral("message")).toString(); }
};

/// A small synchronous HTTP client for tests: each call spins a local event loop until the
/// response is complete or the timeout passes. Use it on a thread with a Qt event dispatcher
/// (the test's main thread).
class TestHttpClient
{
public:
    explicit TestHttpClient(int timeoutMs = 15000);

    /// Adds \a name: \a value to every following request (e.g. Authorization).
    void setDefaultHeader(const QByteArray &name, const QByteArray &value);

    TestHttpResponse request(const QByteArray &method, const QUrl &url, const QByteArray &body = {},
                             const QList<QPair<QByteArray, QByteArray>> &headers = {});
    TestHttpResponse get(const QUrl &url) { return request("GET", url); }
    TestHttpResponse del(const QUrl &url) { return request("DELETE", url); }
    /// POST / PUT with a JSON body (Content-Type: application/json).
    TestHttpResponse sendJson(const QByteArray &method, const QUrl &url, const QJsonValue &json);

private:
    QNetworkAccessManager m_manager;
    QList<QPair<QByteArray, QByteArray>> m_defaultHeaders;
    int m_timeoutMs;
};
