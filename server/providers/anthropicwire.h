#pragma once

#include <QByteArray>
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

} // namespace AnthropicWire
