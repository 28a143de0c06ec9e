// OpenAI Responses ⇄ Chat Completions conversion: golden request/response pairs, the stream
// encoder fed through SseParser at every byte split, and error cases.
#include "golden.h"
#include "protocol/responsesopenai.h"
#include "relay/sseparser.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace ResponsesOpenAI;

namespace {

using Golden::parse;
using Golden::pretty;

const Golden::Fixtures fixtures(QStringLiteral("responses"));

QString conversionError(const char *request)
{
    QString error;
    const QJsonObject out = toOpenAIRequest(parse(request), &error);
    return out.isEmpty() ? error : QStringLiteral("<no error>");
}

/// Feeds OpenAI SSE \a pieces through SseParser into an encoder, as the relay does.
QByteArray encodeStream(const QList<QByteArray> &pieces, const QString &error = {})
{
    ResponsesStreamEncoder encoder(fixtures.json(QStringLiteral("stream.request.json")));
    return Golden::encodeOpenAIStream(encoder, pieces, error);
}

/// The events of Responses SSE \a bytes: (event name, data JSON).
QList<QPair<QByteArray, QJsonObject>> events(const QByteArray &bytes)
{
    QList<QPair<QByteArray, QJsonObject>> out;
    for (const SseParser::Event &e : Golden::sseEvents({bytes}))
        out.append({e.event, QJsonDocument::fromJson(e.data).object()});
    return out;
}

} // namespace

class TestResponsesOpenAI : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void requestGolden();
    void requestStringInput();
    void requestErrors();
    void requestToolChoice();
    void responseGolden();
    void responseIncomplete();
    void streamGolden();
    void streamEverySplit();
    void streamEventsAreConsistent();
    void streamIncompleteAndCap();
    void streamError();
};

void TestResponsesOpenAI::requestGolden()
{
    QString error;
    const QJsonObject out = toOpenAIRequest(fixtures.json("request.responses.json"), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const QJsonObject expected = fixtures.json("request.openai.json");
    QVERIFY2(out == expected, qPrintable(pretty(out)));
}

void TestResponsesOpenAI::requestStringInput()
{
    QString error;
    const QJsonObject out = toOpenAIRequest(
        parse(R"({"model":"m","input":"hello","store":true,"previous_response_id":null})"), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const QJsonObject expected =
        parse(R"({"model":"m","messages":[{"role":"user","content":"hello"}]})");
    QVERIFY2(out == expected, qPrintable(pretty(out)));

    // A function_call with no assistant message before it opens its own assistant message.
    const QJsonObject calls =
        toOpenAIRequest(parse(R"({"model":"m","input":[{"role":"user","content":"x"},
            {"type":"function_call","call_id":"c1","name":"f","arguments":"{}"},
            {"type":"function_call_output","call_id":"c1","output":"ok"}]})"),
                        &error);
    const QJsonArray messages = calls.value(QStringLiteral("messages")).toArray();
    QCOMPARE(messages.size(), 3);
    const QJsonObject assistant = messages.at(1).toObject();
    QCOMPARE(assistant.value(QStringLiteral("role")).toString(), QStringLiteral("assistant"));
    QVERIFY(assistant.value(QStringLiteral("content")).isNull());
    QCOMPARE(assistant.value(QStringLiteral("tool_calls")).toArray().size(), 1);
    QCOMPARE(messages.at(2).toObject().value(QStringLiteral("tool_call_id")).toString(),
             QStringLiteral("c1"));
}

void TestResponsesOpenAI::requestErrors()
{
    QCOMPARE(conversionError(R"({"input":"x"})"), QStringLiteral("model: required"));
    QVERIFY(conversionError(R"({"model":"m","input":"x","previous_response_id":"resp_1"})")
                .startsWith(QStringLiteral("previous_response_id is not supported on this "
                                           "channel")));
    QVERIFY(conversionError(R"({"model":"m","input":"x","background":true})")
                .startsWith(QStringLiteral("background:")));
    QVERIFY(
        conversionError(
            R"({"model":"m","input":[{"role":"user","content":[{"type":"input_image","file_id":"f"}]}]})")
            .startsWith(QStringLiteral("input.0.content.0: input_image needs image_url")));
    QVERIFY(
        conversionError(
            R"({"model":"m","input":[{"role":"user","content":[{"type":"input_file","file_id":"f"}]}]})")
            .startsWith(QStringLiteral("input.0.content.0: input_file needs file_data")));
    QCOMPARE(conversionError(R"({"model":"m","input":[{"type":"item_reference","id":"x"}]})"),
             QStringLiteral("input.0.type: input item \"item_reference\" is not supported on "
                            "this channel"));
    QVERIFY(conversionError(R"({"model":"m","input":[{"role":"tool","content":"x"}]})")
                .startsWith(QStringLiteral("input.0.role:")));
    QVERIFY(conversionError(R"({"model":"m","input":7})").startsWith(QStringLiteral("input:")));
    QVERIFY(conversionError(R"({"model":"m","input":"x","tool_choice":{"type":"web_search"}})")
                .startsWith(QStringLiteral("tool_choice:")));
}

void TestResponsesOpenAI::requestToolChoice()
{
    QString error;
    const QJsonObject out =
        toOpenAIRequest(parse(R"({"model":"m","input":"x","text":{"format":{"type":"json_object"}},
            "tools":[{"type":"function","name":"f","parameters":{}}],
            "tool_choice":{"type":"function","name":"f"}})"),
                        &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(out.value(QStringLiteral("tool_choice")).toObject(),
             parse(R"({"type":"function","function":{"name":"f"}})"));
    QCOMPARE(out.value(QStringLiteral("response_format")).toObject(),
             parse(R"({"type":"json_object"})"));
}

void TestResponsesOpenAI::responseGolden()
{
    const QJsonObject out = toResponsesResponse(fixtures.json("response.openai.json"),
                                                fixtures.json("request.responses.json"));
    const QJsonDocument expected = fixtures.golden("response.responses.json", QJsonDocument(out));
    QVERIFY2(out == expected.object(), qPrintable(pretty(out)));
}

void TestResponsesOpenAI::responseIncomplete()
{
    const QJsonObject out = toResponsesResponse(
        parse(R"({"id":"chatcmpl-1","created":5,"choices":[{"message":{"content":"cut"},
            "finish_reason":"length"}],"usage":{"prompt_tokens":1,"completion_tokens":2}})"),
        parse(R"({"model":"m","max_output_tokens":2})"));
    QCOMPARE(out.value(QStringLiteral("status")).toString(), QStringLiteral("incomplete"));
    QCOMPARE(out.value(QStringLiteral("incomplete_details")).toObject(),
             parse(R"({"reason":"max_output_tokens"})"));
    QCOMPARE(out.value(QStringLiteral("id")).toString(), QStringLiteral("resp_1"));
    QCOMPARE(out.value(QStringLiteral("usage")).toObject().value(QStringLiteral("total_tokens")),
             QJsonValue(3));
    QCOMPARE(out.value(QStringLiteral("max_output_tokens")), QJsonValue(2));
}

void TestResponsesOpenAI::streamGolden()
{
    const QByteArray actual = encodeStream({fixtures.read("stream.openai.sse")});
    QCOMPARE(actual, fixtures.golden("stream.responses.sse", actual));
}

void TestResponsesOpenAI::streamEverySplit()
{
    const QByteArray stream = fixtures.read("stream.openai.sse");
    const QByteArray expected = fixtures.read("stream.responses.sse");
    QCOMPARE(Golden::firstBadSplit(
                 stream, expected,
                 [&](const QList<QByteArray> &pieces) { return encodeStream(pieces); }),
             qsizetype(-1));
    QCOMPARE(encodeStream(Golden::oneByteAtATime(stream)), expected);
}

void TestResponsesOpenAI::streamEventsAreConsistent()
{
    const auto list = events(fixtures.read("stream.responses.sse"));
    QVERIFY(list.size() > 10);
    for (qsizetype i = 0; i < list.size(); ++i) {
        QCOMPARE(list.at(i).second.value(QStringLiteral("sequence_number")).toInteger(), i);
        QCOMPARE(list.at(i).first,
                 list.at(i).second.value(QStringLiteral("type")).toString().toUtf8());
    }
    QCOMPARE(list.first().first, QByteArray("response.created"));
    QCOMPARE(list.at(1).first, QByteArray("response.in_progress"));
    const QJsonObject completed = list.last().second.value(QStringLiteral("response")).toObject();
    QCOMPARE(list.last().first, QByteArray("response.completed"));
    const QJsonArray output = completed.value(QStringLiteral("output")).toArray();
    QCOMPARE(output.size(), 3);
    QCOMPARE(output.at(1)
                 .toObject()
                 .value(QStringLiteral("content"))
                 .toArray()
                 .first()
                 .toObject()
                 .value(QStringLiteral("text"))
                 .toString(),
             QStringLiteral("Hello, wörld"));
    QCOMPARE(output.at(2).toObject().value(QStringLiteral("arguments")).toString(),
             QStringLiteral(R"({"command":["ls"]})"));
    QCOMPARE(completed.value(QStringLiteral("usage")).toObject(),
             parse(R"({"input_tokens":50,"input_tokens_details":{"cached_tokens":32},
                 "output_tokens":12,"output_tokens_details":{"reasoning_tokens":3},
                 "total_tokens":62})"));
}

void TestResponsesOpenAI::streamIncompleteAndCap()
{
    ResponsesStreamEncoder encoder(parse(R"({"model":"m"})"), 4);
    QByteArray out = encoder.onChunk(parse(
        R"({"id":"chatcmpl-z","created":9,"choices":[{"delta":{"content":"abcdef"},"finish_reason":"length"}]})"));
    out += encoder.finish();
    QVERIFY(encoder.finish().isEmpty());
    const auto list = events(out);
    QCOMPARE(list.last().first, QByteArray("response.incomplete"));
    const QJsonObject response = list.last().second.value(QStringLiteral("response")).toObject();
    QCOMPARE(response.value(QStringLiteral("incomplete_details")).toObject(),
             parse(R"({"reason":"max_output_tokens"})"));
    // The delta is forwarded whole; the accumulated copy stops at the cap.
    QVERIFY(out.contains(R"("delta":"abcdef")"));
    QVERIFY(out.contains(R"("text":"abcd")"));
}

void TestResponsesOpenAI::streamError()
{
    const QByteArray stream = fixtures.read("stream.openai.sse");
    const QByteArray out =
        encodeStream({stream.first(stream.indexOf("wörld"))}, QStringLiteral("upstream reset"));
    const auto list = events(out);
    QCOMPARE(list.last().first, QByteArray("response.failed"));
    const QJsonObject response = list.last().second.value(QStringLiteral("response")).toObject();
    QCOMPARE(response.value(QStringLiteral("status")).toString(), QStringLiteral("failed"));
    QCOMPARE(response.value(QStringLiteral("error")).toObject(),
             parse(R"({"code":"server_error","message":"upstream reset"})"));

    // An error before any chunk still starts the stream so the client sees a response id.
    ResponsesStreamEncoder early(parse(R"({"model":"m"})"));
    const auto earlyEvents = events(early.finish(QStringLiteral("boom")));
    QCOMPARE(earlyEvents.size(), 3);
    QCOMPARE(earlyEvents.last().first, QByteArray("response.failed"));
}

QTEST_GUILESS_MAIN(TestResponsesOpenAI)
#include "tst_responsesopenai.moc"
