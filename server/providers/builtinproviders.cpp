#include "gateway/providerpresets.h"
#include "providerregistry.h"

// One factory per provider source file (no headers).
std::shared_ptr<const ProviderAdaptor> makeOpenAICompatibleAdaptor();
std::shared_ptr<const ProviderAdaptor> makeAnthropicAdaptor();
std::shared_ptr<const ProviderAdaptor> makeAzureAdaptor();
std::shared_ptr<const ProviderAdaptor> makeDoc2xAdaptor();
std::shared_ptr<const ProviderAdaptor>
makeBaiduV2Adaptor(std::shared_ptr<const ProviderAdaptor> openaiCompatible);
std::shared_ptr<const ProviderAdaptor>
makeVertexAIAdaptor(std::shared_ptr<const ProviderAdaptor> anthropic,
                    std::shared_ptr<const ProviderAdaptor> gemini);
std::shared_ptr<const ProviderAdaptor> makeGeminiAdaptor();
std::shared_ptr<const ProviderAdaptor> makeBedrockAdaptor();
std::shared_ptr<const ProviderAdaptor> makeOllamaAdaptor();
std::shared_ptr<const ProviderAdaptor> makeCohereAdaptor();

void registerBuiltinProviders(ProviderRegistry &registry)
{
    // OpenAI-compatible channel types are data (resources/providers/openai-compatible.json).
    const auto openai = makeOpenAICompatibleAdaptor();
    for (const ProviderPresets::Preset &preset : ProviderPresets::instance().all())
        registry.add(preset.type, openai);
    registry.add(13, makeBaiduV2Adaptor(openai)); // Baidu Qianfan v2: also AK|SK keys.
    const auto anthropic = makeAnthropicAdaptor();
    registry.add(14, anthropic); // Anthropic.
    const auto azure = makeAzureAdaptor();
    registry.add(3, azure); // Azure (deprecated type: dots removed from deployment names).
    registry.add(4, azure); // Azure.
    const auto gemini = makeGeminiAdaptor();
    registry.add(24, gemini);                                 // Google Gemini (native API).
    registry.add(42, makeVertexAIAdaptor(anthropic, gemini)); // Vertex AI.
    registry.add(33, makeBedrockAdaptor());                   // AWS Bedrock (Claude).
    registry.add(30, makeOllamaAdaptor());                    // Ollama.
    registry.add(35, makeCohereAdaptor());                    // Cohere.
    registry.add(46, makeDoc2xAdaptor());                     // Doc2x (PDF parsing only).
}
