// The mock upstream's OpenAI Responses API (tests/mocks/mockresponses.cpp): the response object,
// the streamed event sequence with text deltas or function_call arguments, and drop-mid-stream.
#include "mockupstream.h"
#include "rawhttpclient.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

namespace {

const RawHttpClient::Headers kAuth = {{"Authorization", "Bearer sk-channel-key"}};

QJsonObject request(bool stream, bool tools)
{
    QJsonObject body{{QStringLiteral("model"), QStringLiteral("gpt-5")},
                     {QStringLiteral("input"), QStringLiteral("hi")},
                     {QStringLiteral("stream"), stream}};
    if (tools)
        body.insert(QStringLiteral("tools"),
                    QJsonArray{QJsonObject{{QStringLiteral("type"), QStringLiteral("function")},
                                           {QStringLiteral("name"), QStringLiteral("get_weather")},
                                           {QStringLiteral("parameters"), QJsonObject()}}});
    return body;
}

/// (event name, data JSON) of each SSE event in \a events.
QList<QPair<QByteArray, QJsonObject>> parsed(const QList<QByteArray> &events)
{
    QList<QPair<QByteArray, QJsonObject>> out;
    for (const QByteArray &event : events) {
        const qsizetype data = event.indexOf("\ndata: ");
        out.append(
            {event.sliced(7, data - 7), QJsonDocument::fromJson(event.sliced(data + 7)).object()});
    }
    return out;
}

} // namespace

class TestMockResponses : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void plainText();
    void plainFunctionCall();
    void streamedText();
    void streamedFunctionCall();
    void dropMidStream();

private:
    std::unique_ptr<MockUpstream> m_mock;
};

void TestMockResponses::init()
{
    m_mock = std::make_unique<MockUpstream>();
    QVERIFY(m_mock->start());
}

void TestMockResponses::cleanup()
{
    m_mock.reset();
}

void TestMockResponses::plainText()
{
    const auto response =
        RawHttpClient::postJson(m_mock->port(), "/v1/responses", request(false, false), kAuth);
    QCOMPARE(response.status, 200);
    const QJsonObject body = response.json();
    QCOMPARE(body.value("object").toString(), QStringLiteral("response"));
    QCOMPARE(body.value("status").toString(), QStringLiteral("completed"));
    QVERIFY(body.value("id").toString().startsWith(QStringLiteral("resp_mock")));
    const QJsonObject item = body.value("output").toArray().first().toObject();
    QCOMPARE(item.value("type").toString(), QStringLiteral("message"));
    QCOMPARE(item.value("content").toArray().first().toObject().value("text").toString(),
             MockUpstream::replyText());
    const QJsonObject usage = body.value("usage").toObject();
    QCOMPARE(usage.value("input_tokens").toInt(), MockUpstream::kPromptTokens);
    QCOMPARE(usage.value("output_tokens").toInt(), MockUpstream::kCompletionTokens);
    QCOMPARE(usage.value("input_tokens_details").toObject().value("cached_tokens").toInt(),
             MockUpstream::kCachedTokens);
    QCOMPARE(usage.value("output_tokens_details").toObject().value("reasoning_tokens").toInt(),
             MockUpstream::kReasoningTokens);
}

void TestMockResponses::plainFunctionCall()
{
    const auto response =
        RawHttpClient::postJson(m_mock->port(), "/v1/responses", request(false, true), kAuth);
    QCOMPARE(response.status, 200);
    const QJsonObject item = response.json().value("output").toArray().first().toObject();
    QCOMPARE(item.value("type").toString(), QStringLiteral("function_call"));
    QCOMPARE(item.value("name").toString(), QStringLiteral("get_weather"));
    QCOMPARE(item.value("call_id").toString(), QStringLiteral("call_mock1"));
    QCOMPARE(item.value("arguments").toString(), MockUpstream::toolArguments());
}

void TestMockResponses::streamedText()
{
    const auto response =
        RawHttpClient::postJson(m_mock->port(), "/v1/responses", request(true, false), kAuth);
    QCOMPARE(response.status, 200);
    const auto events = parsed(response.events());
    QStringList names;
    QString text;
    for (qsizetype i = 0; i < events.size(); ++i) {
        QCOMPARE(events.at(i).second.value("sequence_number").toInteger(), i);
        QCOMPARE(events.at(i).second.value("type").toString().toUtf8(), events.at(i).first);
        names.append(QString::fromUtf8(events.at(i).first));
        if (events.at(i).first == "response.output_text.delta")
            text += events.at(i).second.value("delta").toString();
    }
    QCOMPARE(text, MockUpstream::replyText());
    QCOMPARE(names.count(QStringLiteral("response.output_text.delta")),
             MockUpstream::replyPieces().size());
    QCOMPARE(names.first(), QStringLiteral("response.created"));
    QCOMPARE(names.at(1), QStringLiteral("response.in_progress"));
    QCOMPARE(names.at(2), QStringLiteral("response.output_item.added"));
    QCOMPARE(names.at(3), QStringLiteral("response.content_part.added"));
    QCOMPARE(names.last(), QStringLiteral("response.completed"));
    const QJsonObject completed = events.last().second.value("response").toObject();
    QCOMPARE(completed.value("usage").toObject().value("total_tokens").toInt(),
             MockUpstream::kPromptTokens + MockUpstream::kCompletionTokens);
}

void TestMockResponses::streamedFunctionCall()
{
    const auto response =
        RawHttpClient::postJson(m_mock->port(), "/v1/responses", request(true, true), kAuth);
    const auto events = parsed(response.events());
    QString arguments;
    for (const auto &event : events) {
        if (event.first == "response.function_call_arguments.delta")
            arguments += event.second.value("delta").toString();
        if (event.first == "response.function_call_arguments.done")
            QCOMPARE(event.second.value("arguments").toString(), MockUpstream::toolArguments());
    }
    QCOMPARE(arguments, MockUpstream::toolArguments());
    QCOMPARE(events.last().first, QByteArray("response.completed"));
}

void TestMockResponses::dropMidStream()
{
    QJsonObject body = request(true, false);
    const auto response = RawHttpClient::postJson(
        m_mock->port(), "/v1/responses", body,
        {{"Authorization", "Bearer sk-channel-key"}, {"X-Mock-Scenario", "drop-mid-stream"}});
    QVERIFY(!response.complete);
    QCOMPARE(response.events().size(), MockUpstream::kDropAfterEvents);
}

QTEST_GUILESS_MAIN(TestMockResponses)
#include "tst_mockresponses.moc"
