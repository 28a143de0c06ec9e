#include "openaiformatadaptor.h"

#include <QJsonDocument>

QString OpenAIFormatAdaptor::errorMessage(const QByteArray &body) const
{
    const QJsonValue error = QJsonDocument::fromJson(body).object().value(QStringLiteral("error"));
    return error.isObject() ? error.toObject().value(QStringLiteral("message")).toString()
                            : error.toString();
}

QList<QByteArray> OpenAIFormatAdaptor::jsonHeaders(bool stream)
{
    return {"Content-Type: application/json", stream ? QByteArray("Accept: text/event-stream")
                                                     : QByteArray("Accept: application/json")};
}
