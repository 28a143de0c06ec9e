#pragma once

#include "protocol/openaianthropic.h"
#include "provideradaptor.h"

/// Anthropic Messages stream events (SSE `event:` + JSON `data:`) → OpenAI chunks, for any
/// upstream whose stream is Anthropic's (Anthropic, Bedrock, Vertex AI, OpenAI-format providers
/// with an Anthropic endpoint). The SSE event name wins over the data's `type`.
class AnthropicEventDecoder final : public StreamDecoder
{
public:
    explicit AnthropicEventDecoder(const QString &clientModel = QString())
        : m_decoder(clientModel)
    {
    }
    QList<QJsonObject> onEvent(const SseParser::Event &event) override;
    QList<QJsonObject> finish() override { return m_decoder.finish(); }

private:
    OpenAIAnthropic::AnthropicStreamDecoder m_decoder;
};
