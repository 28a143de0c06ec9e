#include "adaptorfixture.h"

#include "clientcalls.h"
#include "gateway/gatewaycore.h"
#include "logrows.h"
#include "storage/database.h"

#include <QVariant>

AdaptorFixture::AdaptorFixture(const QString &tokenKey)
    : m_tokenKey(tokenKey)
{
}

bool AdaptorFixture::start(QString *error, const TestGateway::Options &options)
{
    if (!m_mock.start()) {
        *error = QStringLiteral("the mock upstream could not listen");
        return false;
    }
    return m_gateway.start(options, error);
}

bool AdaptorFixture::seed(const QString &group, const QList<RelaySeed::ChannelRow> &channels,
                          QString *error, const QString &owner)
{
    QSqlDatabase db = m_gateway.core()->mainDatabase()->connection();
    return RelaySeed::insertGroup(db, group, error) &&
           RelaySeed::insertToken(db, {1, m_tokenKey, QStringLiteral("t"), group, {}, 1}, error) &&
           addChannels(channels, owner, error);
}

bool AdaptorFixture::addChannels(const QList<RelaySeed::ChannelRow> &channels, const QString &owner,
                                 QString *error)
{
    QSqlDatabase db = m_gateway.core()->mainDatabase()->connection();
    bool ok = true;
    QStringList models;
    for (const RelaySeed::ChannelRow &channel : channels) {
        ok = ok && RelaySeed::insertChannel(db, channel, error);
        models += channel.models;
    }
    models.removeDuplicates();
    for (const QString &model : std::as_const(models))
        ok = ok && RelaySeed::insertModelConfig(db, model, owner, error);
    if (ok)
        m_gateway.core()->reloadSnapshot();
    return ok;
}

QString AdaptorFixture::mockBase() const
{
    return QStringLiteral("http://127.0.0.1:%1").arg(m_mock.port());
}

TestHttpResponse AdaptorFixture::admin(const QByteArray &method, const QString &pathAndQuery,
                                       const QJsonObject &body) const
{
    TestHttpClient http(30000);
    http.setDefaultHeader("Authorization", "Bearer " + TestGateway::adminKey.toUtf8());
    if (method == "GET" || method == "DELETE")
        return http.request(method, url(pathAndQuery));
    return http.sendJson(method, url(pathAndQuery), body);
}

RawHttpClient::Response AdaptorFixture::post(const QByteArray &path, const QJsonObject &body,
                                             bool anthropic) const
{
    return RawHttpClient::postJson(port(), path, body, ClientCalls::auth(m_tokenKey, anthropic));
}

QSqlRecord AdaptorFixture::logRow(const RawHttpClient::Response &response) const
{
    return logRow(response.header("x-request-id"));
}

QSqlRecord AdaptorFixture::logRow(const QByteArray &requestId) const
{
    return LogRows::waitFor(m_gateway.core(), requestId);
}

QString AdaptorFixture::loggedUsageMismatch(const RawHttpClient::Response &response, int mode,
                                            int channelId, int inputTokens, int outputTokens,
                                            const QString &usageSource) const
{
    const QSqlRecord row = logRow(response);
    if (row.isEmpty())
        return QStringLiteral("no log row");
    const QList<std::pair<const char *, QVariant>> expected = {
        {"code", 200},
        {"mode", mode},
        {"channel_id", channelId},
        {"usage_source", usageSource},
        {"input_tokens", inputTokens},
        {"output_tokens", outputTokens},
        {"total_tokens", inputTokens + outputTokens},
    };
    QStringList mismatches;
    for (const auto &[column, value] : expected) {
        const QVariant actual = row.value(QLatin1String(column));
        if (actual.toString() != value.toString())
            mismatches << QStringLiteral("%1 is %2, not %3")
                              .arg(QLatin1String(column), actual.toString(), value.toString());
    }
    return mismatches.join(QStringLiteral("; "));
}
