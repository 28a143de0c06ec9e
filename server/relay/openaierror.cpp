#include "openaierror.h"

#include <QJsonDocument>

namespace OpenAIError {

QByteArray body(const QString &message, const QString &type, const QJsonValue &code,
                const QByteArray &requestId)
{
    QJsonObject error{{QStringLiteral("message"), message},
                      {QStringLiteral("type"), type},
                      {QStringLiteral("code"), code}};
    QJsonObject root{{QStringLiteral("error"), error}};
    if (!requestId.isEmpty())
        root.insert(QStringLiteral("aiproxy"), QString::fromLatin1(requestId));
    return QJsonDocument(root).toJson(QJsonDocument::Compact);
}

Mapped mapUpstream(int upstreamStatus, const QByteArray &upstreamBody, const QByteArray &requestId)
{
    Mapped mapped;
    mapped.status = upstreamStatus;
    QString message;
    QString type = QStringLiteral("upstream_error");
    QJsonValue code = upstreamStatus;

    const QJsonDocument doc = QJsonDocument::fromJson(upstreamBody);
    const QJsonValue errorValue = doc.object().value(QStringLiteral("error"));
    if (errorValue.isObject()) {
        const QJsonObject error = errorValue.toObject();
        message = error.value(QStringLiteral("message")).toString();
        if (error.value(QStringLiteral("type")).isString())
            type = error.value(QStringLiteral("type")).toString();
        if (!error.value(QStringLiteral("code")).isUndefined())
            code = error.value(QStringLiteral("code"));
    } else if (errorValue.isString()) {
        message = errorValue.toString();
    } else if (doc.object().value(QStringLiteral("message")).isString()) {
        message = doc.object().value(QStringLiteral("message")).toString();
    }
    if (message.isEmpty()) {
        const QByteArray snippet = upstreamBody.left(512).trimmed();
        message = snippet.isEmpty()
                      ? QStringLiteral("upstream returned HTTP %1").arg(upstreamStatus)
                      : QString::fromUtf8(snippet);
    }
    if (upstreamStatus == 401 || upstreamStatus == 403) {
        mapped.status = 502;
        message =
            QStringLiteral("the upstream provider rejected the channel's credentials (HTTP %1): %2")
                .arg(upstreamStatus)
                .arg(message);
        type = QStringLiteral("upstream_error");
    } else if (upstreamStatus < 400 || upstreamStatus > 599) {
        mapped.status = 502;
    }
    mapped.body = body(message, type, code, requestId);
    mapped.message = message;
    mapped.type = type;
    mapped.code = code;
    return mapped;
}

QByteArray streamEvent(const QString &message, const QString &type, const QByteArray &requestId)
{
    return "data: " + body(message, type, QJsonValue(type), requestId) + "\n\n";
}

} // namespace OpenAIError
