#pragma once

#include "mockupstream.h"
#include "rawhttpclient.h"
#include "relayseed.h"
#include "testgateway.h"
#include "testhttpclient.h"

#include <QSqlRecord>
#include <QStringList>

/// A gateway and the mock upstream for one channel adaptor's end-to-end test: one group, one
/// token, the adaptor's channels and a model config for every model they serve.
class AdaptorFixture
{
public:
    explicit AdaptorFixture(const QString &tokenKey);

    /// Starts the mock and the gateway (with \a options: PostgreSQL, configuration changes).
    bool start(QString *error, const TestGateway::Options &options = {});
    /// Writes group \a group, the token, \a channels and their models' configs (owned by
    /// \a owner), then reloads the gateway's snapshot.
    bool seed(const QString &group, const QList<RelaySeed::ChannelRow> &channels, QString *error,
              const QString &owner = QStringLiteral("test"));
    /// Writes more \a channels and their models' configs (owned by \a owner), then reloads.
    bool addChannels(const QList<RelaySeed::ChannelRow> &channels, const QString &owner,
                     QString *error);
    void stop() { m_gateway.stop(); }

    GatewayCore *core() const { return m_gateway.core(); }

    MockUpstream &mock() { return m_mock; }
    quint16 port() const { return m_gateway.port(); }
    /// The mock's address without a path ("http://127.0.0.1:<port>"): native APIs' base URL.
    QString mockBase() const;

    /// http://127.0.0.1:<gateway port><pathAndQuery>
    QUrl url(const QString &pathAndQuery) const { return m_gateway.url(pathAndQuery); }
    /// An admin API call with the admin key: GET and DELETE without a body, other methods with
    /// \a body as JSON.
    TestHttpResponse admin(const QByteArray &method, const QString &pathAndQuery,
                           const QJsonObject &body = {}) const;

    /// POST of \a body as JSON with the token (as an Anthropic client: in x-api-key).
    RawHttpClient::Response post(const QByteArray &path, const QJsonObject &body,
                                 bool anthropic = false) const;
    /// The log row of \a response's request (waits for it).
    QSqlRecord logRow(const RawHttpClient::Response &response) const;
    /// The log row of request \a requestId (waits for it).
    QSqlRecord logRow(const QByteArray &requestId) const;
    /// What differs between \a response's log row and a successful request of \a mode on
    /// \a channelId with that usage (total = input + output); empty when nothing does.
    QString loggedUsageMismatch(const RawHttpClient::Response &response, int mode, int channelId,
                                int inputTokens, int outputTokens,
                                const QString &usageSource = QStringLiteral("upstream")) const;

private:
    QString m_tokenKey;
    MockUpstream m_mock;
    TestGateway m_gateway;
};
