#pragma once

#include "relaycontext.h"

#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QPointer>

#include <functional>
#include <memory>

class ClientProtocol;
class CurlMulti;
class StreamDecoder;
class StoredObjects;
struct RelayState;
class HttpExchange;
class LogWriter;
class Router;
class SnapshotStore;
struct GatewayConfig;
struct HttpRequest;
struct ConfigSnapshot;
struct Token;
struct Group;

/// The OpenAI-compatible relay endpoints of one worker thread: authenticates the token from
/// the in-memory snapshot, checks the model, picks a channel and starts a RelaySession.
class RelayController : public QObject
{
    Q_OBJECT
public:
    /// How a non-OpenAI client protocol enters the relay: its error/answer format and the
    /// conversion of its request body into an OpenAI Chat Completions body.
    struct Inbound
    {
        /// Builds the per-request protocol; \a model is the client's model name (empty for
        /// errors found before the body was read), \a promptTokens the prompt estimate.
        std::function<std::shared_ptr<ClientProtocol>(const QString &model, qint64 promptTokens)>
            makeProtocol;
        /// Converts the client's request body; on failure returns an empty object and sets error.
        std::function<QJsonObject(const QJsonObject &body, QString *error)> toOpenAI;
        /// The client's wire protocol; an upstream speaking the same one gets the client's body
        /// (model mapped) and answers the client byte for byte.
        QByteArray nativeProtocol = "openai";
        /// The upstream path when the channel speaks the client's protocol (e.g. "/responses").
        QByteArray nativePath;
        /// The client may send its key as ?key= (Gemini).
        bool allowQueryKey = false;
        /// The model named by the URL (Gemini) instead of the body.
        QString modelFromPath;
        /// Accounting of answers forwarded unchanged (see RelayContext).
        std::function<std::unique_ptr<StreamDecoder>()> passthroughDecoder;
        std::function<QJsonObject(const QJsonObject &answer, const QString &model)>
            passthroughAnswer;
        /// Client headers forwarded when the upstream speaks the client's protocol
        /// (lower-case names, e.g. "anthropic-beta").
        QList<QByteArray> forwardedHeaders;
    };

    RelayController(const GatewayConfig &config, SnapshotStore *snapshots, LogWriter *logs,
                    CurlMulti *curl, RelayState *state, QObject *parent = nullptr);

    void registerRoutes(Router &router);

    /// Rough prompt size in tokens (messages, prompt, input, a rerank query and its documents): 4
    /// characters a token, plus 3 per message.
    static qint64 estimatePromptTokens(const QJsonObject &body);

private:
    struct Caller
    {
        std::shared_ptr<const ConfigSnapshot> snapshot;
        const Token *token = nullptr;
        const Group *group = nullptr;
        /// The admin key's pseudo token and group (token and group point into them).
        std::shared_ptr<const Token> adminToken;
        std::shared_ptr<const Group> adminGroup;
    };
    /// The caller presenting ADMIN_KEY, as aiproxy: an internal group that sees every set.
    static void makeAdminCaller(Caller *caller);
    /// Authenticates the request; on failure answers it and returns false.
    /// \a allowQueryKey: Gemini clients may send the key as ?key=.
    bool authenticate(const HttpRequest &request, HttpExchange *exchange,
                      const ClientProtocol &protocol, Caller *caller, bool allowQueryKey = false);
    void handleModels(HttpRequest &request, HttpExchange *exchange);
    void handleModel(HttpRequest &request, HttpExchange *exchange);
    void handleAnthropicCountTokens(HttpRequest &request, HttpExchange *exchange);
    /// POST /v1beta/models/{model}:{generateContent|streamGenerateContent|countTokens}.
    void handleGemini(HttpRequest &request, HttpExchange *exchange);
    /// POST /v1/responses: passed through to channels that serve it, converted otherwise.
    void handleResponses(HttpRequest &request, HttpExchange *exchange);
    /// GET / DELETE /v1/responses/{id}, GET …/input_items, POST …/cancel (\a operation): sent
    /// to the channel that created the response.
    void handleStoredResponse(HttpRequest &request, HttpExchange *exchange,
                              const QByteArray &operation);
    /// POST /v1/parse/pdf: a multipart `file` parsed by a Doc2x channel (see ParsePdfJob).
    void handleParsePdf(HttpRequest &request, HttpExchange *exchange);
    static Inbound anthropicInbound();
    /// Answers 503 when the relay is disabled, then authenticates; false when it answered.
    bool admit(const HttpRequest &request, HttpExchange *exchange, const ClientProtocol &protocol,
               Caller *caller, bool allowQueryKey = false);
    /// What is known of a request once its caller is authenticated (no model or channel yet).
    static RelayContext callerContext(const HttpRequest &request, const HttpExchange *exchange,
                                      const Caller &caller, RelayMode mode, qint64 requestAt);
    /// Answers a request refused after authentication (error \a type, \a code) and logs it for
    /// the caller's group (unauthenticated ones are not logged: anyone could fill the log).
    void refuse(HttpExchange *exchange, const ClientProtocol &protocol, const RelayContext &context,
                int status, const QString &message, const QString &code,
                const QString &type = QStringLiteral("invalid_request_error"));
    /// The channels that may serve \a model (canonical) in \a mode to the caller: none when the
    /// token may not use the model.
    QList<const Channel *> candidates(const Caller &caller, const QString &model,
                                      RelayMode mode) const;
    /// No enabled channel serves \a model to the caller, but a disabled one of its sets does
    /// (503 "saturated" rather than 404: the model exists, its channels are off for now).
    bool onlyDisabledChannelsServe(const Caller &caller, const QString &model) const;
    /// The pick among \a candidates by priority, error rate and bans (see ChannelSelector).
    const Channel *pickChannel(const QList<const Channel *> &candidates,
                               const QString &model) const;
    /// pickChannel() over candidates(); nullptr when there is none.
    const Channel *chooseChannel(const Caller &caller, const QString &model, RelayMode mode);
    struct Attempts;
    /// Builds and starts one attempt of a relay request on \a channel.
    void dispatch(const std::shared_ptr<Attempts> &attempts, const Channel *channel,
                  HttpExchange *exchange);
    /// Decides whether a failed attempt (see RelayContext::retry) is tried again and schedules
    /// the next attempt (on another channel when one is left, else after a backoff).
    bool retry(const std::shared_ptr<Attempts> &attempts, const QPointer<HttpExchange> &client,
               qint64 channelId, int status, qint64 retryAfterMs);
    void handleRelay(HttpRequest &request, HttpExchange *exchange, RelayMode mode,
                     const char *upstreamPath, const Inbound &inbound);
    void handleOpenAIRelay(HttpRequest &request, HttpExchange *exchange, RelayMode mode,
                           const char *upstreamPath);
    /// What goes upstream once the channel is chosen.
    struct Outbound
    {
        QByteArray path;
        QString model; ///< The upstream's model name.
        QByteArray body;
        QByteArray contentType;    ///< Replaces the adaptor's Content-Type (multipart uploads).
        QList<QByteArray> headers; ///< Client headers forwarded ("Name: value").
    };
    /// Starts the upstream call and its RelaySession; first fetches the channel's credential
    /// when its adaptor needs one (see ProviderAdaptor::credentialRequest).
    void startUpstream(RelayContext context, HttpExchange *exchange, Outbound outbound,
                       bool credentialFetched);
    /// Retries, or answers in the client's protocol and logs, a request that failed before any
    /// upstream answer with \a status for the client; \a channelStatus (default: \a status) is
    /// what the failure says about the channel (see RetryPolicy::classify).
    void failBeforeUpstream(const RelayContext &context, HttpExchange *exchange, int status,
                            const QString &message, int channelStatus = 0);
    void replyError(HttpExchange *exchange, const ClientProtocol &protocol, int status,
                    const QString &message, const QString &type, const QString &code);

    /// Continues a request once its channel's credential is fetched (\a problem empty) or not
    /// (\a status: the credential endpoint's HTTP status, 0 when unreachable).
    using CredentialWaiter = std::function<void(int status, const QString &problem)>;
    /// Requests waiting for an in-flight credential fetch, by channel id and credential URL.
    QHash<QByteArray, QList<CredentialWaiter>> m_credentialWaiters;

    const GatewayConfig &m_config;
    SnapshotStore *m_snapshots;
    LogWriter *m_logs;
    CurlMulti *m_curl;
    StoredObjects *m_objects; ///< &m_state->objects.
    RelayState *m_state;
};
