#pragma once

#include "provideradaptor.h"

/// An adaptor that forwards everything to another one; subclasses override what differs (a
/// cloud platform serving a provider's protocol at its own URLs with its own auth).
class DelegatingAdaptor : public ProviderAdaptor
{
public:
    explicit DelegatingAdaptor(std::shared_ptr<const ProviderAdaptor> inner)
        : m_inner(std::move(inner))
    {
    }

    QByteArray nativeProtocol() const override { return m_inner->nativeProtocol(); }
    bool speaks(QByteArrayView protocol, int channelType) const override
    {
        return m_inner->speaks(protocol, channelType);
    }
    bool supports(RelayMode mode) const override { return m_inner->supports(mode); }
    QString defaultBaseUrl(int channelType) const override
    {
        return m_inner->defaultBaseUrl(channelType);
    }
    UpstreamRequest buildRequest(const Channel &channel, const QByteArray &openaiPath,
                                 const QString &model, const QByteArray &nativeBody,
                                 bool stream) const override
    {
        return m_inner->buildRequest(channel, openaiPath, model, nativeBody, stream);
    }
    QByteArray passthroughBody(QJsonObject clientBody, const QString &model) const override
    {
        return m_inner->passthroughBody(std::move(clientBody), model);
    }
    std::unique_ptr<StreamFramer> newStreamFramer() const override
    {
        return m_inner->newStreamFramer();
    }
    std::optional<UpstreamRequest> credentialRequest(const Channel &channel,
                                                     QString *error) const override
    {
        return m_inner->credentialRequest(channel, error);
    }
    QString acceptCredential(const Channel &channel, int status,
                             const QByteArray &body) const override
    {
        return m_inner->acceptCredential(channel, status, body);
    }
    QJsonObject fromOpenAIRequest(const QJsonObject &openaiBody, QString *error) const override
    {
        return m_inner->fromOpenAIRequest(openaiBody, error);
    }
    QJsonObject toOpenAIResponse(const QJsonObject &nativeBody,
                                 const QString &clientModel) const override
    {
        return m_inner->toOpenAIResponse(nativeBody, clientModel);
    }
    std::unique_ptr<StreamDecoder> newStreamDecoder(const QString &clientModel) const override
    {
        return m_inner->newStreamDecoder(clientModel);
    }
    QString errorMessage(const QByteArray &body) const override
    {
        return m_inner->errorMessage(body);
    }

protected:
    const ProviderAdaptor &inner() const { return *m_inner; }

private:
    std::shared_ptr<const ProviderAdaptor> m_inner;
};
