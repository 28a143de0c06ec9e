#include "anthropiceventdecoder.h"

#include <QJsonDocument>

AnthropicEventDecoder::AnthropicEventDecoder(const QString &clientModel)
    : m_decoder(clientModel)
{
}

QList<QJsonObject> AnthropicEventDecoder::onEvent(const SseParser::Event &event)
{
    if (event.data.isEmpty())
        return {};
    const QJsonObject data = QJsonDocument::fromJson(event.data).object();
    const QByteArray name = event.event.isEmpty()
                                ? data.value(QStringLiteral("type")).toString().toUtf8()
                                : event.event;
    return m_decoder.onEvent(name, data);
}

QList<QJsonObject> AnthropicEventDecoder::finish()
{
    return m_decoder.finish();
}
