// Azure OpenAI channels (types 3 and 4): deployment URLs with api-version, the key in the
// api-key header, OpenAI bodies and streams passed through.

#include "adaptorfixture.h"
#include "clientcalls.h"

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
    AdaptorFixture m_fixture{kKey};
    MockUpstream &m_mock = m_fixture.mock();

    static QJsonObject chat(const QString &model, bool stream)
    {
        return {{"model", model},
                {"stream", stream},
                {"messages", QJsonArray{QJsonObject{{"role", "user"}, {"content", "Hello"}}}}};
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_fixture.start(&error), qPrintable(error));
        const QString root = m_fixture.mockBase() + '/';
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
        QVERIFY2(m_fixture.seed(kGroup, {azure, legacy}, &error, QStringLiteral("openai")),
                 qPrintable(error));
    }

    void cleanupTestCase() { m_fixture.stop(); }

    void chatGoesToTheDeployment()
    {
        const auto response = m_fixture.post("/v1/chat/completions", chat("gpt-4o-mini", false));
        QCOMPARE(response.status, 200);
        QCOMPARE(ClientCalls::chatText(response.json()), MockUpstream::replyText());
        const MockUpstream::Request sent = m_mock.lastRequest();
        QCOMPARE(
            sent.path,
            QByteArray("/openai/deployments/gpt-4o-mini/chat/completions?api-version=2024-10-21"));
        QCOMPARE(sent.header("api-key"), QByteArray("az-secret"));
        QVERIFY(sent.header("authorization").isEmpty());
        QCOMPARE(m_fixture.logRow(response).value("channel_id").toInt(), 4);
    }

    void streamingPassesThrough()
    {
        const auto response = m_fixture.post("/v1/chat/completions", chat("gpt-4o-mini", true));
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
        const auto embeddings =
            m_fixture.post("/v1/embeddings", {{"model", "text-embedding-3-small"},
                                              {"input", "hello"},
                                              {"encoding_format", "float"}});
        QCOMPARE(embeddings.status, 200);
        QVERIFY(m_mock.lastRequest().path.startsWith(
            "/openai/deployments/text-embedding-3-small/embeddings?api-version="));

        const auto legacy = m_fixture.post("/v1/chat/completions", chat("gpt-3.5-turbo", false));
        QCOMPARE(legacy.status, 200);
        const MockUpstream::Request sent = m_mock.lastRequest();
        QCOMPARE(sent.path, QByteArray("/openai/deployments/gpt-35-turbo/chat/completions"
                                       "?api-version=2025-04-01-preview"));
        QCOMPARE(sent.header("api-key"), QByteArray("az-legacy"));
    }

    void responsesApiIsPerResource()
    {
        const auto created =
            m_fixture.post("/v1/responses", {{"model", "gpt-4o-mini"}, {"input", "Say hello"}});
        QCOMPARE(created.status, 200);
        MockUpstream::Request sent = m_mock.lastRequest();
        QCOMPARE(sent.path, QByteArray("/openai/responses?api-version=2024-10-21"));
        QCOMPARE(sent.json().value("model").toString(), QStringLiteral("gpt-4o-mini"));
        QCOMPARE(sent.header("api-key"), QByteArray("az-secret"));
        // The stored response is fetched from the resource that created it.
        const QString id = created.json().value("id").toString();
        QVERIFY(!id.isEmpty());
        RawHttpClient client;
        QVERIFY(client.connectToPort(m_fixture.port()));
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
