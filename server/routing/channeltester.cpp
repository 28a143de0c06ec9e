#include "channeltester.h"

#include "providers/credentialfetch.h"

#include "asyncbatch.h"
#include "config/gatewayconfig.h"
#include "gateway/configsnapshot.h"
#include "providers/providerregistry.h"
#include "storage/channeltestrepository.h"
#include "upstream/curlmulti.h"
#include "upstream/timedfetch.h"

#include <QDateTime>
#include <QDebug>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>

namespace {

/// Largest answer read; bigger ones fail the test (images come as URLs or a few MB of base64).
constexpr qsizetype kMaxAnswerBytes = 32 * 1024 * 1024;
/// The output limit of chat-like test requests: enough for any greeting, cheap.
constexpr int kTestMaxTokens = 16;

/// The OpenAI request a test of one mode sends.
struct TestRequest
{
    RelayMode mode = RelayMode::Unknown;
    QByteArray path;
    QJsonObject body;
};

QString modeName(RelayMode mode)
{
    switch (mode) {
    case RelayMode::ImagesEdits:
        return QStringLiteral("image edit");
    case RelayMode::AudioTranscription:
        return QStringLiteral("audio transcription");
    case RelayMode::AudioTranslation:
        return QStringLiteral("audio translation");
    case RelayMode::ParsePdf:
        return QStringLiteral("PDF parsing");
    default:
        return QStringLiteral("mode %1").arg(int(mode));
    }
}

/// aiproxy's test requests (core/relay/utils/testreq.go), with a small output limit added.
/// Anthropic and Gemini models are tested through Chat Completions (what every adaptor
/// converts), Responses models natively where the channel serves the Responses API.
std::optional<TestRequest> testRequest(RelayMode mode, const QString &model,
                                       const ProviderAdaptor &adaptor, int channelType)
{
    const QString hi = QStringLiteral("hi");
    QJsonObject body{{QStringLiteral("model"), model}};
    switch (mode) {
    case RelayMode::Responses:
        if (adaptor.speaks("responses", channelType)) {
            body.insert(QStringLiteral("input"), hi);
            body.insert(QStringLiteral("max_output_tokens"), kTestMaxTokens);
            return TestRequest{RelayMode::Responses, "/responses", body};
        }
        [[fallthrough]];
    case RelayMode::ChatCompletions:
    case RelayMode::Anthropic:
    case RelayMode::Gemini: {
        body.insert(QStringLiteral("messages"),
                    QJsonArray{QJsonObject{{QStringLiteral("role"), QStringLiteral("user")},
                                           {QStringLiteral("content"), hi}}});
        // OpenAI (and Azure) refuse max_tokens for reasoning models; others may not know
        // max_completion_tokens (ignored: the answer to "hi" is short anyway).
        const bool openai = channelType == 1 || channelType == 3 || channelType == 4;
        body.insert(openai ? QStringLiteral("max_completion_tokens") : QStringLiteral("max_tokens"),
                    kTestMaxTokens);
        return TestRequest{RelayMode::ChatCompletions, "/chat/completions", body};
    }
    case RelayMode::Completions:
        body.insert(QStringLiteral("prompt"), hi);
        body.insert(QStringLiteral("max_tokens"), kTestMaxTokens);
        return TestRequest{mode, "/completions", body};
    case RelayMode::Embeddings:
        body.insert(QStringLiteral("input"), hi);
        return TestRequest{mode, "/embeddings", body};
    case RelayMode::Moderations:
        body.insert(QStringLiteral("input"), hi);
        return TestRequest{mode, "/moderations", body};
    case RelayMode::ImagesGenerations:
        body.insert(QStringLiteral("prompt"),
                    QStringLiteral("A simple red square icon on a white background."));
        body.insert(QStringLiteral("size"), QStringLiteral("1024x1024"));
        return TestRequest{mode, "/images/generations", body};
    case RelayMode::AudioSpeech:
        body.insert(QStringLiteral("input"), hi);
        body.insert(QStringLiteral("voice"), QStringLiteral("alloy"));
        return TestRequest{mode, "/audio/speech", body};
    case RelayMode::Rerank:
        body.insert(QStringLiteral("query"), hi);
        body.insert(QStringLiteral("documents"), QJsonArray{hi});
        return TestRequest{mode, "/rerank", body};
    default:
        return std::nullopt;
    }
}

/// \a text without the channel's key (nor the parts of a composite "AK|SK" key), truncated.
QString scrubbed(QString text, const Channel &channel)
{
    QStringList secrets = channel.key.split(QLatin1Char('|'), Qt::SkipEmptyParts);
    secrets.prepend(channel.key);
    for (const QString &secret : std::as_const(secrets)) {
        if (secret.trimmed().size() >= 4)
            text.replace(secret.trimmed(), QStringLiteral("***"));
    }
    if (text.size() > ChannelTester::kMaxResponseChars)
        text = text.first(ChannelTester::kMaxResponseChars) + QStringLiteral("…");
    return text;
}

} // namespace

struct ChannelTester::Run
{
    Channel channel;
    ChannelTestResult result;
    Done done;
    const ProviderAdaptor *adaptor = nullptr;
    TestRequest request;
    QByteArray nativeBody;
    QElapsedTimer clock;
    bool finished = false;
};

ChannelTester::ChannelTester(const GatewayConfig &config, SnapshotStore *snapshots,
                             Database *mainDb, QObject *parent)
    : QObject(parent)
    , m_config(config)
    , m_snapshots(snapshots)
    , m_db(mainDb)
    , m_curl(new CurlMulti(this))
{
}

ChannelTester::~ChannelTester() = default;

RelayMode ChannelTester::modelMode(const QString &model, int configType)
{
    if (configType > 0)
        return RelayMode(configType);
    const QString name = model.toLower();
    if (name.contains(QLatin1String("rerank")))
        return RelayMode::Rerank;
    if (name.contains(QLatin1String("embed")))
        return RelayMode::Embeddings;
    return RelayMode::ChatCompletions;
}

void ChannelTester::test(const Channel &channel, const QString &model, Done done)
{
    auto run = std::make_shared<Run>();
    run->channel = channel;
    run->done = std::move(done);
    run->clock.start();
    ChannelTestResult &result = run->result;
    result.channelId = channel.id;
    result.channelName = channel.name;
    result.channelType = channel.type;
    result.model = model;
    result.actualModel = channel.mappedModel(model);
    result.testAtMs = QDateTime::currentMSecsSinceEpoch();

    const auto refuse = [&](const QString &reason) {
        result.refused = reason;
        const Done report = std::move(run->done);
        report(result);
    };
    const ProviderAdaptor *typeAdaptor = ProviderRegistry::instance().forType(channel.type);
    if (!typeAdaptor)
        return refuse(QStringLiteral("channel type %1 is not supported").arg(channel.type));
    run->adaptor = typeAdaptor->forModel(result.actualModel);
    const int configType = m_snapshots->current()->modelConfigs.value(model).type;
    const RelayMode mode = modelMode(model, configType);
    const std::optional<TestRequest> request =
        testRequest(mode, result.actualModel, *run->adaptor, channel.type);
    if (!request)
        return refuse(QStringLiteral("%1 models cannot be tested").arg(modeName(mode)));
    run->request = *request;
    result.mode = int(request->mode);
    if (!run->adaptor->supports(request->mode))
        return refuse(QStringLiteral("channel type %1 does not serve mode %2")
                          .arg(channel.type)
                          .arg(int(request->mode)));
    if (run->adaptor->nativeProtocol() == "openai") {
        run->nativeBody = QJsonDocument(request->body).toJson(QJsonDocument::Compact);
    } else {
        QString conversionError;
        const QJsonObject native = run->adaptor->fromOpenAIRequest(request->body, &conversionError);
        if (native.isEmpty())
            return refuse(QStringLiteral("the test request cannot be converted for channel "
                                         "type %1: %2")
                              .arg(channel.type)
                              .arg(conversionError));
        run->nativeBody = QJsonDocument(native).toJson(QJsonDocument::Compact);
    }
    fetchCredential(run);
}

void ChannelTester::fetchCredential(const std::shared_ptr<Run> &run)
{
    QString credentialError;
    std::optional<UpstreamRequest> credential =
        run->adaptor->credentialRequest(run->channel, &credentialError);
    if (!credentialError.isEmpty()) {
        finish(run, 0, {},
               QStringLiteral("the channel's credentials are unusable: %1").arg(credentialError));
        return;
    }
    if (!credential) {
        send(run);
        return;
    }
    ::fetchCredential(
        m_curl, run->adaptor, run->channel, std::move(*credential),
        m_config.upstreamConnectTimeoutSec * 1000, m_config.channelTestTimeoutSec * 1000,
        [this, run](int, const QString &problem) {
            if (!problem.isEmpty()) {
                finish(
                    run, 0, {},
                    QStringLiteral("could not obtain the channel's credentials: %1").arg(problem));
                return;
            }
            send(run);
        });
}

void ChannelTester::send(const std::shared_ptr<Run> &run)
{
    if (run->finished)
        return;
    UpstreamRequest upstream = run->adaptor->buildRequest(
        run->channel, run->request.path, run->result.actualModel, run->nativeBody, false);
    if (upstream.url.isEmpty()) {
        finish(run, 0, {}, QStringLiteral("the channel has no upstream address"));
        return;
    }
    upstream.useChannelTransport(run->channel, m_config.upstreamConnectTimeoutSec * 1000);
    timedFetch(
        m_curl, std::move(upstream), m_config.channelTestTimeoutSec * 1000,
        [this, run](int status, const QByteArray &body, const QString &error) {
            finish(run, status, body, error);
        },
        kMaxAnswerBytes);
}

void ChannelTester::finish(const std::shared_ptr<Run> &run, int code, const QByteArray &body,
                           const QString &error)
{
    if (run->finished)
        return;
    run->finished = true;
    ChannelTestResult &result = run->result;
    result.code = code;
    result.tookMs = run->clock.elapsed();
    if (code == 0) {
        result.response = scrubbed(error, run->channel);
    } else if (code < 200 || code > 299) {
        result.response = scrubbed(QString::fromUtf8(body), run->channel);
    } else if (run->request.mode == RelayMode::AudioSpeech) {
        result.success = !body.isEmpty();
        result.response = result.success ? QString() : QStringLiteral("empty audio answer");
    } else {
        QJsonParseError parseError{};
        const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
        const QJsonValue upstreamError = document.object().value(QStringLiteral("error"));
        result.success =
            document.isObject() && (upstreamError.isUndefined() || upstreamError.isNull());
        if (!result.success) {
            result.response = scrubbed(QString::fromUtf8(body), run->channel);
        } else if (run->request.mode != RelayMode::ImagesGenerations) {
            // The answer as a client would see it (converted to OpenAI's shape); images are
            // left out (base64 data), as aiproxy does.
            const QJsonObject answer =
                run->adaptor->nativeProtocol() == "openai" ||
                        run->request.mode == RelayMode::Responses
                    ? document.object()
                    : run->adaptor->toOpenAIResponse(document.object(), result.model);
            result.response =
                scrubbed(QString::fromUtf8(QJsonDocument(answer).toJson(QJsonDocument::Compact)),
                         run->channel);
        }
    }
    if (m_db) {
        ChannelTestRepository repository(*m_db);
        if (!repository.save(result))
            qWarning().noquote() << "channel test: storing the result failed:"
                                 << repository.lastError();
    }
    const Done report = std::move(run->done);
    report(result);
}

void ChannelTester::testMany(const QList<Pair> &pairs, int concurrency,
                             std::function<void(const QList<ChannelTestResult> &results)> done)
{
    auto results = std::make_shared<QList<ChannelTestResult>>(pairs.size());
    QList<AsyncBatch::Job> jobs;
    for (qsizetype i = 0; i < pairs.size(); ++i) {
        jobs.append([this, pair = pairs.at(i), results, i](std::function<void()> finished) {
            test(pair.first, pair.second, [results, i, finished](const ChannelTestResult &result) {
                (*results)[i] = result;
                finished();
            });
        });
    }
    AsyncBatch::run(std::move(jobs), concurrency,
                    [results, done = std::move(done)] { done(*results); });
}
