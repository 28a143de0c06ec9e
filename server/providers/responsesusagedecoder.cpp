#include "responsesusagedecoder.h"

#include <QJsonArray>
#include <QJsonDocument>

QList<QJsonObject> ResponsesUsageDecoder::onEvent(const SseParser::Event &event)
{
    if (event.data.isEmpty())
        return {};
    const QJsonObject data = QJsonDocument::fromJson(event.data).object();
    const QString type = data.value(QStringLiteral("type")).toString();
    if (type == QLatin1String("response.output_text.delta")) {
        // A content delta, so delivered text is counted if the stream ends without usage.
        const QJsonObject delta{{QStringLiteral("content"), data.value(QStringLiteral("delta"))}};
        return {QJsonObject{{QStringLiteral("choices"),
                             QJsonArray{QJsonObject{{QStringLiteral("index"), 0},
                                                    {QStringLiteral("delta"), delta}}}}}};
    }
    if (type != QLatin1String("response.completed") &&
        type != QLatin1String("response.incomplete") && type != QLatin1String("response.failed"))
        return {};
    const QJsonObject response = data.value(QStringLiteral("response")).toObject();
    QJsonObject chunk{{QStringLiteral("id"), response.value(QStringLiteral("id"))},
                      {QStringLiteral("choices"), QJsonArray()}};
    // Responses usage names (input/output tokens, *_details) are read by Usage::fromOpenAI.
    if (response.value(QStringLiteral("usage")).isObject())
        chunk.insert(QStringLiteral("usage"), response.value(QStringLiteral("usage")));
    if (type == QLatin1String("response.failed"))
        chunk.insert(QStringLiteral("error"), response.value(QStringLiteral("error")));
    return {chunk};
}
