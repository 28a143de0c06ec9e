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

        const ProviderAdaptor *bedrock = registry.forType(33);
        QVERIFY(bedrock);
        QVERIFY(bedrock->speaks("anthropic", 33));
        QVERIFY(bedrock->supports(RelayMode::Responses));
        QVERIFY(!bedrock->supports(RelayMode::Embeddings));
        channel.type = 33;
        channel.key = QStringLiteral("eu-west-1|bedrock-api-key");
        const UpstreamRequest invoke = bedrock->buildRequest(
            channel, "/chat/completions", QStringLiteral("anthropic.claude-v2:1"), "{}", false);
        QCOMPARE(invoke.url, QByteArray("https://bedrock-runtime.eu-west-1.amazonaws.com/model/"
                                        "anthropic.claude-v2%3A1/invoke"));
        QVERIFY(invoke.headers.contains("Authorization: Bearer bedrock-api-key"));

        QVERIFY(registry.forType(3) && registry.forType(4));
        QVERIFY(!registry.forType(4)->supports(RelayMode::Rerank));
    }

    void unknownTypesAreNotServed()
    {
        QVERIFY(!ProviderRegistry::instance().forType(0));
        QVERIFY(!ProviderRegistry::instance().forType(999));
    }
};

QTEST_GUILESS_MAIN(TstProviderRegistry)
#include "tst_providerregistry.moc"
