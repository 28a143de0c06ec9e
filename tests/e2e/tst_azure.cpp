// Azure OpenAI channels (types 3 and 4): deployment URLs with api-version, the key in the
// api-key header, OpenAI bodies and streams passed through.

#include "clientcalls.h"
#include "gateway/gatewaycore.h"
#include "logrows.h"
#include "mockupstream.h"
#include "rawhttpclient.h"
#include "relayseed.h"
#include "storage/database.h"
#include "testgateway.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QtTest>

namespace {

const QString kGroup = QStringLiteral("azure-group");
const QString kKey = QStringLiteral("azurekey0123456789azurekey0123456789azurekey0123");

} // namespace

class TstAzure : public QObject
{
    Q_OBJECT

private:
    MockUpstream m_mock;
    TestGateway m_gateway;

    RawHttpClient::Response post(const QByteArray &path, const QJsonObject &body)
    {
        return RawHttpClient::postJson(m_gateway.port(), path, body,
                                       {{"Authorization", "Bearer sk-" + kKey.toLatin1()}});
    }

    static QJsonObject chat(const QString &model, bool stream)
    {
        return {{"model", model},
                {"stream", stream},
                {"messages", QJsonArray{QJsonObject{{"role", "user"}, {"content", "Hello"}}}}};
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_mock.start());
        QString error;
        QVERIFY2(m_gateway.start(&error), qPrintable(error));
        QSqlDatabase db = m_gateway.core()->mainDatabase()->connection();
        const QString root = QStringLiteral("http://127.0.0.1:%1/").arg(m_mock.port());
        RelaySeed::ChannelRow azure;
        azure.id = 4;
        azure.type = 4;
        azure.name = QStringLiteral("azure");
        azure.key = QStringLiteral("az-secret|2024-10-21");
        azure.baseUrl = root;
        azure.models = {QStringLiteral("gpt-4o-mini"), QStringLiteral("text-embedding-3-small")};
        RelaySeed::ChannelRow legacy = azure;
        legacy.id = 3;
        legacy.type = 3;
        legacy.key = QStringLiteral("az-legacy"); // No version: the default one.
        legacy.models = {QStringLiteral("gpt-3.5-turbo")};
        QVERIFY2(
            RelaySeed::insertGroup(db, kGroup, &error) &&
                RelaySeed::insertToken(db, {1, kKey, QStringLiteral("t"), kGroup, {}, 1}, &error) &&
                RelaySeed::insertChannel(db, azure, &error) &&
                RelaySeed::insertChannel(db, legacy, &error),
            qPrintable(error));
        for (const QString &model : {QStringLiteral("gpt-4o-mini"), QStringLiteral("gpt-3.5-turbo"),
                                     QStringLiteral("text-embedding-3-small")})
            QVERIFY2(RelaySeed::insertModelConfig(db, model, QStringLiteral("openai"), &error),
                     qPrintable(error));
        m_gateway.core()->reloadSnapshot();
    }

    void cleanupTestCase() { m_gateway.stop(); }

    void chatGoesToTheDeployment()
    {
        const auto response = post("/v1/chat/completions", chat("gpt-4o-mini", false));
        QCOMPARE(response.status, 200);
        QCOMPARE(ClientCalls::chatText(response.json()), MockUpstream::replyText());
        const MockUpstream::Request sent = m_mock.lastRequest();
        QCOMPARE(
            sent.path,
            QByteArray("/openai/deployments/gpt-4o-mini/chat/completions?api-version=2024-10-21"));
        QCOMPARE(sent.header("api-key"), QByteArray("az-secret"));
        QVERIFY(sent.header("authorization").isEmpty());
        QCOMPARE(LogRows::waitFor(m_gateway.core(), response.header("x-request-id"))
                     .value("channel_id")
                     .toInt(),
                 4);
    }

    void streamingPassesThrough()
    {
        const auto response = post("/v1/chat/completions", chat("gpt-4o-mini", true));
        QCOMPARE(response.status, 200);
        QVERIFY(response.body.contains("data: [DONE]"));
        QString text;
        for (const QByteArray &event : response.events()) {
            const QJsonObject chunk = QJsonDocument::fromJson(event.trimmed().mid(6)).object();
            const QJsonArray choices = chunk.value("choices").toArray();
            if (!choices.isEmpty())
                text += choices.first()
                            .toObject()
                            .value("delta")
                            .toObject()
                            .value("content")
                            .toString();
        }
        QCOMPARE(text, MockUpstream::replyText());
    }

    void embeddingsAndLegacyDeploymentNames()
    {
        const auto embeddings = post("/v1/embeddings", {{"model", "text-embedding-3-small"},
                                                        {"input", "hello"},
                                                        {"encoding_format", "float"}});
        QCOMPARE(embeddings.status, 200);
        QVERIFY(m_mock.lastRequest().path.startsWith(
            "/openai/deployments/text-embedding-3-small/embeddings?api-version="));

        const auto legacy = post("/v1/chat/completions", chat("gpt-3.5-turbo", false));
        QCOMPARE(legacy.status, 200);
        const MockUpstream::Request sent = m_mock.lastRequest();
        QCOMPARE(sent.path, QByteArray("/openai/deployments/gpt-35-turbo/chat/completions"
                                       "?api-version=2025-04-01-preview"));
        QCOMPARE(sent.header("api-key"), QByteArray("az-legacy"));
    }

    void responsesApiIsPerResource()
    {
        const auto created =
            post("/v1/responses", {{"model", "gpt-4o-mini"}, {"input", "Say hello"}});
        QCOMPARE(created.status, 200);
        MockUpstream::Request sent = m_mock.lastRequest();
        QCOMPARE(sent.path, QByteArray("/openai/responses?api-version=2024-10-21"));
        QCOMPARE(sent.json().value("model").toString(), QStringLiteral("gpt-4o-mini"));
        QCOMPARE(sent.header("api-key"), QByteArray("az-secret"));
        // The stored response is fetched from the resource that created it.
        const QString id = created.json().value("id").toString();
        QVERIFY(!id.isEmpty());
        RawHttpClient client;
        QVERIFY(client.connectToPort(m_gateway.port()));
        const auto fetched = client.request(
            "GET", "/v1/responses/" + id.toLatin1(), {},
            {qMakePair(QByteArray("Authorization"), "Bearer sk-" + kKey.toLatin1())});
        QCOMPARE(fetched.status, 200);
        QCOMPARE(m_mock.lastRequest().path,
                 "/openai/responses/" + id.toLatin1() + "?api-version=2024-10-21");
    }
};

QTEST_GUILESS_MAIN(TstAzure)
#include "tst_azure.moc"
