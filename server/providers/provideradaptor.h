#pragma once

#include "model/channel.h"
#include "relay/relaycontext.h"
#include "relay/sseparser.h"
#include "relay/streamframer.h"
#include "upstream/upstreamcall.h"

#include <QJsonObject>
#include <QList>

#include <memory>
#include <optional>

/// Turns one upstream stream's events into OpenAI `chat.completion.chunk` objects.
/// One instance per request; constant memory (no accumulated text).
class StreamDecoder
{
public:
    virtual ~StreamDecoder() = default;
    virtual QList<QJsonObject> onEvent(const SseParser::Event &event) = 0;
    /// Chunks still owed when the upstream stream ended.
    virtual QList<QJsonObject> finish() = 0;
};

/// How the relay talks to one kind of upstream (a channel type).
///
/// The relay's common language is OpenAI's (Chat Completions and the other OpenAI endpoints).
/// An adaptor turns that into the provider's native request and the provider's answers back;
/// when client and upstream speak the same native protocol the relay forwards bytes unchanged
/// and only uses the adaptor for accounting. Adaptors are stateless and shared by all threads;
/// per-request state lives in the StreamDecoder.
class ProviderAdaptor
{
public:
    virtual ~ProviderAdaptor() = default;

    /// The wire protocol the upstream speaks: "openai" or "anthropic".
    virtual QByteArray nativeProtocol() const = 0;
    /// True when channels of \a channelType accept \a protocol's requests as they are (their
    /// native protocol, and for some OpenAI-format providers also "responses").
    virtual bool speaks(QByteArrayView protocol, int channelType) const
    {
        Q_UNUSED(channelType)
        return protocol == nativeProtocol();
    }
    virtual bool supports(RelayMode mode) const = 0;
    /// The adaptor that serves \a model (the upstream's name) on channels of this type; for
    /// providers whose protocol depends on the model (Vertex AI publishers). Default: this one.
    virtual const ProviderAdaptor *forModel(const QString &model) const
    {
        Q_UNUSED(model)
        return this;
    }
    /// Base URL for channels of \a channelType that set none.
    virtual QString defaultBaseUrl(int channelType) const = 0;
    /// The HTTP request carrying \a nativeBody for \a model (the upstream's name, mapped);
    /// \a openaiPath is the OpenAI endpoint the relay serves ("/chat/completions", …) or the
    /// native path of a forwarded request ("/responses"). \a model is empty for calls on
    /// stored objects. A request without URL means the channel cannot be addressed; the relay
    /// then answers 502 without calling anything (unusable keys are reported earlier, by
    /// credentialRequest()).
    virtual UpstreamRequest buildRequest(const Channel &channel, const QByteArray &openaiPath,
                                         const QString &model, const QByteArray &nativeBody,
                                         bool stream) const = 0;
    /// Body of a request forwarded unchanged to an upstream of the client's own protocol:
    /// by default the client's body with \a model set.
    virtual QByteArray passthroughBody(QJsonObject clientBody, const QString &model) const;
    /// Framing of the upstream's streamed answers (default: SSE).
    virtual std::unique_ptr<StreamFramer> newStreamFramer() const
    {
        return std::make_unique<SseFramer>();
    }

    /// Credentials fetched before requests (OAuth access tokens, IAM bearers). When this
    /// returns a request, the relay performs it, hands the answer to acceptCredential() and
    /// only then calls buildRequest(). Adaptors cache what they accept (thread-safe) and return
    /// nothing while it is fresh. Sets \a error (and returns nothing) when the channel's
    /// credentials are unusable. Default: none needed.
    virtual std::optional<UpstreamRequest> credentialRequest(const Channel &channel,
                                                             QString *error) const
    {
        Q_UNUSED(channel)
        Q_UNUSED(error)
        return std::nullopt;
    }
    /// Stores the credential in \a body (the answer to credentialRequest(), HTTP \a status);
    /// returns an error message when it is unusable, empty on success.
    virtual QString acceptCredential(const Channel &channel, int status,
                                     const QByteArray &body) const
    {
        Q_UNUSED(channel)
        Q_UNUSED(status)
        Q_UNUSED(body)
        return {};
    }
    /// The provider's account balance query for \a channel; nullopt when the provider has no
    /// balance API (the default).
    virtual std::optional<UpstreamRequest> balanceRequest(const Channel &channel) const
    {
        Q_UNUSED(channel)
        return std::nullopt;
    }
    /// The balance in \a body, the 2xx answer to balanceRequest(); nullopt and \a error when
    /// it is not there.
    virtual std::optional<double> parseBalance(const Channel &channel, const QByteArray &body,
                                               QString *error) const
    {
        Q_UNUSED(channel)
        Q_UNUSED(body)
        *error = QStringLiteral("the provider has no balance API");
        return std::nullopt;
    }

    /// OpenAI request body (model already mapped) → native body; empty object + \a error when
    /// it cannot be expressed.
    virtual QJsonObject fromOpenAIRequest(const QJsonObject &openaiBody, QString *error) const = 0;
    /// Native non-streamed answer → OpenAI answer.
    virtual QJsonObject toOpenAIResponse(const QJsonObject &nativeBody,
                                         const QString &clientModel) const = 0;
    /// Nullptr when the upstream already streams OpenAI chunks.
    virtual std::unique_ptr<StreamDecoder> newStreamDecoder(const QString &clientModel) const = 0;
    /// The human-readable message of a native error body (empty when there is none).
    virtual QString errorMessage(const QByteArray &body) const = 0;

    /// Base URL of \a channel (its own, else the type's default) without a trailing slash.
    QByteArray baseUrl(const Channel &channel) const;
};
