// OpenAI → native Cohere v2 upstream conversion: golden request/response pairs, the SSE event
// stream decoded through SseParser at every byte split (text with thinking, and tool calls),
// embeddings, rerank, and error extraction.
#include "golden.h"
#include "protocol/openaicohere.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace OpenAICohere;

namespace {

using Golden::parse;
using Golden::pretty;

const Golden::Fixtures fixtures(QStringLiteral("openaicohere"));

QJsonObject withoutCreated(QJsonObject object)
{
    object.remove("created");
    return object;
}

QJsonArray comparable(const QList<QJsonObject> &chunks)
{
    QJsonArray out;
    for (const QJsonObject &chunk : chunks)
        out.append(withoutCreated(chunk));
    return out;
}

/// Feeds Cohere SSE \a pieces through SseParser into a decoder, as the relay does.
QList<QJsonObject> decodeStream(const QList<QByteArray> &pieces, Usage *usage = nullptr)
{
    CohereStreamDecoder decoder(QStringLiteral("client-model"));
    QList<QJsonObject> out;
    for (const SseParser::Event &event : Golden::sseEvents(pieces))
        if (!event.isCommentOnly && !event.data.isEmpty())
            out += decoder.onEvent(event.event, QJsonDocument::fromJson(event.data).object());
    out += decoder.finish();
    if (usage)
        *usage = decoder.usage();
    return out;
}

QJsonObject converted(const QByteArray &request)
{
    QString error;
    const QJsonObject out = toChatRequest(parse(request), &error);
    if (!error.isEmpty())
        qWarning("conversion error: %s", qPrintable(error));
    return out;
}

/// The text of every chunk's delta field \a key, concatenated.
QString joined(const QList<QJsonObject> &chunks, const char *key)
{
    QString text;
    for (const QJsonObject &chunk : chunks)
        for (const QJsonValue &choice : chunk.value("choices").toArray())
            text +=
                choice.toObject().value("delta").toObject().value(QLatin1String(key)).toString();
    return text;
}

} // namespace

class TestOpenAICohere : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void requestGolden();
    void requestMinimal();
    void requestToolChoice_data();
    void requestToolChoice();
    void requestReasoningEffort_data();
    void requestReasoningEffort();
    void requestErrorsNameTheField_data();
    void requestErrorsNameTheField();
    void responseGolden();
    void responseToolCalls();
    void responseFinishReasons_data();
    void responseFinishReasons();
    void responseUsageFallsBackToBilledUnits();
    void streamGolden_data();
    void streamGolden();
    void streamAtEverySplit_data();
    void streamAtEverySplit();
    void streamOneByteAtATime();
    void streamToolCallArguments();
    void streamUsage();
    void streamErrorAtMessageEnd();
    void streamCutShort();
    void embeddingsGolden();
    void rerankGolden();
    void rerankRequestErrors_data();
    void rerankRequestErrors();
    void requestDispatchByShape();
    void errorMessage_data();
    void errorMessage();
};

// Slot bodies are defined out of line: moc misreads "//" and \" inside raw strings in a class.

void TestOpenAICohere::requestGolden()
{
    QString error;
    const QJsonObject out = toChatRequest(fixtures.json("request.openai.json"), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const QJsonDocument expected = fixtures.golden("request.cohere.json", QJsonDocument(out));
    QVERIFY2(out == expected.object(), qPrintable(pretty(out)));
    const QJsonArray messages = out.value("messages").toArray();
    QCOMPARE(messages.at(1).toObject(),
             parse(R"({"role":"system","content":"Answer in English.\nUse metric units."})"));
    QCOMPARE(messages.at(2).toObject().value("content").toArray().at(1).toObject(),
             parse(R"({"type":"image_url","image_url":{
                       "url":"data:image/png;base64,iVBORw0KGgoAAAANSUhEUg=="}})"));
    const QJsonObject assistant = parse(R"({"role":"assistant",
        "tool_plan":"Let me check the weather too.","tool_calls":[{"id":"get_weather_8rq4",
        "type":"function","function":{"name":"get_weather",
        "arguments":"{\"location\":\"Zürich\"}"}}]})");
    QCOMPARE(messages.at(3).toObject(), assistant);
    QCOMPARE(messages.at(4).toObject(), parse(R"({"role":"tool","tool_call_id":"get_weather_8rq4",
                       "content":"18 °C, sunny"})"));
    for (const char *key : {"p", "k", "max_tokens", "stop_sequences", "tool_choice", "thinking",
                            "response_format", "stream", "seed"})
        QVERIFY2(out.contains(QLatin1String(key)), key);
    QCOMPARE(out.value("stop_sequences").toArray(), QJsonArray{QStringLiteral("END")});
    QCOMPARE(out.value("tool_choice").toString(), QStringLiteral("REQUIRED"));
}

void TestOpenAICohere::requestMinimal()
{
    const QJsonObject out = converted(R"({"model":"command-r","messages":[
        {"role":"user","content":[{"type":"text","text":"a"},{"type":"text","text":"b"}]}],
        "stream":false,"tool_choice":"none"})");
    QCOMPARE(out, parse(R"({"model":"command-r","messages":[{"role":"user","content":"a\nb"}]})"));
}

void TestOpenAICohere::requestToolChoice_data()
{
    QTest::addColumn<QByteArray>("choice");
    QTest::addColumn<QStringList>("tools");
    QTest::addColumn<QString>("cohereChoice"); // empty: none sent
    QTest::newRow("absent") << QByteArray("null") << QStringList{"a", "b"} << "";
    QTest::newRow("auto") << QByteArray(R"("auto")") << QStringList{"a", "b"} << "";
    QTest::newRow("none") << QByteArray(R"("none")") << QStringList{"a", "b"} << "NONE";
    QTest::newRow("required") << QByteArray(R"("required")") << QStringList{"a", "b"} << "REQUIRED";
    QTest::newRow("named") << QByteArray(R"({"type":"function","function":{"name":"b"}})")
                           << QStringList{"b"} << "REQUIRED";
}

void TestOpenAICohere::requestToolChoice()
{
    QFETCH(QByteArray, choice);
    QFETCH(QStringList, tools);
    QFETCH(QString, cohereChoice);
    const QJsonObject out = converted(R"({"model":"m","messages":[{"role":"user","content":"x"}],
        "tools":[{"type":"function","function":{"name":"a","parameters":{"type":"object"}}},
                 {"type":"function","function":{"name":"b","description":"B"}}],"tool_choice":)" +
                                      choice + "}");
    QStringList names;
    for (const QJsonValue &tool : out.value("tools").toArray()) {
        QCOMPARE(tool.toObject().value("type").toString(), QStringLiteral("function"));
        names << tool.toObject().value("function").toObject().value("name").toString();
    }
    QCOMPARE(names, tools);
    QCOMPARE(out.value("tool_choice").toString(), cohereChoice);
}

void TestOpenAICohere::requestReasoningEffort_data()
{
    QTest::addColumn<QString>("effort");
    QTest::addColumn<QByteArray>("thinking");
    QTest::newRow("none") << "none" << QByteArray(R"({"type":"disabled"})");
    QTest::newRow("minimal") << "minimal"
                             << QByteArray(R"({"type":"enabled","token_budget":1024})");
    QTest::newRow("high") << "high" << QByteArray(R"({"type":"enabled","token_budget":16384})");
}

void TestOpenAICohere::requestReasoningEffort()
{
    QFETCH(QString, effort);
    QFETCH(QByteArray, thinking);
    const QJsonObject out =
        converted(R"({"model":"m","messages":[],"reasoning_effort":")" + effort.toUtf8() + "\"}");
    QCOMPARE(out.value("thinking").toObject(), parse(thinking));
}

void TestOpenAICohere::requestErrorsNameTheField_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<QString>("field");
    QTest::newRow("no messages") << QByteArray(R"({"model":"m"})") << "messages";
    QTest::newRow("n") << QByteArray(R"({"model":"m","messages":[],"n":3})") << "n";
    QTest::newRow("role") << QByteArray(R"({"model":"m","messages":[{"role":"function"}]})")
                          << "messages.0.role";
    QTest::newRow("image in an assistant message") << QByteArray(R"({"model":"m","messages":[
        {"role":"assistant","content":[{"type":"image_url","image_url":{"url":"https://x/i"}}]}]})")
                                                   << "messages.0.content.0.type";
    QTest::newRow("tool without id") << QByteArray(R"({"model":"m","messages":[
        {"role":"tool","content":"x"}]})")
                                     << "messages.0.tool_call_id";
    QTest::newRow("tool call without id") << QByteArray(R"({"model":"m","messages":[
        {"role":"assistant","tool_calls":[{"type":"function","function":{"name":"f"}}]}]})")
                                          << "messages.0.tool_calls.0";
    QTest::newRow("tool type") << QByteArray(R"({"model":"m","messages":[],
        "tools":[{"type":"web_search"}]})")
                               << "tools.0.type";
    QTest::newRow("effort") << QByteArray(R"({"model":"m","messages":[],"reasoning_effort":"x"})")
                            << "reasoning_effort";
    QTest::newRow("max_completion_tokens") << QByteArray(R"({"model":"m","messages":[],
        "max_completion_tokens":1.5})") << "max_completion_tokens";
}

void TestOpenAICohere::requestErrorsNameTheField()
{
    QFETCH(QByteArray, request);
    QFETCH(QString, field);
    QString error;
    const QJsonObject out = toChatRequest(parse(request), &error);
    QVERIFY(out.isEmpty());
    QVERIFY2(error.startsWith(field + QLatin1Char(':')), qPrintable(error));
}

void TestOpenAICohere::responseGolden()
{
    const QJsonObject out =
        toOpenAIChatResponse(fixtures.json("response.cohere.json"), QStringLiteral("client-model"));
    QVERIFY(out.value("created").toInteger() > 1700000000);
    const QJsonObject actual = withoutCreated(out);
    const QJsonDocument expected = fixtures.golden("response.openai.json", QJsonDocument(actual));
    QVERIFY2(actual == expected.object(), qPrintable(pretty(actual)));
    QCOMPARE(actual.value("id").toString(),
             QStringLiteral("chatcmpl-c14c80c3-18eb-4519-9460-6c92edd8cfb4"));
    // tokens, not billed_units, are the usage; cached_tokens are kept.
    QCOMPARE(actual.value("usage").toObject(),
             parse(R"({"prompt_tokens":694,"completion_tokens":11,"total_tokens":705,
                       "prompt_tokens_details":{"cached_tokens":512}})"));
}

void TestOpenAICohere::responseToolCalls()
{
    const QJsonObject out = withoutCreated(toOpenAIChatResponse(
        fixtures.json("response-tools.cohere.json"), QStringLiteral("client-model")));
    const QJsonDocument expected =
        fixtures.golden("response-tools.openai.json", QJsonDocument(out));
    QVERIFY2(out == expected.object(), qPrintable(pretty(out)));
    const QJsonObject choice = out.value("choices").toArray().first().toObject();
    QCOMPARE(choice.value("finish_reason").toString(), QStringLiteral("tool_calls"));
    const QJsonObject message = choice.value("message").toObject();
    QVERIFY(message.value("content").isNull());
    QCOMPARE(message.value("reasoning_content").toString(),
             QStringLiteral("I will look up the weather in Zürich and the time."));
    QCOMPARE(message.value("tool_calls").toArray().size(), 2);
}

void TestOpenAICohere::responseFinishReasons_data()
{
    QTest::addColumn<QString>("cohere");
    QTest::addColumn<QString>("openai");
    QTest::newRow("COMPLETE") << "COMPLETE"
                              << "stop";
    QTest::newRow("STOP_SEQUENCE") << "STOP_SEQUENCE"
                                   << "stop";
    QTest::newRow("MAX_TOKENS") << "MAX_TOKENS"
                                << "length";
    QTest::newRow("TOOL_CALL") << "TOOL_CALL"
                               << "tool_calls";
    QTest::newRow("ERROR") << "ERROR"
                           << "stop";
    QTest::newRow("TIMEOUT") << "TIMEOUT"
                             << "length";
    QTest::newRow("lower case") << "max_tokens"
                                << "length";
}

void TestOpenAICohere::responseFinishReasons()
{
    QFETCH(QString, cohere);
    QFETCH(QString, openai);
    QCOMPARE(finishReason(cohere), openai);
    const QJsonObject out =
        toOpenAIChatResponse(QJsonObject{{"id", "x"},
                                         {"message", parse(R"({"role":"assistant","content":[]})")},
                                         {"finish_reason", cohere}},
                             QStringLiteral("m"));
    QCOMPARE(out.value("choices").toArray().first().toObject().value("finish_reason").toString(),
             openai);
}

void TestOpenAICohere::responseUsageFallsBackToBilledUnits()
{
    const Usage usage = usageOf(parse(R"({"billed_units":{"input_tokens":5,"output_tokens":6}})"));
    QCOMPARE(usage.inputTokens, qint64(5));
    QCOMPARE(usage.outputTokens, qint64(6));
    QCOMPARE(usage.totalTokens, qint64(11));
}

void TestOpenAICohere::streamGolden_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("golden");
    QTest::newRow("text") << "stream.cohere.sse"
                          << "stream.openai.json";
    QTest::newRow("tools") << "stream-tools.cohere.sse"
                           << "stream-tools.openai.json";
}

void TestOpenAICohere::streamGolden()
{
    QFETCH(QString, input);
    QFETCH(QString, golden);
    const QList<QJsonObject> chunks = decodeStream({fixtures.read(input)});
    for (const QJsonObject &chunk : chunks)
        QVERIFY(chunk.value("created").toInteger() > 1700000000);
    const QJsonArray actual = comparable(chunks);
    const QJsonDocument expected = fixtures.golden(golden, QJsonDocument(actual));
    QVERIFY2(actual == expected.array(), qPrintable(pretty(actual)));
}

void TestOpenAICohere::streamAtEverySplit_data()
{
    streamGolden_data();
}

void TestOpenAICohere::streamAtEverySplit()
{
    QFETCH(QString, input);
    QFETCH(QString, golden);
    const QJsonArray expected = fixtures.jsonArray(golden);
    QVERIFY(expected.size() > 6);
    QCOMPARE(Golden::firstBadSplit(
                 fixtures.read(input), expected,
                 [&](const QList<QByteArray> &pieces) { return comparable(decodeStream(pieces)); }),
             qsizetype(-1));
}

void TestOpenAICohere::streamOneByteAtATime()
{
    QCOMPARE(comparable(decodeStream(Golden::oneByteAtATime(fixtures.read("stream.cohere.sse")))),
             fixtures.jsonArray("stream.openai.json"));
}

void TestOpenAICohere::streamToolCallArguments()
{
    const QList<QJsonObject> chunks = decodeStream({fixtures.read("stream-tools.cohere.sse")});
    QStringList arguments(2);
    QStringList names(2);
    for (const QJsonObject &chunk : chunks)
        for (const QJsonValue &choice : chunk.value("choices").toArray())
            for (const QJsonValue &call :
                 choice.toObject().value("delta").toObject().value("tool_calls").toArray()) {
                const int index = call.toObject().value("index").toInt(-1);
                QVERIFY(index == 0 || index == 1);
                const QJsonObject function = call.toObject().value("function").toObject();
                arguments[index] += function.value("arguments").toString();
                if (function.contains("name"))
                    names[index] = function.value("name").toString();
            }
    QCOMPARE(names, (QStringList{"get_weather", "get_time"}));
    QCOMPARE(arguments.at(0), QStringLiteral("{\n    \"location\": \"Zürich\"\n}"));
    QCOMPARE(arguments.at(1), QStringLiteral("{}"));
    QCOMPARE(joined(chunks, "reasoning_content"),
             QStringLiteral("I will look up the weather in Zürich."));
}

void TestOpenAICohere::streamUsage()
{
    Usage usage;
    const QList<QJsonObject> chunks = decodeStream({fixtures.read("stream.cohere.sse")}, &usage);
    QCOMPARE(usage.inputTokens, qint64(694));
    QCOMPARE(usage.outputTokens, qint64(14));
    QCOMPARE(chunks.last().value("choices").toArray().size(), 0);
    QCOMPARE(chunks.last().value("usage").toObject(),
             parse(R"({"prompt_tokens":694,"completion_tokens":14,"total_tokens":708})"));
    QCOMPARE(joined(chunks, "content"), QStringLiteral("Zürich is “sunny” today, 18 °C.\n"));
    QCOMPARE(joined(chunks, "reasoning_content"), QStringLiteral("The user asks about Zürich."));
    // The id is Cohere's, prefixed, on every chunk.
    for (const QJsonObject &chunk : chunks)
        QCOMPARE(chunk.value("id").toString(),
                 QStringLiteral("chatcmpl-29f14a5a-11de-4cae-9800-25e4747408ea"));
}

void TestOpenAICohere::streamErrorAtMessageEnd()
{
    const QByteArray stream = fixtures.read("stream.cohere.sse");
    const qsizetype cut = stream.indexOf("event: message-end");
    QVERIFY(cut > 0);
    const QList<QJsonObject> chunks = decodeStream(
        {stream.first(cut) + "event: message-end\ndata: {\"type\":\"message-end\",\"delta\":{"
                             "\"error\":\"internal server error\",\"finish_reason\":\"ERROR\"}}\n\n"
                             "event: message-end\ndata: {\"type\":\"message-end\"}\n\n"});
    QCOMPARE(chunks.last(),
             parse(R"({"error":{"message":"internal server error","type":"upstream_error"}})"));
    for (const QJsonObject &chunk : chunks)
        QVERIFY(!chunk.contains("usage"));

    // ERROR without a message still ends the stream as an error.
    CohereStreamDecoder decoder(QStringLiteral("m"));
    const QList<QJsonObject> out = decoder.onEvent(
        "message-end", parse(R"({"type":"message-end","delta":{"finish_reason":"ERROR"}})"));
    QCOMPARE(out.last().value("error").toObject().value("message").toString(),
             QStringLiteral("the Cohere stream ended with finish_reason ERROR"));
}

void TestOpenAICohere::streamCutShort()
{
    const QByteArray stream = fixtures.read("stream.cohere.sse");
    const QList<QJsonObject> chunks =
        decodeStream({stream.first(stream.indexOf("event: message-end"))});
    QCOMPARE(chunks.last(),
             parse(R"({"error":{"message":"the Cohere stream ended before message-end",
                                "type":"upstream_error"}})"));
}

void TestOpenAICohere::embeddingsGolden()
{
    QString error;
    const QJsonObject request = toEmbedRequest(
        parse(R"({"model":"embed-v4.0","input":["the sky is blue.","grass is green."],
                  "dimensions":256,"encoding_format":"base64"})"),
        &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(request, parse(R"({"model":"embed-v4.0","texts":["the sky is blue.",
        "grass is green."],"input_type":"search_document","embedding_types":["float"],
        "output_dimension":256})"));
    const QJsonObject response =
        toOpenAIEmbeddingResponse(fixtures.json("embed.cohere.json"), QStringLiteral("embedder"));
    const QJsonDocument expected =
        fixtures.golden("embed.openai-response.json", QJsonDocument(response));
    QVERIFY2(response == expected.object(), qPrintable(pretty(response)));
    QCOMPARE(response.value("usage").toObject(), parse(R"({"prompt_tokens":9,"total_tokens":9})"));
    QCOMPARE(toOpenAIResponse(fixtures.json("embed.cohere.json"), QStringLiteral("embedder")),
             response);
}

void TestOpenAICohere::rerankGolden()
{
    QString error;
    const QJsonObject request =
        toRerankRequest(parse(R"({"model":"rerank-v3.5","query":"capital of the USA","documents":[
            "Carson City is the capital of Nevada.",{"text":"Paris is in France."},
            "Washington, D.C. is the capital of the United States."],"top_n":2,
            "return_documents":true})"),
                        &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(request, parse(R"({"model":"rerank-v3.5","query":"capital of the USA","documents":[
        "Carson City is the capital of Nevada.","Paris is in France.",
        "Washington, D.C. is the capital of the United States."],"top_n":2})"));
    const QJsonObject response = toRerankResponse(fixtures.json("rerank.cohere.json"));
    QCOMPARE(response, parse(R"({"id":"07734bd2-2473-4f07-94e1-0d9f0e6843cf","results":[
        {"index":2,"relevance_score":0.9987},{"index":0,"relevance_score":0.4162}],
        "meta":{"api_version":{"version":"2"},"billed_units":{"search_units":1}}})"));
    QVERIFY(!response.contains("usage")); // Search units are not tokens.
    QCOMPARE(toOpenAIResponse(fixtures.json("rerank.cohere.json"), QStringLiteral("r")), response);
    // Token counts, when Cohere reports them, become the usage.
    const QJsonObject withTokens =
        toRerankResponse(parse(R"({"id":"x","results":[],"meta":{"tokens":{"input_tokens":31}}})"));
    QCOMPARE(withTokens.value("usage").toObject(),
             parse(R"({"input_tokens":31,"output_tokens":0,"total_tokens":31})"));
}

void TestOpenAICohere::rerankRequestErrors_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<QString>("field");
    QTest::newRow("no query") << QByteArray(R"({"model":"r","documents":["a"]})") << "query";
    QTest::newRow("no documents") << QByteArray(R"({"model":"r","query":"q"})") << "documents";
    QTest::newRow("bad document") << QByteArray(R"({"model":"r","query":"q","documents":[1]})")
                                  << "documents.0";
    QTest::newRow("top_n") << QByteArray(R"({"model":"r","query":"q","documents":["a"],
        "top_n":-1})") << "top_n";
}

void TestOpenAICohere::rerankRequestErrors()
{
    QFETCH(QByteArray, request);
    QFETCH(QString, field);
    QString error;
    QVERIFY(toRerankRequest(parse(request), &error).isEmpty());
    QVERIFY2(error.startsWith(field + QLatin1Char(':')), qPrintable(error));
}

void TestOpenAICohere::requestDispatchByShape()
{
    QString error;
    QVERIFY(toCohereRequest(parse(R"({"model":"e","input":"x"})"), &error).contains("texts"));
    QVERIFY(toCohereRequest(parse(R"({"model":"r","query":"q","documents":["d"]})"), &error)
                .contains("query"));
    QVERIFY(toCohereRequest(parse(R"({"model":"m","messages":[]})"), &error).contains("messages"));
}

void TestOpenAICohere::errorMessage_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("message");
    QTest::newRow("cohere error") << QByteArray(R"({"id":"9c1d2a","message":"invalid api token"})")
                                  << "invalid api token";
    QTest::newRow("no message") << QByteArray(R"({"id":"x"})") << "";
    QTest::newRow("not JSON") << QByteArray("upstream connect error") << "";
}

void TestOpenAICohere::errorMessage()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, message);
    QCOMPARE(OpenAICohere::errorMessage(body), message);
}

QTEST_GUILESS_MAIN(TestOpenAICohere)
#include "tst_openaicohere.moc"
