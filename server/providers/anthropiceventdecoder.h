#pragma once

#include "protocol/openaianthropic.h"
#include "provideradaptor.h"

/// StreamDecoder of an upstream streaming Anthropic Messages events (channel types 14, 33):
/// each event's JSON goes through OpenAIAnthropic::AnthropicStreamDecoder; the event name is
/// the SSE `event:` field, else the data's `type`.
class AnthropicEventDecoder final : public StreamDecoder
{
public:
    explicit AnthropicEventDecoder(const QString &clientModel);
    QList<QJsonObject> onEvent(const SseParser::Event &event) override;
    QList<QJsonObject> finish() override;

private:
    OpenAIAnthropic::AnthropicStreamDecoder m_decoder;
};
