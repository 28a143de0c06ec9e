#include "testhttpclient.h"

#include <QBuffer>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>

QByteArray TestHttpResponse::header(QByteArrayView name) const
{
    for (const auto &[key, value] : headers) {
        if (QByteArrayView(key).compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

QJsonObject TestHttpResponse::json() const
{
    return QJsonDocument::fromJson(body).object();
}

TestHttpClient::TestHttpClient(int timeoutMs)
    : m_timeoutMs(timeoutMs)
{
}

void TestHttpClient::setDefaultHeader(const QByteArray &name, const QByteArray &value)
{
    m_defaultHeaders.append({name, value});
}

TestHttpResponse TestHttpClient::sendJson(const QByteArray &method, const QUrl &url,
                                          const QJsonValue &json)
{
    const QByteArray body = json.isArray()
                                ? QJsonDocument(json.toArray()).toJson(QJsonDocument::Compact)
                                : QJsonDocument(json.toObject()).toJson(QJsonDocument::Compact);
    return request(method, url, body, {{"Content-Type", "application/json"}});
}

TestHttpResponse TestHttpClient::request(const QByteArray &method, const QUrl &url,
                                         const QByteArray &body,
                                         const QList<QPair<QByteArray, QByteArray>> &headers)
{
    QNetworkRequest request(url);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::ManualRedirectPolicy);
    for (const auto &[name, value] : m_defaultHeaders)
        request.setRawHeader(name, value);
    for (const auto &[name, value] : headers)
        request.setRawHeader(name, value);

    QBuffer payload;
    payload.setData(body);
    payload.open(QIODevice::ReadOnly);
    QNetworkReply *reply =
        m_manager.sendCustomRequest(request, method, body.isEmpty() ? nullptr : &payload);

    QEventLoop loop;
    QTimer timer;
    timer.setSingleShot(true);
    TestHttpResponse response;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QObject::connect(&timer, &QTimer::timeout, &loop, [&] {
        response.timedOut = true;
        reply->abort();
    });
    timer.start(m_timeoutMs);
    if (!reply->isFinished())
        loop.exec();

    response.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    response.headers = reply->rawHeaderPairs();
    response.body = reply->readAll();
    if (response.status == 0)
        response.error = response.timedOut
                             ? QStringLiteral("timed out after %1 ms").arg(m_timeoutMs)
                             : reply->errorString();
    reply->deleteLater();
    return response;
}
