#pragma once

#include "provideradaptor.h"

/// Base of adaptors whose upstream speaks OpenAI's wire format (bodies and streams pass
/// through; errors carry OpenAI's `error` object). Subclasses decide URL, headers and modes.
class OpenAIFormatAdaptor : public ProviderAdaptor
{
public:
    QByteArray nativeProtocol() const override { return "openai"; }
    QJsonObject fromOpenAIRequest(const QJsonObject &openaiBody, QString *) const override
    {
        return openaiBody;
    }
    QJsonObject toOpenAIResponse(const QJsonObject &nativeBody, const QString &) const override
    {
        return nativeBody;
    }
    std::unique_ptr<StreamDecoder> newStreamDecoder(const QString &) const override
    {
        return nullptr;
    }
    QString errorMessage(const QByteArray &body) const override;

protected:
    /// Content-Type and Accept headers of a request with an OpenAI body.
    static QList<QByteArray> jsonHeaders(bool stream);
};
