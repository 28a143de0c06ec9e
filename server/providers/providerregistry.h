#pragma once

#include "provideradaptor.h"

#include <QHash>

#include <memory>

/// Channel type id → adaptor. Built once (builtinproviders.cpp) and immutable afterwards, so
/// lookups are thread-safe.
class ProviderRegistry
{
public:
    static const ProviderRegistry &instance();

    /// Nullptr when the gateway cannot talk to channels of \a channelType.
    const ProviderAdaptor *forType(int channelType) const;

    void add(int channelType, std::shared_ptr<const ProviderAdaptor> adaptor);

private:
    QHash<int, std::shared_ptr<const ProviderAdaptor>> m_adaptors;
};

/// Registers every built-in adaptor (explicit list: static self-registration is dropped by the
/// linker from static libraries).
void registerBuiltinProviders(ProviderRegistry &registry);
