// Think mode: for models whose config enables plugin.think-split, `<think>…</think>` at the
// start of the answer moves into reasoning_content, streamed or not, whatever the client's
// protocol (Anthropic clients get a thinking block).

#include "adaptorfixture.h"
#include "chatstream.h"
#include "clientcalls.h"
#include "gateway/gatewaycore.h"
#include "storage/database.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlQuery>
#include <QtTest>

namespace {

const QString kGroup = QStringLiteral("think-group");
const QString kKey = QStringLiteral("thinkkey0123456789thinkkey0123456789thinkkey0123");

} // namespace

class TstThinkMode : public QObject
{
    Q_OBJECT

private:
    AdaptorFixture m_fixture{kKey};
    MockUpstream &m_mock = m_fixture.mock();

    static QJsonObject chat(bool stream)
    {
        return {{"model", "think-model"},
                {"stream", stream},
                {"messages", QJsonArray{QJsonObject{{"role", "user"}, {"content", "Hi"}}}}};
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_fixture.start(&error), qPrintable(error));
        QSqlDatabase db = m_fixture.core()->mainDatabase()->connection();
        QVERIFY2(RelaySeed::insertMinimalSetup(db, m_mock.baseUrl(), QStringLiteral("think-model"),
                                               kGroup, kKey, &error),
                 qPrintable(error));
        QSqlQuery query(db);
        QVERIFY(query.exec(QStringLiteral(
            "UPDATE model_configs SET data = '{\"plugin\":{\"think-split\":{\"enable\":true}}}' "
            "WHERE model = 'think-model'")));
        m_fixture.core()->reloadSnapshot();
    }

    void cleanupTestCase() { m_fixture.stop(); }

    void nonStreamedAnswerIsSplit()
    {
        const auto response = m_fixture.post("/v1/chat/completions", chat(false));
        QCOMPARE(response.status, 200);
        const QJsonObject message = ClientCalls::chatMessage(response.json());
        QCOMPARE(message.value("content").toString(), QStringLiteral("Hello there."));
        QCOMPARE(message.value("reasoning_content").toString(), QStringLiteral("Let me think."));
    }

    void streamedAnswerIsSplitAcrossEvents()
    {
        const auto response = m_fixture.post("/v1/chat/completions", chat(true));
        QCOMPARE(response.status, 200);
        const ChatStream stream = ChatStream::fromSse(response.body);
        QVERIFY(stream.done);
        QCOMPARE(stream.text, QStringLiteral("Hello there."));
        QCOMPARE(stream.reasoning, QStringLiteral("Let me think."));
        QVERIFY(!response.body.contains("<think>"));
    }

    void anthropicClientsGetAThinkingBlock()
    {
        const QJsonObject body{
            {"model", "think-model"},
            {"max_tokens", 100},
            {"messages", QJsonArray{QJsonObject{{"role", "user"}, {"content", "Hi"}}}}};
        const auto response = m_fixture.post("/v1/messages", body);
        QCOMPARE(response.status, 200);
        const QJsonArray content = response.json().value("content").toArray();
        QCOMPARE(content.size(), 2);
        QCOMPARE(content.at(0).toObject().value("type").toString(), QStringLiteral("thinking"));
        QCOMPARE(content.at(0).toObject().value("thinking").toString(),
                 QStringLiteral("Let me think."));
        QCOMPARE(content.at(1).toObject().value("text").toString(), QStringLiteral("Hello there."));
    }

    void modelsWithoutThePluginAreUntouched()
    {
        QSqlQuery query(m_fixture.core()->mainDatabase()->connection());
        QVERIFY(query.exec(
            QStringLiteral("UPDATE model_configs SET data = '{}' WHERE model = 'think-model'")));
        m_fixture.core()->reloadSnapshot();
        const auto response = m_fixture.post("/v1/chat/completions", chat(false));
        QCOMPARE(response.status, 200);
        const QJsonObject message = ClientCalls::chatMessage(response.json());
        QCOMPARE(message.value("content").toString(),
                 MockUpstream::thinkingReplyPieces().join(QString()));
        QVERIFY(!message.contains("reasoning_content"));
    }
};

QTEST_GUILESS_MAIN(TstThinkMode)
#include "tst_thinkmode.moc"
