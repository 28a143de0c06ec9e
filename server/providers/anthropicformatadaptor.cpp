#include "anthropicformatadaptor.h"

#include "anthropiceventdecoder.h"

bool AnthropicFormatAdaptor::supports(RelayMode mode) const
{
    return mode == RelayMode::ChatCompletions || mode == RelayMode::Anthropic ||
           mode == RelayMode::Gemini || mode == RelayMode::Responses;
}

QJsonObject AnthropicFormatAdaptor::fromOpenAIRequest(const QJsonObject &openaiBody,
                                                      QString *error) const
{
    return OpenAIAnthropic::toAnthropicRequest(
        openaiBody, openaiBody.value(QStringLiteral("model")).toString(), error);
}

QJsonObject AnthropicFormatAdaptor::toOpenAIResponse(const QJsonObject &nativeBody,
                                                     const QString &clientModel) const
{
    return OpenAIAnthropic::toOpenAIResponse(nativeBody, clientModel);
}

std::unique_ptr<StreamDecoder>
AnthropicFormatAdaptor::newStreamDecoder(const QString &clientModel) const
{
    return std::make_unique<AnthropicEventDecoder>(clientModel);
}

QString AnthropicFormatAdaptor::errorMessage(const QByteArray &body) const
{
    return OpenAIAnthropic::anthropicErrorMessage(body);
}
