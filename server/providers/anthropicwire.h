#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>

/// Request headers of Anthropic's Messages API (`x-api-key`, `anthropic-version`), shared by
/// every upstream that serves it under Anthropic's own auth.
namespace AnthropicWire {

constexpr char kVersion[] = "2023-06-01";

inline QList<QByteArray> requestHeaders(const QString &key, bool stream)
{
    return {"Content-Type: application/json", "x-api-key: " + key.toUtf8(),
            QByteArray("anthropic-version: ") + kVersion,
            stream ? QByteArray("Accept: text/event-stream")
                   : QByteArray("Accept: application/json")};
}

/// An Anthropic Messages body as a cloud platform serving Claude takes it (Bedrock, Vertex
/// AI): without `model` (the platform's URL names it), with the platform's `anthropic_version`,
/// and without `stream` when \a dropStream (Bedrock streams by URL).
inline QJsonObject platformBody(QJsonObject body, const QString &anthropicVersion, bool dropStream)
{
    body.remove(QStringLiteral("model"));
    if (dropStream)
        body.remove(QStringLiteral("stream"));
    body.insert(QStringLiteral("anthropic_version"), anthropicVersion);
    return body;
}

} // namespace AnthropicWire
