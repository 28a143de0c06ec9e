// Gemini clients (generateContent / streamGenerateContent?alt=sse / countTokens, as used by
// Gemini CLI and Google's SDKs) served by an OpenAI-format channel.

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

const QString kGroup = QStringLiteral("gemini-group");
const QString kKey = QStringLiteral("geminikey0123456789geminikey0123456789geminikey01");

QJsonObject request()
{
    return {{"systemInstruction",
             QJsonObject{{"parts", QJsonArray{QJsonObject{{"text", "Be brief."}}}}}},
            {"contents",
             QJsonArray{QJsonObject{{"role", "user"},
                                    {"parts", QJsonArray{QJsonObject{{"text", "Hello"}}}}}}},
            {"generationConfig", QJsonObject{{"maxOutputTokens", 200}, {"temperature", 0.5}}}};
}

} // namespace

class TstGemini : public QObject
{
    Q_OBJECT

private:
    MockUpstream m_mock;
    TestGateway m_gateway;

    RawHttpClient::Response post(const QByteArray &pathAndQuery, const QJsonObject &body,
                                 const RawHttpClient::Headers &auth)
    {
        return RawHttpClient::postJson(m_gateway.port(), pathAndQuery, body, auth);
    }
    static RawHttpClient::Headers googKey()
    {
        return {{"x-goog-api-key", "sk-" + kKey.toLatin1()}};
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_mock.start());
        QString error;
        QVERIFY2(m_gateway.start(&error), qPrintable(error));
        QSqlDatabase db = m_gateway.core()->mainDatabase()->connection();
        QVERIFY2(RelaySeed::insertMinimalSetup(db, m_mock.baseUrl(), QStringLiteral("gpt-4o-mini"),
                                               kGroup, kKey, &error),
                 qPrintable(error));
        m_gateway.core()->reloadSnapshot();
    }

    void cleanupTestCase() { m_gateway.stop(); }

    void generateContent()
    {
        const auto response =
            post("/v1beta/models/gpt-4o-mini:generateContent", request(), googKey());
        QCOMPARE(response.status, 200);
        const QJsonObject json = response.json();
        const QJsonObject candidate = json.value("candidates").toArray().first().toObject();
        QString text;
        for (const QJsonValue &part :
             candidate.value("content").toObject().value("parts").toArray())
            text += part.toObject().value("text").toString();
        QCOMPARE(text, MockUpstream::replyText());
        QCOMPARE(candidate.value("content").toObject().value("role").toString(),
                 QStringLiteral("model"));
        QCOMPARE(candidate.value("finishReason").toString(), QStringLiteral("STOP"));
        const QJsonObject usage = json.value("usageMetadata").toObject();
        QCOMPARE(usage.value("promptTokenCount").toInt(), MockUpstream::kPromptTokens);
        // Gemini counts thoughts apart from the candidates.
        QCOMPARE(usage.value("candidatesTokenCount").toInt(),
                 MockUpstream::kCompletionTokens - MockUpstream::kReasoningTokens);
        QCOMPARE(usage.value("thoughtsTokenCount").toInt(), MockUpstream::kReasoningTokens);
        QCOMPARE(usage.value("cachedContentTokenCount").toInt(), MockUpstream::kCachedTokens);

        const QJsonObject sent = m_mock.lastRequest().json();
        QCOMPARE(sent.value("model").toString(), QStringLiteral("gpt-4o-mini"));
        QCOMPARE(sent.value("messages").toArray().first().toObject().value("role").toString(),
                 QStringLiteral("system"));
        QCOMPARE(sent.value("max_tokens").toInt(), 200);

        const QSqlRecord row = LogRows::waitFor(m_gateway.core(), response.header("x-request-id"));
        QCOMPARE(row.value("mode").toInt(), 21);
        QCOMPARE(row.value("code").toInt(), 200);
        QCOMPARE(row.value("input_tokens").toInt(), MockUpstream::kPromptTokens);
    }

    void streamGenerateContentWithKeyInQuery()
    {
        const auto response = post(
            "/v1beta/models/gpt-4o-mini:streamGenerateContent?alt=sse&key=sk-" + kKey.toLatin1(),
            request(), {});
        QCOMPARE(response.status, 200);
        QVERIFY(response.header("content-type").startsWith("text/event-stream"));
        QString text;
        QJsonObject usage;
        QString finish;
        const QList<QByteArray> blocks = response.body.split('\n');
        for (const QByteArray &line : blocks) {
            if (!line.startsWith("data: "))
                continue;
            const QJsonObject event = QJsonDocument::fromJson(line.mid(6).trimmed()).object();
            QVERIFY(!event.isEmpty());
            const QJsonObject candidate = event.value("candidates").toArray().first().toObject();
            for (const QJsonValue &part :
                 candidate.value("content").toObject().value("parts").toArray())
                text += part.toObject().value("text").toString();
            if (candidate.contains("finishReason"))
                finish = candidate.value("finishReason").toString();
            if (event.contains("usageMetadata"))
                usage = event.value("usageMetadata").toObject();
        }
        QCOMPARE(text, MockUpstream::replyText());
        QCOMPARE(finish, QStringLiteral("STOP"));
        QCOMPARE(usage.value("candidatesTokenCount").toInt(),
                 MockUpstream::kCompletionTokens - MockUpstream::kReasoningTokens);
        QVERIFY(m_mock.lastRequest().json().value("stream").toBool());
    }

    void errorsUseGooglesShape()
    {
        const auto unauthorized = post("/v1beta/models/gpt-4o-mini:generateContent", request(),
                                       {{"x-goog-api-key", "wrong"}});
        QCOMPARE(unauthorized.status, 401);
        QCOMPARE(unauthorized.json().value("error").toObject().value("status").toString(),
                 QStringLiteral("UNAUTHENTICATED"));
        QCOMPARE(unauthorized.json().value("error").toObject().value("code").toInt(), 401);

        const auto unknown =
            post("/v1beta/models/no-such-model:generateContent", request(), googKey());
        QCOMPARE(unknown.status, 404);
        QCOMPARE(unknown.json().value("error").toObject().value("status").toString(),
                 QStringLiteral("NOT_FOUND"));

        const auto badAction = post("/v1beta/models/gpt-4o-mini:predict", request(), googKey());
        QCOMPARE(badAction.status, 404);

        const auto badBody = post("/v1beta/models/gpt-4o-mini:generateContent",
                                  QJsonObject{{"contents", "nope"}}, googKey());
        QCOMPARE(badBody.status, 400);
        QCOMPARE(badBody.json().value("error").toObject().value("status").toString(),
                 QStringLiteral("INVALID_ARGUMENT"));
    }

    void countTokens()
    {
        const int before = m_mock.requestCount();
        const auto response = post("/v1beta/models/gpt-4o-mini:countTokens", request(), googKey());
        QCOMPARE(response.status, 200);
        QVERIFY(response.json().value("totalTokens").toInt() > 0);
        QCOMPARE(m_mock.requestCount(), before);
    }
};

QTEST_GUILESS_MAIN(TstGemini)
#include "tst_gemini.moc"
