#pragma once

#include "provideradaptor.h"

/// Base of adaptors whose upstream speaks Anthropic's Messages format (channel types 14, 33):
/// OpenAI-format requests are converted (protocol/openaianthropic), answers and streams
/// converted back; Anthropic clients are forwarded. Serves chat, Anthropic, Gemini and
/// Responses clients. Subclasses decide URL, headers and the body's final shape.
class AnthropicFormatAdaptor : public ProviderAdaptor
{
public:
    QByteArray nativeProtocol() const override { return "anthropic"; }
    bool supports(RelayMode mode) const override;
    /// The Anthropic Messages request for the body's (mapped) model.
    QJsonObject fromOpenAIRequest(const QJsonObject &openaiBody, QString *error) const override;
    QJsonObject toOpenAIResponse(const QJsonObject &nativeBody,
                                 const QString &clientModel) const override;
    /// An AnthropicEventDecoder.
    std::unique_ptr<StreamDecoder> newStreamDecoder(const QString &clientModel) const override;
    /// The message of Anthropic's error shape.
    QString errorMessage(const QByteArray &body) const override;
};
