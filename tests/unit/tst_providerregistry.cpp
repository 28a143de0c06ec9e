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

    void doc2xParsesPdfsOnly()
    {
        const ProviderRegistry &registry = ProviderRegistry::instance();
        const ProviderAdaptor *doc2x = registry.forType(46);
        QVERIFY(doc2x);
        QCOMPARE(doc2x->defaultBaseUrl(46), QStringLiteral("https://v2.doc2x.noedgeai.com"));
        for (int mode = 0; mode <= int(RelayMode::Gemini); ++mode)
            QCOMPARE(doc2x->supports(RelayMode(mode)), mode == int(RelayMode::ParsePdf));
        // No other channel type takes PDFs: their upstreams do not speak Doc2x's protocol.
        for (int type : {1, 3, 4, 14, 36, 42})
            QVERIFY2(!registry.forType(type)->supports(RelayMode::ParsePdf),
                     qPrintable(QString::number(type)));

        Channel channel;
        channel.type = 46;
        channel.key = QStringLiteral("sk-doc2x");
        const UpstreamRequest upload =
            doc2x->buildRequest(channel, "/parse/pdf", QStringLiteral("pdf"), "%PDF-1.7", false);
        QCOMPARE(upload.method, QByteArray("POST"));
        QCOMPARE(upload.url, QByteArray("https://v2.doc2x.noedgeai.com/api/v2/parse/pdf"));
        QCOMPARE(upload.body, QByteArray("%PDF-1.7"));
        QVERIFY(upload.headers.contains("Authorization: Bearer sk-doc2x"));
        QVERIFY(upload.headers.contains("Content-Type: application/pdf"));
        channel.baseUrl = QStringLiteral("http://doc2x.internal/");
        const UpstreamRequest status =
            doc2x->buildRequest(channel, "/api/v2/parse/status?uid=u-1", QString(), {}, false);
        QCOMPARE(status.method, QByteArray("GET"));
        QCOMPARE(status.url, QByteArray("http://doc2x.internal/api/v2/parse/status?uid=u-1"));
        QVERIFY(status.headers.contains("Authorization: Bearer sk-doc2x"));

        QCOMPARE(doc2x->errorMessage(R"({"code":"parse_quota_limit","msg":"no pages left"})"),
                 QStringLiteral("no pages left (parse_quota_limit)"));
        QCOMPARE(doc2x->errorMessage(R"({"code":"parse_error"})"), QStringLiteral("parse_error"));
        QCOMPARE(doc2x->errorMessage("not json"), QString());
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
