#include "relaycontroller.h"

#include "anthropicprotocol.h"
#include "config/gatewayconfig.h"
#include "gateway/configsnapshot.h"
#include "gateway/storedobjects.h"
#include "geminiprotocol.h"
#include "http/httpexchange.h"
#include "http/multipartform.h"
#include "http/router.h"
#include "model/group.h"
#include "openaierror.h"
#include "openaiprotocol.h"
#include "parsepdfjob.h"
#include "protocol/openaianthropic.h"
#include "providers/anthropiceventdecoder.h"
#include "providers/credentialfetch.h"
#include "providers/providerregistry.h"
#include "providers/responsesusagedecoder.h"
#include "relaysession.h"
#include "relaystate.h"
#include "relaytimeouts.h"
#include "responsesprotocol.h"
#include "routing/channelselector.h"
#include "routing/retrypolicy.h"
#include "storage/logwriter.h"
#include "upstream/curlmulti.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QPointer>
#include <QRandomGenerator>
#include <QTimer>
#include <QUrl>

#include <algorithm>

namespace {

/// Longest a relay request waits for its channel's credential (a token endpoint that hangs).
constexpr int kCredentialTimeoutMs = 30'000;

} // namespace

RelayController::RelayController(const GatewayConfig &config, SnapshotStore *snapshots,
                                 LogWriter *logs, CurlMulti *curl, RelayState *state,
                                 QObject *parent)
    : QObject(parent)
    , m_config(config)
    , m_snapshots(snapshots)
    , m_logs(logs)
    , m_curl(curl)
    , m_objects(&state->objects)
    , m_state(state)
{
}

void RelayController::registerRoutes(Router &router)
{
    router.add("GET", QStringLiteral("/v1/models"),
               [this](HttpRequest &r, HttpExchange *e) { handleModels(r, e); });
    router.add("GET", QStringLiteral("/v1/models/{*model}"),
               [this](HttpRequest &r, HttpExchange *e) { handleModel(r, e); });
    router.add("POST", QStringLiteral("/v1/chat/completions"),
               [this](HttpRequest &r, HttpExchange *e) {
                   handleOpenAIRelay(r, e, RelayMode::ChatCompletions, "/chat/completions");
               });
    router.add("POST", QStringLiteral("/v1/completions"), [this](HttpRequest &r, HttpExchange *e) {
        handleOpenAIRelay(r, e, RelayMode::Completions, "/completions");
    });
    router.add("POST", QStringLiteral("/v1/messages"), [this](HttpRequest &r, HttpExchange *e) {
        handleRelay(r, e, RelayMode::Anthropic, "/chat/completions", anthropicInbound());
    });
    router.add("POST", QStringLiteral("/v1/messages/count_tokens"),
               [this](HttpRequest &r, HttpExchange *e) { handleAnthropicCountTokens(r, e); });
    router.add("POST", QStringLiteral("/v1/responses"),
               [this](HttpRequest &r, HttpExchange *e) { handleResponses(r, e); });
    for (const QByteArray &method : {QByteArray("GET"), QByteArray("DELETE")})
        router.add(method, QStringLiteral("/v1/responses/{id}"),
                   [this](HttpRequest &r, HttpExchange *e) { handleStoredResponse(r, e, {}); });
    router.add(
        "GET", QStringLiteral("/v1/responses/{id}/input_items"),
        [this](HttpRequest &r, HttpExchange *e) { handleStoredResponse(r, e, "/input_items"); });
    router.add("POST", QStringLiteral("/v1/responses/{id}/cancel"),
               [this](HttpRequest &r, HttpExchange *e) { handleStoredResponse(r, e, "/cancel"); });
    router.add("POST", QStringLiteral("/v1beta/models/{*target}"),
               [this](HttpRequest &r, HttpExchange *e) { handleGemini(r, e); });
    router.add("POST", QStringLiteral("/v1/models/{*target}"),
               [this](HttpRequest &r, HttpExchange *e) { handleGemini(r, e); });
    const std::pair<const char *, std::pair<RelayMode, const char *>> modeRoutes[] = {
        {"/v1/moderations", {RelayMode::Moderations, "/moderations"}},
        {"/v1/images/generations", {RelayMode::ImagesGenerations, "/images/generations"}},
        {"/v1/images/edits", {RelayMode::ImagesEdits, "/images/edits"}},
        {"/v1/audio/speech", {RelayMode::AudioSpeech, "/audio/speech"}},
        {"/v1/audio/transcriptions", {RelayMode::AudioTranscription, "/audio/transcriptions"}},
        {"/v1/audio/translations", {RelayMode::AudioTranslation, "/audio/translations"}},
        {"/v1/rerank", {RelayMode::Rerank, "/rerank"}},
    };
    for (const auto &[path, target] : modeRoutes) {
        const auto [mode, upstreamPath] = target;
        router.add("POST", QLatin1String(path),
                   [this, mode, upstreamPath](HttpRequest &r, HttpExchange *e) {
                       handleOpenAIRelay(r, e, mode, upstreamPath);
                   });
    }
    router.add("POST", QStringLiteral("/v1/parse/pdf"),
               [this](HttpRequest &r, HttpExchange *e) { handleParsePdf(r, e); });
    router.add("POST", QStringLiteral("/v1/embeddings"), [this](HttpRequest &r, HttpExchange *e) {
        handleOpenAIRelay(r, e, RelayMode::Embeddings, "/embeddings");
    });
    router.add("POST", QStringLiteral("/v1/engines/{model}/embeddings"),
               [this](HttpRequest &r, HttpExchange *e) {
                   handleOpenAIRelay(r, e, RelayMode::Embeddings, "/embeddings");
               });
}

void RelayController::replyError(HttpExchange *exchange, const ClientProtocol &protocol, int status,
                                 const QString &message, const QString &type, const QString &code)
{
    exchange->send(status, "application/json",
                   protocol.errorBody(status, message, type, code, exchange->requestId()));
}

bool RelayController::authenticate(const HttpRequest &request, HttpExchange *exchange,
                                   const ClientProtocol &protocol, Caller *caller,
                                   bool allowQueryKey)
{
    QByteArray credential = request.header("authorization");
    if (credential.isEmpty())
        credential = request.header("x-api-key");
    if (credential.isEmpty())
        credential = request.header("x-goog-api-key");
    if (credential.isEmpty() && allowQueryKey)
        credential = request.queryValue(QStringLiteral("key")).toUtf8();
    if (credential.isEmpty()) {
        replyError(exchange, protocol, 401,
                   QStringLiteral("no API key provided: send it as 'Authorization: Bearer <key>'"),
                   QStringLiteral("invalid_request_error"), QStringLiteral("invalid_api_key"));
        return false;
    }
    caller->snapshot = m_snapshots->current();
    const QString presented = Token::normalizeKey(QString::fromUtf8(credential));
    if (!m_config.adminKey.isEmpty() && presented == Token::normalizeKey(m_config.adminKey)) {
        makeAdminCaller(caller);
        return true;
    }
    caller->token = caller->snapshot->tokenByKey(presented);
    if (!caller->token) {
        replyError(exchange, protocol, 401, QStringLiteral("invalid API key"),
                   QStringLiteral("invalid_request_error"), QStringLiteral("invalid_api_key"));
        return false;
    }
    if (caller->token->status != Token::Enabled) {
        replyError(exchange, protocol, 401, QStringLiteral("API key is disabled"),
                   QStringLiteral("invalid_request_error"), QStringLiteral("api_key_disabled"));
        return false;
    }
    caller->group = caller->snapshot->group(caller->token->groupId);
    if (!caller->group || !caller->group->isUsable()) {
        replyError(exchange, protocol, 403, QStringLiteral("the group of this API key is disabled"),
                   QStringLiteral("invalid_request_error"), QStringLiteral("group_disabled"));
        return false;
    }
    if (!caller->token->subnets.isEmpty()) {
        bool allowed = false;
        for (const QString &subnet : caller->token->subnets)
            allowed =
                allowed || request.remoteAddress.isInSubnet(QHostAddress::parseSubnet(subnet));
        if (!allowed) {
            replyError(exchange, protocol, 403,
                       QStringLiteral("API key is not allowed from this address"),
                       QStringLiteral("invalid_request_error"), QStringLiteral("ip_not_allowed"));
            return false;
        }
    }
    return true;
}

void RelayController::makeAdminCaller(Caller *caller)
{
    auto group = std::make_shared<Group>();
    group->id = QStringLiteral("internal");
    group->status = Group::Internal;
    QStringList sets;
    for (const Channel &channel : std::as_const(caller->snapshot->channels)) {
        for (const QString &set : channel.effectiveSets()) {
            if (!sets.contains(set))
                sets.append(set);
        }
    }
    group->availableSets = sets;
    auto token = std::make_shared<Token>();
    token->name = QStringLiteral("admin");
    token->groupId = group->id;
    caller->adminGroup = group;
    caller->adminToken = token;
    caller->group = group.get();
    caller->token = token.get();
}

void RelayController::handleModels(HttpRequest &request, HttpExchange *exchange)
{
    Caller caller;
    if (!authenticate(request, exchange, OpenAIProtocol(), &caller))
        return;
    QJsonArray data;
    for (const QString &model : caller.snapshot->modelsFor(*caller.token, *caller.group)) {
        const ModelConfig config = caller.snapshot->modelConfigs.value(model);
        data.append(
            QJsonObject{{QStringLiteral("id"), model},
                        {QStringLiteral("object"), QStringLiteral("model")},
                        {QStringLiteral("created"), config.createdAt / 1000},
                        {QStringLiteral("owned_by"),
                         config.owner.isEmpty() ? QStringLiteral("aiproxy") : config.owner}});
    }
    exchange->send(200, "application/json",
                   QJsonDocument(QJsonObject{{QStringLiteral("object"), QStringLiteral("list")},
                                             {QStringLiteral("data"), data}})
                       .toJson(QJsonDocument::Compact));
}

void RelayController::handleModel(HttpRequest &request, HttpExchange *exchange)
{
    Caller caller;
    if (!authenticate(request, exchange, OpenAIProtocol(), &caller))
        return;
    const QString wanted = request.param(QStringLiteral("model"));
    for (const QString &model : caller.snapshot->modelsFor(*caller.token, *caller.group)) {
        if (model.compare(wanted, Qt::CaseInsensitive) != 0)
            continue;
        const ModelConfig config = caller.snapshot->modelConfigs.value(model);
        exchange->send(
            200, "application/json",
            QJsonDocument(
                QJsonObject{{QStringLiteral("id"), model},
                            {QStringLiteral("object"), QStringLiteral("model")},
                            {QStringLiteral("created"), config.createdAt / 1000},
                            {QStringLiteral("owned_by"),
                             config.owner.isEmpty() ? QStringLiteral("aiproxy") : config.owner}})
                .toJson(QJsonDocument::Compact));
        return;
    }
    replyError(exchange, OpenAIProtocol(), 404,
               QStringLiteral("The model '%1' does not exist").arg(wanted),
               QStringLiteral("invalid_request_error"), QStringLiteral("model_not_found"));
}

void RelayController::handleOpenAIRelay(HttpRequest &request, HttpExchange *exchange,
                                        RelayMode mode, const char *upstreamPath)
{
    handleRelay(request, exchange, mode, upstreamPath, Inbound());
}

RelayController::Inbound RelayController::anthropicInbound()
{
    Inbound inbound;
    inbound.makeProtocol = [](const QString &model, qint64 promptTokens) {
        return std::make_shared<AnthropicProtocol>(model, promptTokens);
    };
    inbound.toOpenAI = [](const QJsonObject &body, QString *error) {
        return AnthropicOpenAI::toOpenAIRequest(body, error);
    };
    inbound.nativeProtocol = "anthropic";
    inbound.nativePath = "/messages";
    inbound.passthroughDecoder = [] { return std::make_unique<AnthropicEventDecoder>(); };
    inbound.passthroughAnswer = [](const QJsonObject &answer, const QString &model) {
        return OpenAIAnthropic::toOpenAIResponse(answer, model);
    };
    inbound.forwardedHeaders = {"anthropic-beta"};
    return inbound;
}

void RelayController::handleAnthropicCountTokens(HttpRequest &request, HttpExchange *exchange)
{
    const AnthropicProtocol protocol(QString(), 0);
    Caller caller;
    if (!authenticate(request, exchange, protocol, &caller))
        return;
    QJsonParseError parseError{};
    const QJsonDocument document = QJsonDocument::fromJson(request.body, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
        replyError(
            exchange, protocol, 400,
            QStringLiteral("request body is not a JSON object: %1").arg(parseError.errorString()),
            QStringLiteral("invalid_request_error"), QStringLiteral("invalid_json"));
        return;
    }
    exchange->send(
        200, "application/json",
        QJsonDocument(QJsonObject{{QStringLiteral("input_tokens"),
                                   AnthropicOpenAI::estimateInputTokens(document.object())}})
            .toJson(QJsonDocument::Compact));
}

void RelayController::handleGemini(HttpRequest &request, HttpExchange *exchange)
{
    const QString target = request.param(QStringLiteral("target"));
    const qsizetype colon = target.lastIndexOf(QLatin1Char(':'));
    const QString model = colon > 0 ? target.left(colon) : target;
    const QString action = colon > 0 ? target.mid(colon + 1) : QString();
    const bool stream = action == QLatin1String("streamGenerateContent");
    if (action == QLatin1String("countTokens")) {
        const GeminiProtocol protocol(model);
        Caller caller;
        if (!authenticate(request, exchange, protocol, &caller, true))
            return;
        const QJsonObject body = QJsonDocument::fromJson(request.body).object();
        // countTokens wraps the request as generateContentRequest, or sends contents directly.
        const QJsonObject counted =
            body.contains(QStringLiteral("generateContentRequest"))
                ? body.value(QStringLiteral("generateContentRequest")).toObject()
                : body;
        exchange->send(200, "application/json",
                       QJsonDocument(QJsonObject{{QStringLiteral("totalTokens"),
                                                  GeminiOpenAI::estimateInputTokens(counted)}})
                           .toJson(QJsonDocument::Compact));
        return;
    }
    if (!stream && action != QLatin1String("generateContent")) {
        replyError(exchange, GeminiProtocol(model), 404,
                   QStringLiteral("method '%1' is not supported by this gateway").arg(action),
                   QString(), QString());
        return;
    }
    Inbound inbound;
    inbound.makeProtocol = [](const QString &requestedModel, qint64) {
        return std::make_shared<GeminiProtocol>(requestedModel);
    };
    inbound.toOpenAI = [model, stream](const QJsonObject &body, QString *error) {
        return GeminiOpenAI::toOpenAIRequest(body, model, stream, error);
    };
    inbound.nativeProtocol = "gemini";
    inbound.allowQueryKey = true;
    inbound.modelFromPath = model;
    handleRelay(request, exchange, RelayMode::Gemini, "/chat/completions", inbound);
}

void RelayController::handleResponses(HttpRequest &request, HttpExchange *exchange)
{
    // The original request is echoed back in converted answers, so keep it.
    const QJsonObject original = QJsonDocument::fromJson(request.body).object();
    Inbound inbound;
    inbound.makeProtocol = [original](const QString &, qint64) {
        return std::make_shared<ResponsesProtocol>(original);
    };
    inbound.toOpenAI = [](const QJsonObject &body, QString *error) {
        return ResponsesOpenAI::toOpenAIRequest(body, error);
    };
    inbound.nativeProtocol = "responses";
    inbound.nativePath = "/responses";
    inbound.passthroughDecoder = [] { return std::make_unique<ResponsesUsageDecoder>(); };
    handleRelay(request, exchange, RelayMode::Responses, "/chat/completions", inbound);
}

void RelayController::handleStoredResponse(HttpRequest &request, HttpExchange *exchange,
                                           const QByteArray &operation)
{
    const OpenAIProtocol protocol;
    Caller caller;
    if (!authenticate(request, exchange, protocol, &caller))
        return;
    const QString id = request.param(QStringLiteral("id"));
    const std::optional<StoredObjects::Entry> entry =
        m_objects ? m_objects->find(id, caller.group->id) : std::nullopt;
    const auto channel = caller.snapshot->channels.constFind(entry ? entry->channelId : -1);
    if (!entry || channel == caller.snapshot->channels.constEnd()) {
        replyError(exchange, protocol, 404,
                   QStringLiteral("No response found with id '%1'.").arg(id),
                   QStringLiteral("invalid_request_error"), QStringLiteral("not_found"));
        return;
    }
    const ProviderAdaptor *adaptor = ProviderRegistry::instance().forType(channel->type);
    if (!adaptor) {
        replyError(exchange, protocol, 404, QStringLiteral("the channel of this response is gone"),
                   QStringLiteral("invalid_request_error"), QStringLiteral("not_found"));
        return;
    }
    RelayContext context = callerContext(request, exchange, caller, RelayMode::Responses,
                                         QDateTime::currentMSecsSinceEpoch());
    context.channel = *channel;
    context.adaptor = adaptor;
    context.rawForward = true;
    context.skipLog = true;
    context.firstByteTimeoutMs = 30'000; // Stored-object calls, as aiproxy's.
    // The query (input_items paging: limit, after, order, include) goes along.
    const QByteArray query = request.query.isEmpty()
                                 ? QByteArray()
                                 : '?' + request.query.toString(QUrl::FullyEncoded).toUtf8();
    UpstreamRequest upstream =
        adaptor->buildRequest(*channel, "/responses/" + QUrl::toPercentEncoding(id) + operation,
                              QString(), QByteArray(), false);
    if (!query.isEmpty())
        upstream.url += (upstream.url.contains('?') ? '&' + query.mid(1) : query);
    upstream.method = request.method;
    upstream.useChannelTransport(*channel, m_config.upstreamConnectTimeoutSec * 1000);
    if (request.method == "DELETE")
        m_objects->forget(id);
    UpstreamCall *call = m_curl->start(std::move(upstream));
    if (!call) {
        replyError(exchange, protocol, 502, QStringLiteral("could not start the upstream request"),
                   QStringLiteral("upstream_error"), QStringLiteral("upstream_unreachable"));
        return;
    }
    new RelaySession(std::move(context), exchange, call, m_logs, this);
    m_curl->dispatchNow();
}

qint64 RelayController::estimatePromptTokens(const QJsonObject &body)
{
    qint64 chars = 0;
    qint64 messages = 0;
    const auto addContent = [&chars](const QJsonValue &content) {
        if (content.isString()) {
            chars += content.toString().size();
        } else if (content.isArray()) {
            for (const QJsonValue &part : content.toArray())
                chars += part.toObject().value(QStringLiteral("text")).toString().size();
        }
    };
    for (const QJsonValue &message : body.value(QStringLiteral("messages")).toArray()) {
        ++messages;
        addContent(message.toObject().value(QStringLiteral("content")));
    }
    // Rerank: the query and the documents (strings or {"text"}).
    for (const char *field : {"prompt", "input", "query", "documents"}) {
        const QJsonValue value = body.value(QLatin1String(field));
        if (value.isString())
            chars += value.toString().size();
        else if (value.isArray())
            for (const QJsonValue &item : value.toArray())
                chars += item.isObject()
                             ? item.toObject().value(QStringLiteral("text")).toString().size()
                             : item.toString().size();
    }
    return (chars + 3) / 4 + (messages > 0 ? messages * 3 + 3 : 0);
}

bool RelayController::admit(const HttpRequest &request, HttpExchange *exchange,
                            const ClientProtocol &protocol, Caller *caller, bool allowQueryKey)
{
    if (m_config.disableServe) {
        replyError(exchange, protocol, 503,
                   QStringLiteral("the relay is disabled on this gateway (DISABLE_SERVE)"),
                   QStringLiteral("server_error"), QStringLiteral("service_disabled"));
        return false;
    }
    return authenticate(request, exchange, protocol, caller, allowQueryKey);
}

RelayContext RelayController::callerContext(const HttpRequest &request,
                                            const HttpExchange *exchange, const Caller &caller,
                                            RelayMode mode, qint64 requestAt)
{
    RelayContext context;
    context.requestId = exchange->requestId();
    context.requestAtMs = requestAt;
    context.mode = mode;
    context.endpoint = request.path;
    context.groupId = caller.group->id;
    context.tokenId = caller.token->id;
    context.tokenName = caller.token->name;
    context.clientIp = request.remoteAddress.toString();
    return context;
}

void RelayController::refuse(HttpExchange *exchange, const ClientProtocol &protocol,
                             const RelayContext &context, int status, const QString &message,
                             const QString &code, const QString &type)
{
    replyError(exchange, protocol, status, message, type, code);
    m_logs->enqueue(context.logRecord(status, message));
}

QList<const Channel *> RelayController::candidates(const Caller &caller, const QString &model,
                                                   RelayMode mode) const
{
    QList<const Channel *> result;
    if (!caller.token->models.isEmpty() &&
        !caller.token->models.contains(model, Qt::CaseInsensitive))
        return result;
    for (const Channel *candidate :
         caller.snapshot->channelsFor(model, caller.group->effectiveSets())) {
        const ProviderAdaptor *adaptor = ProviderRegistry::instance().forType(candidate->type);
        if (adaptor && adaptor->supports(mode))
            result.append(candidate);
    }
    return result;
}

bool RelayController::onlyDisabledChannelsServe(const Caller &caller, const QString &model) const
{
    if (!caller.token->models.isEmpty() &&
        !caller.token->models.contains(model, Qt::CaseInsensitive))
        return false;
    const QStringList sets = caller.group->effectiveSets();
    for (const Channel &channel : std::as_const(caller.snapshot->channels)) {
        if (channel.status == Channel::Enabled ||
            !channel.models.contains(model, Qt::CaseInsensitive))
            continue;
        for (const QString &set : channel.effectiveSets()) {
            if (sets.contains(set))
                return true;
        }
    }
    return false;
}

const Channel *RelayController::pickChannel(const QList<const Channel *> &candidates,
                                            const QString &model) const
{
    const qint64 now = m_state->nowMs();
    const ChannelHealth &health = m_state->health;
    return ChannelSelector::pick(
        candidates,
        [&health, &model, now](const Channel &channel) {
            return health.errorRate(channel.id, model, now);
        },
        [&health, &model, now](const Channel &channel) {
            return health.isBlocked(channel.id, model, now);
        },
        QRandomGenerator::global()->generate());
}

const Channel *RelayController::chooseChannel(const Caller &caller, const QString &model,
                                              RelayMode mode)
{
    return pickChannel(candidates(caller, model, mode), model);
}

void RelayController::handleParsePdf(HttpRequest &request, HttpExchange *exchange)
{
    const qint64 requestAt = QDateTime::currentMSecsSinceEpoch();
    const OpenAIProtocol protocol;
    Caller caller;
    if (!admit(request, exchange, protocol, &caller))
        return;
    RelayContext context = callerContext(request, exchange, caller, RelayMode::ParsePdf, requestAt);
    // The model may come as ?model= (it wins, as in aiproxy) or as a form field.
    QString requestedModel = request.queryValue(QStringLiteral("model"));
    context.model = requestedModel;
    const QByteArray boundary = MultipartForm::boundaryOf(request.header("content-type"));
    MultipartForm form;
    if (boundary.isEmpty() || !form.parse(request.body, boundary)) {
        refuse(exchange, protocol, context, 400,
               boundary.isEmpty()
                   ? QStringLiteral("the PDF must be sent as multipart/form-data (field 'file')")
                   : QStringLiteral("malformed multipart/form-data body"),
               QStringLiteral("invalid_multipart"));
        return;
    }
    if (requestedModel.isEmpty())
        requestedModel = QString::fromUtf8(form.field("model"));
    context.model = requestedModel;
    const auto file = std::find_if(form.parts().cbegin(), form.parts().cend(),
                                   [](const MultipartForm::Part &part) {
                                       return part.name == "file" && !part.filename.isEmpty();
                                   });
    if (file == form.parts().cend() || file->valueEnd == file->valueBegin) {
        refuse(exchange, protocol, context, 400,
               QStringLiteral("'file' is required: the PDF as a file field of the form"),
               QStringLiteral("missing_file"));
        return;
    }
    if (requestedModel.isEmpty()) {
        refuse(exchange, protocol, context, 400, QStringLiteral("'model' is required"),
               QStringLiteral("missing_model"));
        return;
    }
    context.model = caller.snapshot->canonicalModel(requestedModel);
    const Channel *channel = chooseChannel(caller, context.model, RelayMode::ParsePdf);
    if (!channel) {
        context.model = requestedModel;
        refuse(exchange, protocol, context, 404,
               QStringLiteral("The model '%1' does not exist or you do not have access to it")
                   .arg(requestedModel),
               QStringLiteral("model_not_found"));
        return;
    }
    context.channel = *channel;
    context.adaptor = ProviderRegistry::instance().forType(channel->type);
    context.protocol = std::make_shared<OpenAIProtocol>();
    QByteArray format = form.field("response_format");
    if (format.isEmpty())
        format = request.queryValue(QStringLiteral("response_format")).toUtf8();
    ParsePdfJob::Options options;
    options.listFormat = format == "list";
    options.pollIntervalMs = m_config.parsePdfPollIntervalMs;
    options.timeoutMs = m_config.parsePdfTimeoutSec * 1000;
    options.connectTimeoutMs = m_config.upstreamConnectTimeoutSec * 1000;
    auto *job =
        new ParsePdfJob(std::move(context), exchange,
                        request.body.sliced(file->valueBegin, file->valueEnd - file->valueBegin),
                        options, m_curl, m_logs, this);
    job->start();
}

/// A relay request across its attempts: what each attempt is built from (the client's bytes
/// are kept, so every attempt replays them exactly) and which channels failed. Shared by the
/// attempts' retry callbacks; lives on the worker thread.
struct RelayController::Attempts
{
    Caller caller;
    RelayContext base; ///< All but the channel and what depends on it.
    Inbound inbound;
    QByteArray upstreamPath;
    QString requestedModel;
    QByteArray requestBody;
    MultipartForm form;
    bool multipart = false;
    QByteArray contentType;          ///< Of a multipart upload (its boundary).
    QJsonObject clientBody;          ///< In the client's protocol.
    QJsonObject body;                ///< As OpenAI Chat Completions (stream_options added).
    bool rewrite = false;            ///< body differs from requestBody.
    QList<QByteArray> clientHeaders; ///< Forwardable client headers ("name: value").
    QList<const Channel *> candidates;
    QSet<qint64> failed;           ///< Retryable failures (may be reused when all failed).
    QSet<qint64> excluded;         ///< Refusals (401/402/403/404): never tried again.
    QHash<qint64, int> failures;   ///< Per channel.
    QHash<qint64, qint64> retryAt; ///< Per channel: its Retry-After, as a routing-clock time.
    int retriesLeft = 0;
};

void RelayController::handleRelay(HttpRequest &request, HttpExchange *exchange, RelayMode mode,
                                  const char *upstreamPath, const Inbound &inbound)
{
    const qint64 requestAt = QDateTime::currentMSecsSinceEpoch();
    const std::shared_ptr<ClientProtocol> earlyProtocol = inbound.makeProtocol
                                                              ? inbound.makeProtocol(QString(), 0)
                                                              : std::make_shared<OpenAIProtocol>();
    Caller caller;
    if (!admit(request, exchange, *earlyProtocol, &caller, inbound.allowQueryKey))
        return;
    const RelayContext admitted = callerContext(request, exchange, caller, mode, requestAt);
    const auto refuse = [&](int status, const QString &message, const QString &code,
                            const QString &model) {
        RelayContext refused = admitted;
        refused.model = model;
        this->refuse(exchange, *earlyProtocol, refused, status, message, code);
    };
    auto attempts = std::make_shared<Attempts>();
    // Multipart uploads (image edits, audio) are routed by their `model` field; their bytes are
    // forwarded as they are, with only that field rewritten when the channel maps the model.
    const QByteArray boundary = MultipartForm::boundaryOf(request.header("content-type"));
    QJsonObject body;
    if (!boundary.isEmpty()) {
        if (!attempts->form.parse(request.body, boundary)) {
            refuse(400, QStringLiteral("malformed multipart/form-data body"),
                   QStringLiteral("invalid_multipart"), QString());
            return;
        }
        attempts->multipart = true;
        attempts->contentType = request.header("content-type");
        body.insert(QStringLiteral("model"), QString::fromUtf8(attempts->form.field("model")));
    } else {
        QJsonParseError parseError{};
        const QJsonDocument document = QJsonDocument::fromJson(request.body, &parseError);
        if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
            refuse(400,
                   QStringLiteral("request body is not a JSON object: %1")
                       .arg(parseError.errorString()),
                   QStringLiteral("invalid_json"), QString());
            return;
        }
        body = document.object();
    }
    attempts->clientBody = body;
    const QString clientModel = inbound.modelFromPath.isEmpty()
                                    ? body.value(QStringLiteral("model")).toString()
                                    : inbound.modelFromPath;
    if (inbound.toOpenAI) {
        QString conversionError;
        body = inbound.toOpenAI(body, &conversionError);
        if (body.isEmpty()) {
            refuse(400, conversionError, QStringLiteral("invalid_request"), clientModel);
            return;
        }
    }
    QString requestedModel = body.value(QStringLiteral("model")).toString();
    if (requestedModel.isEmpty())
        requestedModel = request.param(QStringLiteral("model"));
    if (requestedModel.isEmpty()) {
        refuse(400, QStringLiteral("'model' is required"), QStringLiteral("missing_model"),
               QString());
        return;
    }
    const QString model = caller.snapshot->canonicalModel(requestedModel);
    // Aiproxy-Channel pins one channel (internal groups only, as aiproxy: for tests and
    // debugging; it may name a disabled channel, and retries stay on it).
    const QByteArray pin = request.header("aiproxy-channel");
    if (!pin.isEmpty() && caller.group->status == Group::Internal) {
        const auto pinned = caller.snapshot->channels.constFind(pin.trimmed().toLongLong());
        if (pinned == caller.snapshot->channels.constEnd() ||
            !ProviderRegistry::instance().forType(pinned->type)) {
            refuse(404,
                   QStringLiteral("the channel named by Aiproxy-Channel (%1) does not exist")
                       .arg(QString::fromLatin1(pin)),
                   QStringLiteral("channel_not_found"), requestedModel);
            return;
        }
        attempts->candidates = {&*pinned};
    } else {
        attempts->candidates = candidates(caller, model, mode);
    }
    if (attempts->candidates.isEmpty()) {
        if (onlyDisabledChannelsServe(caller, model)) {
            // The model exists for this caller; its channels are all switched off for now.
            RelayContext refused = admitted;
            refused.model = requestedModel;
            this->refuse(exchange, *earlyProtocol, refused, 503,
                         QStringLiteral("the upstream load is saturated: no enabled channel "
                                        "serves the model '%1' right now, please retry later")
                             .arg(requestedModel),
                         QStringLiteral("no_available_channel"), QStringLiteral("server_error"));
            return;
        }
        refuse(404,
               QStringLiteral("The model '%1' does not exist or you do not have access to it")
                   .arg(requestedModel),
               QStringLiteral("model_not_found"), requestedModel);
        return;
    }

    RelayContext &context = attempts->base;
    context = admitted;
    context.model = model;
    context.user = body.value(QStringLiteral("user")).toString();
    if (body.value(QStringLiteral("metadata")).isObject())
        context.metadata = body.value(QStringLiteral("metadata")).toObject();
    const bool streamable = mode == RelayMode::ChatCompletions || mode == RelayMode::Completions ||
                            mode == RelayMode::Anthropic || mode == RelayMode::Gemini ||
                            mode == RelayMode::Responses;
    context.stream =
        streamable && !attempts->multipart && body.value(QStringLiteral("stream")).toBool();
    context.estimatedPromptTokens = estimatePromptTokens(body);
    context.embeddingsBase64 =
        mode == RelayMode::Embeddings &&
        body.value(QStringLiteral("encoding_format")).toString() == QLatin1String("base64");
    context.state = m_state;
    static const ModelConfig kNoConfig;
    const auto configIt = caller.snapshot->modelConfigs.constFind(model);
    const ModelConfig &modelConfig =
        configIt == caller.snapshot->modelConfigs.constEnd() ? kNoConfig : *configIt;
    context.thinkSplit = modelConfig.extra.value(QStringLiteral("plugin"))
                             .toObject()
                             .value(QStringLiteral("think-split"))
                             .toObject()
                             .value(QStringLiteral("enable"))
                             .toBool();
    // Rewrite the body only when something must change; otherwise the client's bytes go as sent.
    attempts->rewrite = bool(inbound.toOpenAI);
    if (context.stream) {
        QJsonObject streamOptions = body.value(QStringLiteral("stream_options")).toObject();
        context.clientWantsUsage = streamOptions.value(QStringLiteral("include_usage")).toBool();
        if (!context.clientWantsUsage) {
            streamOptions.insert(QStringLiteral("include_usage"), true);
            body.insert(QStringLiteral("stream_options"), streamOptions);
            attempts->rewrite = true;
        }
    }
    const RelayTimeouts timeouts = RelayTimeouts::forRequest(
        mode, context.stream, context.estimatedPromptTokens,
        modelConfig.extra.value(QStringLiteral("timeout_config")).toObject(),
        qint64(m_config.streamIdleTimeoutSec) * 1000);
    context.firstByteTimeoutMs = timeouts.firstByteMs;
    context.idleTimeoutMs = timeouts.idleMs;
    const int modelRetries = modelConfig.retryTimes;
    attempts->retriesLeft = modelRetries > 0 ? modelRetries : m_config.retryTimes;
    attempts->caller = caller;
    attempts->inbound = inbound;
    attempts->upstreamPath = upstreamPath;
    attempts->requestedModel = requestedModel;
    attempts->requestBody = request.body;
    attempts->body = body;
    for (const QByteArray &name : inbound.forwardedHeaders) {
        const QByteArray value = request.header(name);
        if (!value.isEmpty())
            attempts->clientHeaders.append(name + ": " + value);
    }
    const Channel *channel = pickChannel(attempts->candidates, model);
    dispatch(attempts, channel, exchange);
}

void RelayController::dispatch(const std::shared_ptr<Attempts> &attempts, const Channel *channel,
                               HttpExchange *exchange)
{
    const Inbound &inbound = attempts->inbound;
    RelayContext context = attempts->base;
    context.channel = *channel;
    context.protocol =
        inbound.makeProtocol
            ? inbound.makeProtocol(attempts->requestedModel, context.estimatedPromptTokens)
            : std::make_shared<OpenAIProtocol>(context.clientWantsUsage);
    const QString &requestedModel = attempts->requestedModel;
    QJsonObject body = attempts->body;
    bool rewrite = attempts->rewrite;
    const QString upstreamModel = channel->mappedModel(context.model);
    if (upstreamModel != requestedModel) {
        body.insert(QStringLiteral("model"), upstreamModel);
        rewrite = true;
    }
    const ProviderAdaptor *adaptor =
        ProviderRegistry::instance().forType(channel->type)->forModel(upstreamModel);
    context.adaptor = adaptor;
    context.rawForward = adaptor->speaks(inbound.nativeProtocol, channel->type);
    if (context.rawForward) {
        context.passthroughDecoder = inbound.passthroughDecoder;
        context.passthroughAnswer = inbound.passthroughAnswer;
    }
    context.thinkSplit = context.thinkSplit && adaptor->nativeProtocol() == "openai";
    if (context.thinkSplit)
        context.rawForward = false; // The answer is rewritten.
    QByteArray nativeBody;
    if (context.rawForward && inbound.toOpenAI) {
        // Same non-OpenAI protocol on both sides: the client's own body, model mapped.
        nativeBody = adaptor->passthroughBody(attempts->clientBody, upstreamModel);
    } else if (attempts->multipart) {
        nativeBody = upstreamModel != requestedModel
                         ? attempts->form.withField("model", upstreamModel.toUtf8())
                         : attempts->requestBody;
    } else if (adaptor->nativeProtocol() == "openai") {
        nativeBody =
            rewrite ? QJsonDocument(body).toJson(QJsonDocument::Compact) : attempts->requestBody;
    } else {
        QString conversionError;
        const QJsonObject converted = adaptor->fromOpenAIRequest(body, &conversionError);
        if (converted.isEmpty()) {
            refuse(exchange, *context.protocol, context, 400, conversionError,
                   QStringLiteral("invalid_request"));
            return;
        }
        nativeBody = QJsonDocument(converted).toJson(QJsonDocument::Compact);
    }
    Outbound outbound;
    outbound.path = context.rawForward && !inbound.nativePath.isEmpty() ? inbound.nativePath
                                                                        : attempts->upstreamPath;
    outbound.model = upstreamModel;
    outbound.body = nativeBody;
    if (attempts->multipart)
        outbound.contentType = attempts->contentType;
    if (context.rawForward)
        outbound.headers = attempts->clientHeaders;
    context.attemptAtMs = QDateTime::currentMSecsSinceEpoch();
    QPointer<HttpExchange> client(exchange);
    const qint64 channelId = channel->id;
    context.retry = [this, attempts, client, channelId](int status, qint64 retryAfterMs) {
        return retry(attempts, client, channelId, status, retryAfterMs);
    };
    startUpstream(std::move(context), exchange, std::move(outbound), false);
}

bool RelayController::retry(const std::shared_ptr<Attempts> &attempts,
                            const QPointer<HttpExchange> &client, qint64 channelId, int status,
                            qint64 retryAfterMs)
{
    const RetryPolicy::Verdict verdict = RetryPolicy::classify(status);
    if (verdict == RetryPolicy::Verdict::Final || !client || client->isClientGone())
        return false;
    const QString &model = attempts->base.model;
    const qint64 now = m_state->nowMs();
    if (retryAfterMs > 0) {
        // Other requests leave the channel alone for that long, a ban's length at most.
        m_state->health.coolDown(channelId, model,
                                 now + qMin(retryAfterMs, m_state->health.settings().banMs));
        attempts->retryAt.insert(channelId, now + retryAfterMs);
    }
    if (verdict == RetryPolicy::Verdict::Exclude) {
        attempts->excluded.insert(channelId);
    } else {
        attempts->failed.insert(channelId);
        ++attempts->failures[channelId];
    }
    // 1. An untried channel that is neither banned nor cooling down, at once.
    QList<const Channel *> untried;
    QList<const Channel *> untriedBlocked;
    for (const Channel *candidate : std::as_const(attempts->candidates)) {
        if (attempts->failed.contains(candidate->id) || attempts->excluded.contains(candidate->id))
            continue;
        (m_state->health.isBlocked(candidate->id, model, now) ? untriedBlocked : untried)
            .append(candidate);
    }
    // A refusal moves on without using up a retry; a failure uses one.
    bool usesRetry = verdict == RetryPolicy::Verdict::Retry;
    const Channel *next = pickChannel(untried, model);
    qint64 delayMs = 0;
    if (!next) {
        // 2. Every usable channel failed: the one that did not refuse, is not banned, is healthy
        // enough (at most 0.85) and can be retried soonest (its Retry-After or a backoff).
        for (const Channel *candidate : std::as_const(attempts->candidates)) {
            if (!attempts->failed.contains(candidate->id) ||
                attempts->excluded.contains(candidate->id) ||
                m_state->health.isBanned(candidate->id, model, now) ||
                m_state->health.errorRate(candidate->id, model, now) >
                    ChannelSelector::kHealthyRate)
                continue;
            const qint64 retryAt = attempts->retryAt.value(candidate->id, -1);
            const qint64 delay =
                RetryPolicy::sameChannelBackoffMs(attempts->failures.value(candidate->id, 1),
                                                  retryAt < 0 ? -1 : qMax<qint64>(0, retryAt - now),
                                                  QRandomGenerator::global()->generate());
            // A longer pause than a client should wait is not an option.
            if (delay <= RetryPolicy::kMaxRetryAfterMs && (!next || delay < delayMs)) {
                next = candidate;
                delayMs = delay;
            }
        }
        usesRetry = usesRetry || next;
    }
    if (!next) {
        // 3. Last resort: a banned or cooling channel not tried yet.
        next = pickChannel(untriedBlocked, model);
        delayMs = 0;
    }
    if (!next)
        return false;
    if (usesRetry && attempts->retriesLeft <= 0)
        return false;
    if (usesRetry)
        --attempts->retriesLeft;
    ++attempts->base.retryTimes;
    QTimer::singleShot(delayMs, this, [this, attempts, client, next] {
        if (client && !client->isClientGone()) {
            dispatch(attempts, next, client);
            return;
        }
        RelayContext gone = attempts->base;
        gone.channel = *next;
        m_logs->enqueue(gone.logRecord(
            499, QStringLiteral("connection closed while the relay waited to retry")));
        if (client)
            client->abandon();
    });
    return true;
}

void RelayController::startUpstream(RelayContext context, HttpExchange *exchange, Outbound outbound,
                                    bool credentialFetched)
{
    const ProviderAdaptor *adaptor = context.adaptor;
    const Channel &channel = context.channel;
    if (!credentialFetched) {
        QString credentialError;
        std::optional<UpstreamRequest> credential =
            adaptor->credentialRequest(channel, &credentialError);
        if (!credentialError.isEmpty()) {
            // A malformed key: no retry on this channel will fix it (401: exclude it).
            failBeforeUpstream(
                context, exchange, 502,
                QStringLiteral("the channel's credentials are unusable: %1").arg(credentialError),
                401);
            return;
        }
        if (credential) {
            // Requests needing the same credential wait for one fetch (a burst of first
            // requests would otherwise each fetch a token).
            const QByteArray key = QByteArray::number(channel.id) + ' ' + credential->url;
            QPointer<HttpExchange> client(exchange);
            QList<CredentialWaiter> &waiters = m_credentialWaiters[key];
            waiters.append(
                [this, client, context, outbound](int status, const QString &problem) mutable {
                    if (!client || client->isClientGone()) {
                        // The client left while the credential was fetched.
                        m_logs->enqueue(context.logRecord(
                            499, QStringLiteral("connection closed before the request was sent")));
                        if (client)
                            client->abandon();
                        return;
                    }
                    if (!problem.isEmpty()) {
                        // Refused credentials exclude the channel; an unreachable endpoint is a
                        // failure like any other.
                        failBeforeUpstream(
                            context, client, 502,
                            QStringLiteral("could not obtain the channel's credentials: %1")
                                .arg(problem),
                            status >= 400 && status < 500 && status != 408 && status != 429 ? 401
                                                                                            : 502);
                        return;
                    }
                    startUpstream(std::move(context), client, std::move(outbound), true);
                });
            if (waiters.size() > 1)
                return;
            fetchCredential(m_curl, adaptor, channel, std::move(*credential),
                            m_config.upstreamConnectTimeoutSec * 1000, kCredentialTimeoutMs,
                            [this, key](int status, const QString &problem) {
                                const QList<CredentialWaiter> waiting =
                                    m_credentialWaiters.take(key);
                                for (const CredentialWaiter &resume : waiting)
                                    resume(status, problem);
                            });
            return;
        }
    }
    UpstreamRequest upstream = adaptor->buildRequest(channel, outbound.path, outbound.model,
                                                     outbound.body, context.stream);
    upstream.headers.append(outbound.headers);
    if (upstream.url.isEmpty()) {
        failBeforeUpstream(context, exchange, 502,
                           QStringLiteral("channel %1 has no upstream address").arg(channel.id));
        return;
    }
    if (!outbound.contentType.isEmpty()) {
        for (QByteArray &header : upstream.headers) {
            if (header.toLower().startsWith("content-type:"))
                header = "Content-Type: " + outbound.contentType;
        }
    }
    upstream.useChannelTransport(channel, m_config.upstreamConnectTimeoutSec * 1000);

    UpstreamCall *call = m_curl->start(std::move(upstream));
    if (!call) {
        failBeforeUpstream(context, exchange, 502,
                           QStringLiteral("could not start the upstream request"));
        return;
    }
    new RelaySession(std::move(context), exchange, call, m_logs, this);
    m_curl->dispatchNow();
}

void RelayController::failBeforeUpstream(const RelayContext &context, HttpExchange *exchange,
                                         int status, const QString &message, int channelStatus)
{
    if (channelStatus == 0)
        channelStatus = status;
    // The channel could not be used at all: a failure of the channel like any other.
    if (context.channel.id != 0)
        m_state->health.record(context.channel, context.model, channelStatus, m_state->nowMs());
    if (context.retry && context.retry(channelStatus, -1)) {
        LogRecord record = context.logRecord(status, message);
        record.retryAttempt = true;
        record.latencyMs = record.createdAt - context.attemptAtMs;
        m_logs->enqueue(std::move(record));
        return;
    }
    refuse(exchange, *context.protocol, context, status, message,
           QStringLiteral("upstream_unreachable"), QStringLiteral("upstream_error"));
}
