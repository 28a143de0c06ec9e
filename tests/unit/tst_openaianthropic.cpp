// OpenAI Chat Completions → native Anthropic upstream conversion: golden request/response pairs,
// the stream decoder fed through SseParser at every byte split, and error extraction.
#include "golden.h"
#include "protocol/openaianthropic.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace OpenAIAnthropic;

namespace {

using Golden::parse;
using Golden::pretty;

const Golden::Fixtures fixtures(QStringLiteral("openaianthropic"));

QJsonArray parseArray(const QByteArray &json)
{
    return parse("{\"a\":" + json + "}").value("a").toArray();
}

/// Converts \a request for model "claude-up"; warns on a conversion error.
QJsonObject converted(const QByteArray &request)
{
    QString error;
    const QJsonObject out = toAnthropicRequest(parse(request), QStringLiteral("claude-up"), &error);
    if (!error.isEmpty())
        qWarning("conversion error: %s", qPrintable(error));
    return out;
}

QJsonObject withoutCreated(QJsonObject object)
{
    object.remove("created");
    return object;
}

/// Feeds Anthropic SSE \a pieces through SseParser into a decoder, as the relay does.
QList<QJsonObject> decodeStream(const QList<QByteArray> &pieces, Usage *usage = nullptr)
{
    AnthropicStreamDecoder decoder(QStringLiteral("claude-client-alias"));
    QList<QJsonObject> out;
    for (const SseParser::Event &event : Golden::sseEvents(pieces))
        if (!event.isCommentOnly)
            out += decoder.onEvent(event.event, QJsonDocument::fromJson(event.data).object());
    out += decoder.finish();
    if (usage)
        *usage = decoder.usage();
    return out;
}

QJsonArray comparable(const QList<QJsonObject> &chunks)
{
    QJsonArray out;
    for (const QJsonObject &chunk : chunks)
        out.append(withoutCreated(chunk));
    return out;
}

} // namespace

class TestOpenAIAnthropic : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void requestGolden();
    void requestUserParts_data();
    void requestUserParts();
    void requestRoleMerging();
    void requestToolResultsLeadTheirTurn();
    void requestReasoningWithoutSignatureIsDropped();
    void requestSystemCacheControl();
    void requestMessageCacheControl();
    void requestDefaults();
    void requestTemperatureClamp_data();
    void requestTemperatureClamp();
    void requestStopSequences();
    void toolChoice_data();
    void toolChoice();
    void toolDefaultSchema();
    void reasoningEffort_data();
    void reasoningEffort();
    void reasoningNotEnabledWhenAnthropicWouldReject_data();
    void reasoningNotEnabledWhenAnthropicWouldReject();
    void requestErrorsNameTheField_data();
    void requestErrorsNameTheField();
    void responseGolden();
    void responseStopReasons_data();
    void responseStopReasons();
    void responseWithoutText();
    void streamGolden();
    void streamAtEverySplit();
    void streamOneByteAtATime();
    void streamUsage();
    void streamErrorEvent();
    void streamCutShort();
    void streamEndedAfterMessageDelta();
    void streamThinkingBlocksAreSeparated();
    void errorMessage_data();
    void errorMessage();
};

// Slot bodies are defined out of line: moc misreads "//" and \" inside raw strings in a class.

void TestOpenAIAnthropic::requestGolden()
{
    QString error;
    const QJsonObject out = toAnthropicRequest(parse(fixtures.read("request.openai.json")),
                                               QStringLiteral("claude-sonnet-4-5"), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const QJsonDocument expected = fixtures.golden("request.anthropic.json", QJsonDocument(out));
    QVERIFY2(out == expected.object(), qPrintable(pretty(out)));
}

void TestOpenAIAnthropic::requestUserParts_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QByteArray>("expected"); // Anthropic content of the user turn.
    QTest::newRow("string") << QByteArray(R"("Hi")") << QByteArray(R"("Hi")");
    QTest::newRow("one text part → string")
        << QByteArray(R"([{"type":"text","text":"Hi"}])") << QByteArray(R"("Hi")");
    QTest::newRow("two text parts, empty one dropped")
        << QByteArray(R"([{"type":"text","text":"a"},{"type":"text","text":""},
                         {"type":"text","text":"b"}])")
        << QByteArray(R"([{"type":"text","text":"a"},{"type":"text","text":"b"}])");
    QTest::newRow("text part with cache_control stays a block")
        << QByteArray(R"([{"type":"text","text":"a","cache_control":{"type":"ephemeral"}}])")
        << QByteArray(R"([{"type":"text","text":"a","cache_control":{"type":"ephemeral"}}])");
    QTest::newRow("image data URL → base64")
        << QByteArray(R"([{"type":"image_url","image_url":{"url":"data:image/jpeg;base64,AAA"}}])")
        << QByteArray(R"([{"type":"image","source":{"type":"base64","media_type":"image/jpeg",
                         "data":"AAA"}}])");
    QTest::newRow("image https URL → url source")
        << QByteArray(R"([{"type":"image_url","image_url":{"url":"https://x/i.png"}}])")
        << QByteArray(R"([{"type":"image","source":{"type":"url","url":"https://x/i.png"}}])");
    QTest::newRow("image URL as a bare string")
        << QByteArray(R"([{"type":"image_url","image_url":"http://x/i.png"}])")
        << QByteArray(R"([{"type":"image","source":{"type":"url","url":"http://x/i.png"}}])");
    QTest::newRow("PDF file → document")
        << QByteArray(R"([{"type":"file","file":{"file_data":"data:application/pdf;base64,JVB"}}])")
        << QByteArray(R"([{"type":"document","source":{"type":"base64",
                         "media_type":"application/pdf","data":"JVB"}}])");
    QTest::newRow("plain-text file → text document with title")
        << QByteArray(R"([{"type":"file","file":{"filename":"n.txt",
                         "file_data":"data:text/plain;base64,aMOpbGxv"}}])")
        << QByteArray(R"([{"type":"document","title":"n.txt","source":{"type":"text",
                         "media_type":"text/plain","data":"héllo"}}])");
}

void TestOpenAIAnthropic::requestUserParts()
{
    QFETCH(QByteArray, content);
    QFETCH(QByteArray, expected);
    const QJsonObject out =
        converted(R"({"messages":[{"role":"user","content":)" + content + "}]}");
    const QJsonValue actual = out.value("messages").toArray().first().toObject().value("content");
    const QJsonValue wanted = parse("{\"a\":" + expected + "}").value("a");
    QVERIFY2(actual == wanted, qPrintable(pretty(out)));
}

void TestOpenAIAnthropic::requestRoleMerging()
{
    const QJsonObject out = converted(R"({"messages":[
        {"role":"user","content":"a"},
        {"role":"system","content":"late system"},
        {"role":"user","content":[{"type":"text","text":"b"}]},
        {"role":"assistant","content":"c"},
        {"role":"assistant","content":null,"tool_calls":[{"id":"t1","type":"function",
          "function":{"name":"f","arguments":""}}]},
        {"role":"tool","tool_call_id":"t1","content":"r1"},
        {"role":"tool","tool_call_id":"t2","content":""},
        {"role":"user","content":"d"},
        {"role":"assistant","content":""}]})");
    QCOMPARE(out.value("system").toString(), QStringLiteral("late system"));
    const QJsonArray expected = parseArray(R"([
        {"role":"user","content":[{"type":"text","text":"a"},{"type":"text","text":"b"}]},
        {"role":"assistant","content":[{"type":"text","text":"c"},
          {"type":"tool_use","id":"t1","name":"f","input":{}}]},
        {"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":"r1"},
          {"type":"tool_result","tool_use_id":"t2"},{"type":"text","text":"d"}]}])");
    QVERIFY2(out.value("messages").toArray() == expected,
             qPrintable(pretty(out.value("messages").toArray())));
}

void TestOpenAIAnthropic::requestToolResultsLeadTheirTurn()
{
    // A user message before the tool messages (unusual order) must not precede tool_result.
    const QJsonObject out = converted(R"({"messages":[
        {"role":"assistant","content":null,"tool_calls":[{"id":"t1","type":"function",
          "function":{"name":"f","arguments":"{\"x\":1}"}}]},
        {"role":"user","content":"note"},
        {"role":"tool","tool_call_id":"t1","content":[{"type":"text","text":"ok"},
          {"type":"image_url","image_url":{"url":"https://x/p.png"}}]}]})");
    const QJsonArray expected = parseArray(R"([
        {"role":"assistant","content":[{"type":"tool_use","id":"t1","name":"f","input":{"x":1}}]},
        {"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":[
          {"type":"text","text":"ok"},
          {"type":"image","source":{"type":"url","url":"https://x/p.png"}}]},
          {"type":"text","text":"note"}]}])");
    QVERIFY2(out.value("messages").toArray() == expected,
             qPrintable(pretty(out.value("messages").toArray())));
}

void TestOpenAIAnthropic::requestReasoningWithoutSignatureIsDropped()
{
    const QJsonObject out = converted(R"({"messages":[{"role":"user","content":"q"},
        {"role":"assistant","content":"a","reasoning_content":"unsigned thoughts"}]})");
    QCOMPARE(out.value("messages").toArray().at(1).toObject().value("content").toString(),
             QStringLiteral("a"));
}

void TestOpenAIAnthropic::requestSystemCacheControl()
{
    const QJsonObject out = converted(R"({"messages":[
        {"role":"system","content":[{"type":"text","text":"long prefix",
          "cache_control":{"type":"ephemeral","ttl":"1h"}}]},
        {"role":"developer","content":"rules"},
        {"role":"user","content":"q"}]})");
    QCOMPARE(out.value("system").toArray(), parseArray(R"([{"type":"text","text":"long prefix",
                             "cache_control":{"type":"ephemeral","ttl":"1h"}},
                            {"type":"text","text":"rules"}])"));
}

void TestOpenAIAnthropic::requestMessageCacheControl()
{
    // A message-level cache_control marks the message's last block.
    const QJsonObject out = converted(R"({"messages":[{"role":"user",
        "cache_control":{"type":"ephemeral"},
        "content":[{"type":"text","text":"a"},{"type":"text","text":"b"}]}]})");
    QCOMPARE(out.value("messages").toArray().first().toObject().value("content").toArray(),
             parseArray(R"([{"type":"text","text":"a"},
                 {"type":"text","text":"b","cache_control":{"type":"ephemeral"}}])"));
}

void TestOpenAIAnthropic::requestDefaults()
{
    const QJsonObject out = converted(R"({"model":"alias","messages":[
        {"role":"user","content":"q"}],"stream":false,"user":""})");
    QCOMPARE(out, parse(R"({"model":"claude-up","max_tokens":4096,
                            "messages":[{"role":"user","content":"q"}]})"));
    QCOMPARE(converted(R"({"messages":[],"max_tokens":77})").value("max_tokens").toInteger(),
             qint64(77));
    QCOMPARE(converted(R"({"messages":[],"max_tokens":77,"max_completion_tokens":null})")
                 .value("max_tokens")
                 .toInteger(),
             qint64(77));
}

void TestOpenAIAnthropic::requestTemperatureClamp_data()
{
    QTest::addColumn<double>("temperature");
    QTest::addColumn<double>("expected");
    QTest::newRow("0") << 0.0 << 0.0;
    QTest::newRow("0.7") << 0.7 << 0.7;
    QTest::newRow("2 → 1") << 2.0 << 1.0;
    QTest::newRow("-1 → 0") << -1.0 << 0.0;
}

void TestOpenAIAnthropic::requestTemperatureClamp()
{
    QFETCH(double, temperature);
    QFETCH(double, expected);
    const QJsonObject out = converted(R"({"messages":[],"top_p":0.5,"temperature":)" +
                                      QByteArray::number(temperature) + "}");
    QCOMPARE(out.value("temperature").toDouble(), expected);
    QCOMPARE(out.value("top_p").toDouble(), 0.5);
}

void TestOpenAIAnthropic::requestStopSequences()
{
    QCOMPARE(converted(R"({"messages":[],"stop":"X"})").value("stop_sequences").toArray(),
             parseArray(R"(["X"])"));
    QCOMPARE(converted(R"({"messages":[],"stop":["A","","B"]})").value("stop_sequences").toArray(),
             parseArray(R"(["A","B"])"));
    QVERIFY(!converted(R"({"messages":[],"stop":null})").contains("stop_sequences"));
    QVERIFY(!converted(R"({"messages":[],"stop":[]})").contains("stop_sequences"));
}

void TestOpenAIAnthropic::toolChoice_data()
{
    QTest::addColumn<QByteArray>("fields");   // Extra request fields.
    QTest::addColumn<QByteArray>("expected"); // tool_choice, or null when absent.
    QTest::newRow("absent") << QByteArray() << QByteArray("null");
    QTest::newRow("auto") << QByteArray(R"(,"tool_choice":"auto")")
                          << QByteArray(R"({"type":"auto"})");
    QTest::newRow("none") << QByteArray(R"(,"tool_choice":"none")")
                          << QByteArray(R"({"type":"none"})");
    QTest::newRow("required → any")
        << QByteArray(R"(,"tool_choice":"required")") << QByteArray(R"({"type":"any"})");
    QTest::newRow("function → tool")
        << QByteArray(R"(,"tool_choice":{"type":"function","function":{"name":"f"}})")
        << QByteArray(R"({"type":"tool","name":"f"})");
    QTest::newRow("no parallel, no choice → auto with flag")
        << QByteArray(R"(,"parallel_tool_calls":false)")
        << QByteArray(R"({"type":"auto","disable_parallel_tool_use":true})");
    QTest::newRow("no parallel + required")
        << QByteArray(R"(,"parallel_tool_calls":false,"tool_choice":"required")")
        << QByteArray(R"({"type":"any","disable_parallel_tool_use":true})");
    QTest::newRow("no parallel + function")
        << QByteArray(
               R"(,"parallel_tool_calls":false,"tool_choice":{"type":"function","function":{"name":"f"}})")
        << QByteArray(R"({"type":"tool","name":"f","disable_parallel_tool_use":true})");
    QTest::newRow("no parallel + none: flag not allowed on none")
        << QByteArray(R"(,"parallel_tool_calls":false,"tool_choice":"none")")
        << QByteArray(R"({"type":"none"})");
    QTest::newRow("parallel true")
        << QByteArray(R"(,"parallel_tool_calls":true)") << QByteArray("null");
}

void TestOpenAIAnthropic::toolChoice()
{
    QFETCH(QByteArray, fields);
    QFETCH(QByteArray, expected);
    const QJsonObject out = converted(R"({"messages":[],"tools":[{"type":"function",
        "function":{"name":"f","parameters":{"type":"object"}}}])" +
                                      fields + "}");
    QCOMPARE(out.value("tools").toArray().size(), 1);
    const QJsonValue wanted = parse("{\"a\":" + expected + "}").value("a");
    QCOMPARE(out.contains("tool_choice"), !wanted.isNull());
    if (!wanted.isNull())
        QCOMPARE(out.value("tool_choice").toObject(), wanted.toObject());

    // Without tools a tool_choice means nothing to Anthropic and is dropped.
    const QJsonObject noTools = converted(R"({"messages":[])" + fields + "}");
    QVERIFY(!noTools.contains("tools"));
    QVERIFY(!noTools.contains("tool_choice"));
}

void TestOpenAIAnthropic::toolDefaultSchema()
{
    const QJsonObject out = converted(R"({"messages":[],"tools":[
        {"type":"function","function":{"name":"a"}},
        {"function":{"name":"b","parameters":{"properties":{"x":{"type":"string"}}},
          "strict":true,"description":""}}]})");
    QCOMPARE(out.value("tools").toArray(), parseArray(R"([
        {"name":"a","input_schema":{"type":"object"}},
        {"name":"b","input_schema":{"type":"object","properties":{"x":{"type":"string"}}}}])"));
}

void TestOpenAIAnthropic::reasoningEffort_data()
{
    QTest::addColumn<QString>("effort");
    QTest::addColumn<int>("maxTokens"); // 0: absent
    QTest::addColumn<int>("budget");    // 0: no thinking
    QTest::addColumn<int>("expectedMaxTokens");
    QTest::newRow("none") << "none" << 0 << 0 << 4096;
    QTest::newRow("minimal") << "minimal" << 0 << 1024 << 4096;
    QTest::newRow("low") << "low" << 0 << 2048 << 4096;
    QTest::newRow("medium, default max → budget + 4096") << "medium" << 0 << 8192 << 12288;
    QTest::newRow("medium, room left") << "medium" << 10000 << 8192 << 10000;
    QTest::newRow("high, max = budget → raised") << "high" << 16384 << 16384 << 32768;
    QTest::newRow("xhigh, small max") << "xhigh" << 100 << 32768 << 32868;
}

void TestOpenAIAnthropic::reasoningEffort()
{
    QFETCH(QString, effort);
    QFETCH(int, maxTokens);
    QFETCH(int, budget);
    QFETCH(int, expectedMaxTokens);
    QByteArray request = R"({"messages":[{"role":"user","content":"q"}],"temperature":0.2,
        "top_p":0.5,"reasoning_effort":")" +
                         effort.toUtf8() + '"';
    if (maxTokens > 0)
        request += ",\"max_completion_tokens\":" + QByteArray::number(maxTokens);
    const QJsonObject out = converted(request + "}");
    QCOMPARE(out.value("max_tokens").toInt(), expectedMaxTokens);
    if (budget == 0) {
        QVERIFY(!out.contains("thinking"));
        QCOMPARE(out.value("temperature").toDouble(), 0.2);
        return;
    }
    QCOMPARE(out.value("thinking").toObject(),
             QJsonObject({{"type", "enabled"}, {"budget_tokens", budget}}));
    QVERIFY(out.value("max_tokens").toInt() > budget);
    QVERIFY(!out.contains("temperature")); // Rejected by Anthropic with thinking on.
    QVERIFY(!out.contains("top_p"));
}

void TestOpenAIAnthropic::reasoningNotEnabledWhenAnthropicWouldReject_data()
{
    QTest::addColumn<QByteArray>("fields");
    QTest::addColumn<bool>("thinking");
    const QByteArray tools = R"(,"tools":[{"type":"function","function":{"name":"f"}}])";
    QTest::newRow("forced tool") << QByteArray(tools + R"(,"tool_choice":"required")") << false;
    QTest::newRow("named tool")
        << QByteArray(tools + R"(,"tool_choice":{"type":"function","function":{"name":"f"}})")
        << false;
    QTest::newRow("auto tool choice") << QByteArray(tools + R"(,"tool_choice":"auto")") << true;
    const QByteArray call = R"({"role":"user","content":"q"},{"role":"assistant",)"
                            R"("tool_calls":[{"id":"t","type":"function",)"
                            R"("function":{"name":"f","arguments":"{}"}}]},)"
                            R"({"role":"tool","tool_call_id":"t","content":"r"})";
    QTest::newRow("unsigned tool-use turn") << QByteArray(R"(,"messages":[)" + call + "]") << false;
    QByteArray signedCall = call;
    signedCall.replace(R"("role":"assistant",)",
                       R"("role":"assistant","reasoning_content":"t","reasoning_signature":"s",)");
    QTest::newRow("signed tool-use turn")
        << QByteArray(R"(,"messages":[)" + signedCall + "]") << true;
    QTest::newRow("tool use answered, then a text turn")
        << QByteArray(R"(,"messages":[)" + call +
                      R"(,{"role":"assistant","content":"done"},{"role":"user","content":"more"}])")
        << true;
}

void TestOpenAIAnthropic::reasoningNotEnabledWhenAnthropicWouldReject()
{
    QFETCH(QByteArray, fields);
    QFETCH(bool, thinking);
    QByteArray request = R"({"reasoning_effort":"low")" + fields;
    if (!fields.contains("\"messages\""))
        request += R"(,"messages":[{"role":"user","content":"q"}])";
    const QJsonObject out = converted(request + "}");
    QVERIFY(out.contains("messages"));
    QCOMPARE(out.contains("thinking"), thinking);
}

void TestOpenAIAnthropic::requestErrorsNameTheField_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<QString>("field");
    QTest::newRow("messages") << QByteArray(R"({"model":"m"})") << "messages";
    QTest::newRow("role") << QByteArray(R"({"messages":[{"role":"function","content":"x"}]})")
                          << "messages.0.role";
    QTest::newRow("part type") << QByteArray(R"({"messages":[{"role":"user","content":[
                         {"type":"text","text":"x"},{"type":"input_audio"}]}]})")
                               << "messages.0.content.1.type";
    QTest::newRow("image in system") << QByteArray(R"({"messages":[{"role":"system","content":[
                         {"type":"image_url","image_url":{"url":"https://x"}}]}]})")
                                     << "messages.0.content.0.type";
    QTest::newRow("image URL scheme") << QByteArray(R"({"messages":[{"role":"user","content":[
                         {"type":"image_url","image_url":{"url":"ftp://x/i.png"}}]}]})")
                                      << "messages.0.content.0.image_url.url";
    QTest::newRow("file id") << QByteArray(R"({"messages":[{"role":"user","content":[
                         {"type":"file","file":{"file_id":"file-1"}}]}]})")
                             << "messages.0.content.0.file.file_id";
    QTest::newRow("file type") << QByteArray(R"({"messages":[{"role":"user","content":[
                         {"type":"file","file":{"file_data":"data:image/png;base64,AA"}}]}]})")
                               << "messages.0.content.0.file.file_data";
    QTest::newRow("content type") << QByteArray(R"({"messages":[{"role":"user","content":5}]})")
                                  << "messages.0.content";
    QTest::newRow("tool_call_id") << QByteArray(R"({"messages":[{"role":"tool","content":"x"}]})")
                                  << "messages.0.tool_call_id";
    QTest::newRow("tool call name") << QByteArray(R"({"messages":[{"role":"assistant",
                         "tool_calls":[{"id":"a","type":"function","function":{}}]}]})")
                                    << "messages.0.tool_calls.0";
    QTest::newRow("tool type") << QByteArray(R"({"messages":[],"tools":[{"type":"custom",
                         "custom":{"name":"x"}}]})")
                               << "tools.0.type";
    QTest::newRow("tool name") << QByteArray(R"({"messages":[],"tools":[{"type":"function",
                         "function":{}}]})")
                               << "tools.0.function.name";
    QTest::newRow("tool_choice") << QByteArray(R"({"messages":[],"tools":[{"type":"function",
                         "function":{"name":"f"}}],"tool_choice":"sometimes"})")
                                 << "tool_choice";
    QTest::newRow("n") << QByteArray(R"({"messages":[],"n":2})") << "n";
    QTest::newRow("max_tokens") << QByteArray(R"({"messages":[],"max_tokens":0})") << "max_tokens";
    QTest::newRow("max_completion_tokens")
        << QByteArray(R"({"messages":[],"max_completion_tokens":1.5})") << "max_completion_tokens";
    QTest::newRow("reasoning_effort")
        << QByteArray(R"({"messages":[],"reasoning_effort":"extreme"})") << "reasoning_effort";
}

void TestOpenAIAnthropic::requestErrorsNameTheField()
{
    QFETCH(QByteArray, request);
    QFETCH(QString, field);
    QString error;
    const QJsonObject out = toAnthropicRequest(parse(request), QStringLiteral("m"), &error);
    QVERIFY(out.isEmpty());
    QVERIFY2(error.startsWith(field + QLatin1Char(':')), qPrintable(error));
}

void TestOpenAIAnthropic::responseGolden()
{
    const QJsonObject out = toOpenAIResponse(parse(fixtures.read("response.anthropic.json")),
                                             QStringLiteral("claude-client-alias"));
    QVERIFY(out.value("created").toInteger() > 1700000000);
    const QJsonObject actual = withoutCreated(out);
    const QJsonDocument expected = fixtures.golden("response.openai.json", QJsonDocument(actual));
    QVERIFY2(actual == expected.object(), qPrintable(pretty(actual)));
}

void TestOpenAIAnthropic::responseStopReasons_data()
{
    QTest::addColumn<QString>("stopReason");
    QTest::addColumn<QString>("finishReason");
    QTest::newRow("end_turn") << "end_turn"
                              << "stop";
    QTest::newRow("stop_sequence") << "stop_sequence"
                                   << "stop";
    QTest::newRow("pause_turn") << "pause_turn"
                                << "stop";
    QTest::newRow("max_tokens") << "max_tokens"
                                << "length";
    QTest::newRow("context window") << "model_context_window_exceeded"
                                    << "length";
    QTest::newRow("tool_use") << "tool_use"
                              << "tool_calls";
    QTest::newRow("refusal") << "refusal"
                             << "content_filter";
}

void TestOpenAIAnthropic::responseStopReasons()
{
    QFETCH(QString, stopReason);
    QFETCH(QString, finishReason);
    const QJsonObject out =
        toOpenAIResponse(QJsonObject{{"id", "msg_1"},
                                     {"content", parseArray(R"([{"type":"text","text":"x"}])")},
                                     {"stop_reason", stopReason}},
                         QStringLiteral("m"));
    QCOMPARE(out.value("choices").toArray().first().toObject().value("finish_reason").toString(),
             finishReason);
}

void TestOpenAIAnthropic::responseWithoutText()
{
    const QJsonObject out = toOpenAIResponse(
        parse(R"({"id":"msg_2","content":[{"type":"redacted_thinking","data":"xyz"},
            {"type":"thinking","thinking":"a","signature":"s1"},
            {"type":"thinking","thinking":"b","signature":"s2"}],
            "stop_reason":"end_turn","usage":{"input_tokens":3,"output_tokens":4}})"),
        QStringLiteral("m"));
    QCOMPARE(out.value("id").toString(), QStringLiteral("chatcmpl-2"));
    const QJsonObject message =
        out.value("choices").toArray().first().toObject().value("message").toObject();
    // No text → content null; two thinking blocks → joined, no single signature to carry.
    QCOMPARE(message, parse(R"({"role":"assistant","content":null,"reasoning_content":"a\nb"})"));
    QCOMPARE(out.value("usage").toObject(),
             parse(R"({"prompt_tokens":3,"completion_tokens":4,"total_tokens":7,
                       "prompt_tokens_details":{"cached_tokens":0,"cache_creation_tokens":0}})"));
}

void TestOpenAIAnthropic::streamGolden()
{
    const QList<QJsonObject> chunks = decodeStream({fixtures.read("stream.anthropic.sse")});
    for (const QJsonObject &chunk : chunks)
        QVERIFY(chunk.value("created").toInteger() > 1700000000);
    const QJsonArray actual = comparable(chunks);
    const QJsonDocument expected = fixtures.golden("stream.openai.json", QJsonDocument(actual));
    QVERIFY2(actual == expected.array(), qPrintable(pretty(actual)));
}

void TestOpenAIAnthropic::streamAtEverySplit()
{
    const QJsonArray expected = fixtures.jsonArray("stream.openai.json");
    QVERIFY(expected.size() > 10);
    QCOMPARE(Golden::firstBadSplit(
                 fixtures.read("stream.anthropic.sse"), expected,
                 [&](const QList<QByteArray> &pieces) { return comparable(decodeStream(pieces)); }),
             qsizetype(-1));
}

void TestOpenAIAnthropic::streamOneByteAtATime()
{
    QCOMPARE(
        comparable(decodeStream(Golden::oneByteAtATime(fixtures.read("stream.anthropic.sse")))),
        fixtures.jsonArray("stream.openai.json"));
}

void TestOpenAIAnthropic::streamUsage()
{
    // message_delta's usage replaces message_start's (cache creation 0 → 512).
    Usage usage;
    decodeStream({fixtures.read("stream.anthropic.sse")}, &usage);
    QCOMPARE(usage.inputTokens, qint64(472 + 2048 + 512));
    QCOMPARE(usage.cachedTokens, qint64(2048));
    QCOMPARE(usage.cacheCreationTokens, qint64(512));
    QCOMPARE(usage.outputTokens, qint64(89));
    QCOMPARE(usage.totalTokens, qint64(472 + 2048 + 512 + 89));

    // A message_delta with output tokens only keeps message_start's input counts.
    AnthropicStreamDecoder decoder(QStringLiteral("m"));
    decoder.onEvent("message_start", parse(R"({"type":"message_start","message":{"id":"msg_u",
        "usage":{"input_tokens":10,"cache_read_input_tokens":5,"output_tokens":1}}})"));
    decoder.onEvent("message_delta", parse(R"({"type":"message_delta",
        "delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":7}})"));
    const QList<QJsonObject> last = decoder.onEvent("message_stop", parse(R"({})"));
    QCOMPARE(last.size(), 1);
    QCOMPARE(last.first().value("usage").toObject(),
             parse(R"({"prompt_tokens":15,"completion_tokens":7,"total_tokens":22,
                       "prompt_tokens_details":{"cached_tokens":5,"cache_creation_tokens":0}})"));
    QCOMPARE(last.first().value("choices").toArray().size(), 0);
    QVERIFY(decoder.isFinished());
    QVERIFY(decoder.finish().isEmpty());
}

void TestOpenAIAnthropic::streamErrorEvent()
{
    const QByteArray stream = fixtures.read("stream.anthropic.sse");
    const qsizetype cut = stream.indexOf("event: content_block_start\ndata: {\"type\":"
                                         "\"content_block_start\",\"index\":1");
    QVERIFY(cut > 0);
    const QByteArray broken =
        stream.first(cut) +
        "event: error\ndata: {\"type\": \"error\", \"error\": {\"type\": \"overloaded_error\", "
        "\"message\": \"Overloaded\"}}\n\n" +
        stream.sliced(cut);
    const QList<QJsonObject> chunks = decodeStream({broken});
    QVERIFY(chunks.size() >= 2);
    QCOMPARE(chunks.last(),
             parse(R"({"error":{"message":"Overloaded","type":"overloaded_error"}})"));
    QCOMPARE(chunks.first().value("choices").toArray().first().toObject().value("delta"),
             QJsonValue(parse(R"({"role":"assistant","content":""})")));
    for (const QJsonObject &chunk : chunks.first(chunks.size() - 1))
        QVERIFY(!chunk.contains("usage")); // Nothing after the error, no usage chunk.
}

void TestOpenAIAnthropic::streamCutShort()
{
    const QByteArray stream = fixtures.read("stream.anthropic.sse");
    const QList<QJsonObject> chunks =
        decodeStream({stream.first(stream.indexOf("event: message_delta"))});
    QCOMPARE(chunks.last(),
             parse(R"({"error":{"message":"the Anthropic stream ended before message_stop",
                                "type":"upstream_error"}})"));
}

void TestOpenAIAnthropic::streamEndedAfterMessageDelta()
{
    const QByteArray stream = fixtures.read("stream.anthropic.sse");
    const QList<QJsonObject> chunks =
        decodeStream({stream.first(stream.indexOf("event: message_stop"))});
    QCOMPARE(comparable(chunks), fixtures.jsonArray("stream.openai.json"));
}

void TestOpenAIAnthropic::streamThinkingBlocksAreSeparated()
{
    AnthropicStreamDecoder decoder(QStringLiteral("m"));
    QList<QJsonObject> out;
    const auto feed = [&](const char *name, const QByteArray &json) {
        out += decoder.onEvent(name, parse(json));
    };
    feed("message_start", R"({"message":{"id":"msg_t","usage":{"input_tokens":1}}})");
    feed("content_block_start", R"({"index":0,"content_block":{"type":"thinking","thinking":""}})");
    feed("content_block_delta", R"({"index":0,"delta":{"type":"thinking_delta","thinking":"a"}})");
    feed("content_block_stop", R"({"index":0})");
    feed("content_block_start", R"({"index":1,"content_block":{"type":"redacted_thinking",
        "data":"x"}})");
    feed("content_block_stop", R"({"index":1})");
    feed("content_block_start", R"({"index":2,"content_block":{"type":"thinking","thinking":""}})");
    feed("content_block_delta", R"({"index":2,"delta":{"type":"thinking_delta","thinking":"b"}})");
    QStringList reasoning;
    for (const QJsonObject &chunk : std::as_const(out)) {
        const QJsonObject delta =
            chunk.value("choices").toArray().first().toObject().value("delta").toObject();
        if (delta.contains("reasoning_content"))
            reasoning << delta.value("reasoning_content").toString();
    }
    QCOMPARE(reasoning, (QStringList{"a", "\nb"}));
    QCOMPARE(out.first().value("id").toString(), QStringLiteral("chatcmpl-t"));
}

void TestOpenAIAnthropic::errorMessage_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("message");
    QTest::newRow("anthropic error")
        << QByteArray(R"({"type":"error","error":{"type":"invalid_request_error",
                         "message":"max_tokens: Field required"},"request_id":"req_1"})")
        << "max_tokens: Field required";
    QTest::newRow("type only") << QByteArray(R"({"type":"error","error":{"type":"api_error"}})")
                               << "api_error";
    QTest::newRow("not JSON") << QByteArray("<html>502</html>") << "";
    QTest::newRow("empty") << QByteArray() << "";
}

void TestOpenAIAnthropic::errorMessage()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, message);
    QCOMPARE(anthropicErrorMessage(body), message);
}

QTEST_APPLESS_MAIN(TestOpenAIAnthropic)
#include "tst_openaianthropic.moc"
