#pragma once

#include "provideradaptor.h"

/// Accounting for Responses API streams forwarded unchanged: turns the terminal event
/// (response.completed / response.incomplete / response.failed) into an OpenAI usage chunk and
/// counts output text deltas for the estimate when no usage comes. Emits nothing else.
class ResponsesUsageDecoder final : public StreamDecoder
{
public:
    QList<QJsonObject> onEvent(const SseParser::Event &event) override;
    QList<QJsonObject> finish() override { return {}; }
};
