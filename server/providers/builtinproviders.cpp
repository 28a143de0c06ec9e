#include "gateway/providerpresets.h"
#include "providerregistry.h"

// One factory per provider source file (no headers).
std::shared_ptr<const ProviderAdaptor> makeOpenAICompatibleAdaptor();
std::shared_ptr<const ProviderAdaptor> makeAnthropicAdaptor();
std::shared_ptr<const ProviderAdaptor> makeAzureAdaptor();
std::shared_ptr<const ProviderAdaptor> makeOllamaAdaptor();
std::shared_ptr<const ProviderAdaptor> makeCohereAdaptor();

void registerBuiltinProviders(ProviderRegistry &registry)
{
    // OpenAI-compatible channel types are data (resources/providers/openai-compatible.json).
    const auto openai = makeOpenAICompatibleAdaptor();
    for (const ProviderPresets::Preset &preset : ProviderPresets::instance().all())
        registry.add(preset.type, openai);
    registry.add(14, makeAnthropicAdaptor()); // Anthropic.
    const auto azure = makeAzureAdaptor();
    registry.add(3, azure); // Azure (deprecated type: dots removed from deployment names).
    registry.add(4, azure); // Azure.
    registry.add(30, makeOllamaAdaptor()); // Ollama.
    registry.add(35, makeCohereAdaptor()); // Cohere.
}
