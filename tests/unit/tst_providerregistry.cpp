// ProviderRegistry: which channel types the relay can talk to, with which adaptor, default base
// URL, modes and natively spoken client protocols.

#include "model/channel.h"
#include "providers/providerregistry.h"

#include <QtTest>

class TstProviderRegistry : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void openAICompatiblePresetsAreData()
    {
        const ProviderRegistry &registry = ProviderRegistry::instance();
        const QList<QPair<int, QString>> presets = {
            {1, QStringLiteral("https://api.openai.com/v1")},
            {13, QStringLiteral("https://qianfan.baidubce.com/v2")},
            {17, QStringLiteral("https://dashscope.aliyuncs.com/compatible-mode/v1")},
            {36, QStringLiteral("https://api.deepseek.com/v1")},
            {43, QStringLiteral("https://api.siliconflow.cn/v1")},
            {47, QStringLiteral("https://api.jina.ai/v1")},
        };
        for (const auto &[type, baseUrl] : presets) {
            const ProviderAdaptor *adaptor = registry.forType(type);
            QVERIFY2(adaptor, qPrintable(QString::number(type)));
            QCOMPARE(adaptor->nativeProtocol(), QByteArray("openai"));
            QCOMPARE(adaptor->defaultBaseUrl(type), baseUrl);
            QVERIFY(adaptor->supports(RelayMode::Rerank));
        }
        // One shared adaptor serves every preset.
        QCOMPARE(registry.forType(1), registry.forType(36));
    }

    void responsesApiOnlyWhereTheProviderHasIt()
    {
        const ProviderRegistry &registry = ProviderRegistry::instance();
        for (int type : {1, 17, 40, 3, 4})
            QVERIFY2(registry.forType(type)->speaks("responses", type),
                     qPrintable(QString::number(type)));
        for (int type : {36, 43, 49})
            QVERIFY2(!registry.forType(type)->speaks("responses", type),
                     qPrintable(QString::number(type)));
        QVERIFY(registry.forType(14)->speaks("anthropic", 14));
        QVERIFY(!registry.forType(1)->speaks("anthropic", 1));
    }

    void nativeAdaptors()
    {
        const ProviderRegistry &registry = ProviderRegistry::instance();
        const ProviderAdaptor *anthropic = registry.forType(14);
        QVERIFY(anthropic);
        QCOMPARE(anthropic->nativeProtocol(), QByteArray("anthropic"));
        QVERIFY(anthropic->supports(RelayMode::ChatCompletions));
        QVERIFY(!anthropic->supports(RelayMode::Embeddings));
        Channel channel;
        channel.type = 14;
        channel.key = QStringLiteral("sk-ant");
        const UpstreamRequest request = anthropic->buildRequest(
            channel, "/chat/completions", QStringLiteral("claude"), "{}", true);
        QCOMPARE(request.url, QByteArray("https://api.anthropic.com/v1/messages"));
        QVERIFY(request.headers.contains("x-api-key: sk-ant"));

        QVERIFY(registry.forType(3) && registry.forType(4));
        QVERIFY(!registry.forType(4)->supports(RelayMode::Rerank));
    }

    void ollamaAndCohere()
    {
        const ProviderRegistry &registry = ProviderRegistry::instance();
        const ProviderAdaptor *ollama = registry.forType(30);
        QVERIFY(ollama);
        QCOMPARE(ollama->nativeProtocol(), QByteArray("ollama"));
        QCOMPARE(ollama->defaultBaseUrl(30), QStringLiteral("http://localhost:11434"));
        for (RelayMode mode : {RelayMode::ChatCompletions, RelayMode::Anthropic, RelayMode::Gemini,
                               RelayMode::Responses, RelayMode::Embeddings})
            QVERIFY(ollama->supports(mode));
        QVERIFY(!ollama->supports(RelayMode::Rerank));
        QVERIFY(!ollama->speaks("openai", 30) && !ollama->speaks("anthropic", 30));
        QVERIFY(ollama->newStreamFramer()->accepts("application/x-ndjson"));
        Channel channel;
        channel.type = 30;
        UpstreamRequest request = ollama->buildRequest(channel, "/chat/completions",
                                                       QStringLiteral("llama3"), "{}", true);
        QCOMPARE(request.url, QByteArray("http://localhost:11434/api/chat"));
        for (const QByteArray &header : std::as_const(request.headers))
            QVERIFY(!header.toLower().startsWith("authorization:")); // No key, no header.
        channel.key = QStringLiteral("proxy-token");
        request = ollama->buildRequest(channel, "/embeddings", QStringLiteral("e"), "{}", false);
        QCOMPARE(request.url, QByteArray("http://localhost:11434/api/embed"));
        QVERIFY(request.headers.contains("Authorization: Bearer proxy-token"));

        const ProviderAdaptor *cohere = registry.forType(35);
        QVERIFY(cohere);
        QCOMPARE(cohere->nativeProtocol(), QByteArray("cohere"));
        QCOMPARE(cohere->defaultBaseUrl(35), QStringLiteral("https://api.cohere.com"));
        QVERIFY(cohere->supports(RelayMode::Rerank) && cohere->supports(RelayMode::Embeddings));
        QVERIFY(!cohere->supports(RelayMode::ImagesGenerations));
        QVERIFY(cohere->newStreamFramer()->accepts("text/event-stream"));
        channel.type = 35;
        channel.key = QStringLiteral("co-key");
        const QList<QPair<QByteArray, QByteArray>> paths = {
            {"/chat/completions", "https://api.cohere.com/v2/chat"},
            {"/embeddings", "https://api.cohere.com/v2/embed"},
            {"/rerank", "https://api.cohere.com/v2/rerank"},
        };
        for (const auto &[path, url] : paths) {
            request = cohere->buildRequest(channel, path, QStringLiteral("m"), "{}", false);
            QCOMPARE(request.url, url);
            QVERIFY(request.headers.contains("Authorization: Bearer co-key"));
        }
    }

    void unknownTypesAreNotServed()
    {
        QVERIFY(!ProviderRegistry::instance().forType(0));
        QVERIFY(!ProviderRegistry::instance().forType(999));
        QVERIFY(!ProviderRegistry::instance().forType(33)); // Bedrock: not yet.
    }
};

QTEST_GUILESS_MAIN(TstProviderRegistry)
#include "tst_providerregistry.moc"
