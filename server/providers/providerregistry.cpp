#include "providerregistry.h"

#include <QJsonDocument>

const ProviderRegistry &ProviderRegistry::instance()
{
    static const ProviderRegistry registry = [] {
        ProviderRegistry built;
        registerBuiltinProviders(built);
        return built;
    }();
    return registry;
}

const ProviderAdaptor *ProviderRegistry::forType(int channelType) const
{
    const auto it = m_adaptors.constFind(channelType);
    return it == m_adaptors.constEnd() ? nullptr : it.value().get();
}

void ProviderRegistry::add(int channelType, std::shared_ptr<const ProviderAdaptor> adaptor)
{
    m_adaptors.insert(channelType, std::move(adaptor));
}

QByteArray ProviderAdaptor::baseUrl(const Channel &channel) const
{
    QString base = channel.baseUrl.isEmpty() ? defaultBaseUrl(channel.type) : channel.baseUrl;
    while (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    return base.toUtf8();
}

QByteArray ProviderAdaptor::passthroughBody(QJsonObject clientBody, const QString &model) const
{
    clientBody.insert(QStringLiteral("model"), model);
    return QJsonDocument(clientBody).toJson(QJsonDocument::Compact);
}
