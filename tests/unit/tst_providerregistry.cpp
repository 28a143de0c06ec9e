// ProviderRegistry: which channel types the relay can talk to, with which adaptor, default base
// URL, modes and natively spoken client protocols.

#include "model/channel.h"
#include "providers/providerregistry.h"

#include <QJsonArray>
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

    void presetPathPrefixes()
    {
        // aiproxy's base URL for these types is the host; the OpenAI paths sit under a prefix.
        const ProviderRegistry &registry = ProviderRegistry::instance();
        const QList<QPair<int, QByteArray>> expected = {
            {52, "https://open.bigmodel.cn/api/coding/paas/v4/chat/completions"},
            {54, "https://api.tbox.cn/api/llm/v1/chat/completions"},
            {19, "https://ai.360.cn/v1/chat/completions"},
            {51, "https://wanqing.streamlakeapi.com/api/gateway/v1/endpoints/chat/completions"},
        };
        for (const auto &[type, url] : expected) {
            Channel channel;
            channel.type = type;
            channel.key = QStringLiteral("k");
            const UpstreamRequest request = registry.forType(type)->buildRequest(
                channel, "/chat/completions", QStringLiteral("m"), "{}", false);
            QCOMPARE(request.url, url);
            QVERIFY(request.headers.contains("Authorization: Bearer k"));
        }
        // A channel's own base URL keeps the type's prefix.
        Channel custom;
        custom.type = 52;
        custom.baseUrl = QStringLiteral("http://127.0.0.1:9/");
        QCOMPARE(registry.forType(52)
                     ->buildRequest(custom, "/embeddings", QStringLiteral("m"), "{}", false)
                     .url,
                 QByteArray("http://127.0.0.1:9/api/coding/paas/v4/embeddings"));
        QVERIFY(registry.forType(50)); // Sangfor AICP: no default base URL, OpenAI format.
        QVERIFY(registry.forType(50)->defaultBaseUrl(50).isEmpty());
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

    void geminiAdaptor()
    {
        const ProviderAdaptor *gemini = ProviderRegistry::instance().forType(24);
        QVERIFY(gemini);
        QCOMPARE(gemini->nativeProtocol(), QByteArray("gemini"));
        QVERIFY(gemini->speaks("gemini", 24));
        QVERIFY(!gemini->speaks("openai", 24));
        for (RelayMode mode : {RelayMode::ChatCompletions, RelayMode::Anthropic, RelayMode::Gemini,
                               RelayMode::Responses, RelayMode::Embeddings})
            QVERIFY(gemini->supports(mode));
        QVERIFY(!gemini->supports(RelayMode::Rerank));
        QVERIFY(!gemini->supports(RelayMode::ImagesGenerations));

        Channel channel;
        channel.type = 24;
        channel.key = QStringLiteral("AIza-channel");
        const QByteArray body = R"({"contents":[]})";
        UpstreamRequest request = gemini->buildRequest(
            channel, "/chat/completions", QStringLiteral("gemini-2.5-flash"), body, false);
        QCOMPARE(request.url, QByteArray("https://generativelanguage.googleapis.com/v1beta/models/"
                                         "gemini-2.5-flash:generateContent"));
        QCOMPARE(request.body, body);
        QVERIFY(request.headers.contains("x-goog-api-key: AIza-channel"));
        QVERIFY(request.headers.contains("Content-Type: application/json"));
        for (const QByteArray &header : std::as_const(request.headers))
            QVERIFY2(!header.toLower().startsWith("authorization"), header.constData());

        request = gemini->buildRequest(channel, "/chat/completions",
                                       QStringLiteral("models/gemini-2.5-pro"), body, true);
        QCOMPARE(request.url, QByteArray("https://generativelanguage.googleapis.com/v1beta/models/"
                                         "gemini-2.5-pro:streamGenerateContent?alt=sse"));
        request = gemini->buildRequest(channel, "/embeddings",
                                       QStringLiteral("gemini-embedding-001"), body, false);
        QCOMPARE(request.url, QByteArray("https://generativelanguage.googleapis.com/v1beta/models/"
                                         "gemini-embedding-001:batchEmbedContents"));

        // A base URL that names a version keeps it; one that does not gets /v1beta.
        const QList<QPair<QString, QByteArray>> bases = {
            {QStringLiteral("https://proxy.example/v1/"),
             "https://proxy.example/v1/models/m:generateContent"},
            {QStringLiteral("https://proxy.example/gemini/v1beta"),
             "https://proxy.example/gemini/v1beta/models/m:generateContent"},
            {QStringLiteral("https://proxy.example/v1alpha"),
             "https://proxy.example/v1alpha/models/m:generateContent"},
            {QStringLiteral("https://proxy.example/api"),
             "https://proxy.example/api/v1beta/models/m:generateContent"},
            {QStringLiteral("https://v1.example"),
             "https://v1.example/v1beta/models/m:generateContent"},
        };
        for (const auto &[base, url] : bases) {
            channel.baseUrl = base;
            QCOMPARE(
                gemini->buildRequest(channel, "/chat/completions", QStringLiteral("m"), body, false)
                    .url,
                url);
        }

        // Gemini names the model in the URL: the client's body goes as it is.
        const QJsonObject client{{"contents", QJsonArray()}};
        QCOMPARE(gemini->passthroughBody(client, QStringLiteral("mapped-model")),
                 QByteArray(R"({"contents":[]})"));

        // Embeddings and chat requests are told apart by their shape.
        QString error;
        QVERIFY(gemini->fromOpenAIRequest({{"model", "e"}, {"input", "x"}}, &error)
                    .contains("requests"));
        QVERIFY(gemini->fromOpenAIRequest({{"model", "c"}, {"messages", QJsonArray()}}, &error)
                    .contains("contents"));
        QCOMPARE(gemini->errorMessage(R"({"error":{"code":429,"message":"slow down"}})"),
                 QStringLiteral("slow down"));
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
    }
};

QTEST_GUILESS_MAIN(TstProviderRegistry)
#include "tst_providerregistry.moc"
