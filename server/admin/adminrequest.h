#pragma once

#include "adminservice.h"
#include "storage/page.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

struct HttpRequest;

/// Reads typed inputs of one admin request (path segments, query, JSON body).
///
/// The first problem is remembered and reported by error() as a 400 naming the parameter;
/// later reads still return defaults, so a route reads everything, then checks ok() once:
///
///     AdminRequest in(request);
///     const qint64 id = in.pathId(QStringLiteral("id"));
///     const QJsonObject body = in.object();
///     return in.ok() ? service->updateChannel(id, body) : in.error();
///
/// Query values that are absent or not numbers read as 0 (aiproxy ignores them likewise).
class AdminRequest
{
public:
    explicit AdminRequest(const HttpRequest &request);

    bool ok() const { return m_error.isEmpty(); }
    AdminService::Result error() const { return AdminService::Result::error(400, m_error); }

    /// A path capture as is.
    QString path(const QString &name) const;
    /// A path capture that must be a positive integer id.
    qint64 pathId(const QString &name);

    QString text(const QString &name) const;
    qint64 number(const QString &name) const;
    /// True when the query value is "true" (or "1").
    bool flag(const QString &name) const;
    PageRequest page() const;

    /// The body as a JSON object; an empty body reads as {}.
    QJsonObject object();
    /// The body as an object that must contain \a fields; returns only those fields.
    QJsonObject fields(const QStringList &fields);
    /// The body as a JSON array.
    QJsonArray array();
    /// The body as an array of positive integer ids.
    QList<qint64> ids();
    /// The body as an array of non-empty strings; with \a key, an object body's array under
    /// that key is accepted too (alternative keys separated by '|', e.g. "groups|ids").
    QStringList strings(const QString &key = {});

private:
    void fail(const QString &message);
    /// The body parsed once; null on invalid JSON (error recorded).
    QJsonValue body();

    const HttpRequest &m_request;
    QString m_error;
    bool m_parsed = false;
    QJsonValue m_body;
};
