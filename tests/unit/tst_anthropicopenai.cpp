// Anthropic Messages ⇄ OpenAI Chat Completions conversion: golden request/response pairs, the
// stream encoder fed through SseParser at every byte split, and error mapping.
#include "golden.h"
#include "protocol/anthropicopenai.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace AnthropicOpenAI;

namespace {

using Golden::parse;
using Golden::pretty;
using Golden::sseData;

const Golden::Fixtures fixtures(QStringLiteral("anthropic"));

/// Converts \a request; fails the test on an error.
QJsonObject converted(const char *request)
{
    QString error;
    const QJsonObject out = toOpenAIRequest(parse(request), &error);
    if (!error.isEmpty())
        qWarning("conversion error: %s", qPrintable(error));
    return out;
}

QString conversionError(const char *request)
{
    QString error;
    const QJsonObject out = toOpenAIRequest(parse(request), &error);
    return out.isEmpty() ? error : QStringLiteral("<no error>");
}

/// Feeds OpenAI SSE \a pieces through SseParser into an encoder, as the relay does.
QByteArray encodeStream(const QList<QByteArray> &pieces, const QString &error = {})
{
    AnthropicStreamEncoder encoder(QStringLiteral("claude-sonnet-4-5"), 7);
    return Golden::encodeOpenAIStream(encoder, pieces, error);
}

} // namespace

class TestAnthropicOpenAI : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void requestGolden();
    void requestStringSystemAndContent();
    void requestBlocks_data();
    void requestBlocks();
    void requestAssistantBlocks();
    void toolChoice_data();
    void toolChoice();
    void toolChoiceWithoutToolsIsDropped();
    void thinkingBudgetToEffort_data();
    void thinkingBudgetToEffort();
    void adaptiveThinkingEffort();
    void systemMessagesInTheConversation();
    void requestErrorsNameTheField_data();
    void requestErrorsNameTheField();
    void responseGolden();
    void responseStopReasons_data();
    void responseStopReasons();
    void responseDeepSeekCacheHits();
    void streamGolden();
    void streamAtEverySplit();
    void streamOneByteAtATime();
    void streamEventSequenceIsWellFormed();
    void streamErrorMidway();
    void streamFirstUsageChunkFeedsMessageStart();
    void streamEmptyUpstream();
    void streamToolNameAfterArguments();
    void streamStopSequence();
    void errorBodies_data();
    void errorBodies();
    void estimateTokens();
};

// Slot bodies are defined out of line: moc misreads "//" and \" inside raw strings in a class.

void TestAnthropicOpenAI::requestGolden()
{
    QString error;
    const QJsonObject out = toOpenAIRequest(fixtures.json("request.anthropic.json"), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const QJsonObject expected = fixtures.json("request.openai.json");
    QVERIFY2(out == expected, qPrintable(pretty(out)));
}

void TestAnthropicOpenAI::requestStringSystemAndContent()
{
    const QJsonObject out = converted(R"({"model":"m","max_tokens":5,"system":"Be nice.",
        "messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello"}]})");
    QCOMPARE(out.value("messages").toArray(), parse(R"({"a":[{"role":"system","content":"Be nice."},
                           {"role":"user","content":"Hi"},
                           {"role":"assistant","content":"Hello"}]})")
                                                  .value("a")
                                                  .toArray());
    QVERIFY(!out.contains("stream"));
    QVERIFY(!out.contains("tools"));
    QVERIFY(!out.contains("reasoning_effort"));
}

void TestAnthropicOpenAI::requestBlocks_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QByteArray>("expectedMessages");
    QTest::newRow("single text block → string") << QByteArray(R"([{"type":"text","text":"a"}])")
                                                << QByteArray(R"([{"role":"user","content":"a"}])");
    QTest::newRow("two text blocks → parts")
        << QByteArray(R"([{"type":"text","text":"a"},{"type":"text","text":"b"}])")
        << QByteArray(R"([{"role":"user","content":[{"type":"text","text":"a"},
                                                     {"type":"text","text":"b"}]}])");
    QTest::newRow("image base64") << QByteArray(R"([{"type":"image","source":{"type":"base64",
                           "media_type":"image/jpeg","data":"AAA"}}])")
                                  << QByteArray(R"([{"role":"user","content":[{"type":"image_url",
                           "image_url":{"url":"data:image/jpeg;base64,AAA"}}]}])");
    QTest::newRow("image url")
        << QByteArray(R"([{"type":"image","source":{"type":"url","url":"https://x/i.png"}}])")
        << QByteArray(R"([{"role":"user","content":[{"type":"image_url",
                           "image_url":{"url":"https://x/i.png"}}]}])");
    QTest::newRow("document pdf without title")
        << QByteArray(R"([{"type":"document","source":{"type":"base64",
                           "media_type":"application/pdf","data":"JVB"}}])")
        << QByteArray(R"([{"role":"user","content":[{"type":"file","file":{
                           "filename":"document.pdf",
                           "file_data":"data:application/pdf;base64,JVB"}}]}])");
    QTest::newRow("document plain text")
        << QByteArray(R"([{"type":"document","source":{"type":"text",
                           "media_type":"text/plain","data":"doc body"}}])")
        << QByteArray(R"([{"role":"user","content":"doc body"}])");
    QTest::newRow("document url → link as text")
        << QByteArray(R"([{"type":"document","source":{"type":"url","url":"https://x/d.pdf"}}])")
        << QByteArray(R"([{"role":"user","content":"[document: https://x/d.pdf]"}])");
    QTest::newRow("tool_result string")
        << QByteArray(R"([{"type":"tool_result","tool_use_id":"t1","content":"42"}])")
        << QByteArray(R"([{"role":"tool","tool_call_id":"t1","content":"42"}])");
    QTest::newRow("tool_result without content")
        << QByteArray(R"([{"type":"tool_result","tool_use_id":"t1"}])")
        << QByteArray(R"([{"role":"tool","tool_call_id":"t1","content":""}])");
    QTest::newRow("tool_result error with image → tool message then user image")
        << QByteArray(R"([{"type":"tool_result","tool_use_id":"t1","is_error":true,
                           "content":[{"type":"text","text":"bad"},{"type":"image",
                           "source":{"type":"url","url":"https://x/s.png"}}]}])")
        << QByteArray(R"([{"role":"tool","tool_call_id":"t1","content":"[tool error] bad"},
                          {"role":"user","content":[{"type":"image_url",
                           "image_url":{"url":"https://x/s.png"}}]}])");
}

void TestAnthropicOpenAI::requestBlocks()
{
    QFETCH(QByteArray, content);
    QFETCH(QByteArray, expectedMessages);
    const QByteArray request = R"({"model":"m","max_tokens":5,"messages":[{"role":"user",
                                  "content":)" +
                               content + "}]}";
    const QJsonObject out = converted(request.constData());
    const QJsonArray expected =
        QJsonDocument::fromJson("{\"a\":" + expectedMessages + "}").object().value("a").toArray();
    QVERIFY2(
        out.value("messages").toArray() == expected,
        qPrintable(QString::fromUtf8(QJsonDocument(out.value("messages").toArray()).toJson())));
}

void TestAnthropicOpenAI::requestAssistantBlocks()
{
    const QJsonObject out = converted(R"({"model":"m","max_tokens":5,"messages":[
        {"role":"assistant","content":[
          {"type":"thinking","thinking":"t1","signature":"s"},
          {"type":"thinking","thinking":"t2","signature":"s"},
          {"type":"tool_use","id":"x","name":"f","input":{}}]},
        {"role":"assistant","content":[{"type":"text","text":"a"},{"type":"text","text":"b"}]}
        ]})");
    const QJsonArray messages = out.value("messages").toArray();
    QCOMPARE(messages.size(), 2);
    const QJsonObject first = messages.at(0).toObject();
    QVERIFY(!first.contains("content")); // Tool calls only: no empty text.
    QCOMPARE(first.value("reasoning_content").toString(), QStringLiteral("t1\nt2"));
    QCOMPARE(first.value("tool_calls")
                 .toArray()
                 .at(0)
                 .toObject()
                 .value("function")
                 .toObject()
                 .value("arguments")
                 .toString(),
             QStringLiteral("{}"));
    QCOMPARE(messages.at(1).toObject().value("content").toString(), QStringLiteral("a\nb"));
}

void TestAnthropicOpenAI::toolChoice_data()
{
    QTest::addColumn<QByteArray>("choice");
    QTest::addColumn<QByteArray>("expected"); // {"tool_choice":…, "parallel_tool_calls":…}
    QTest::newRow("auto") << QByteArray(R"({"type":"auto"})")
                          << QByteArray(R"({"tool_choice":"auto"})");
    QTest::newRow("any") << QByteArray(R"({"type":"any"})")
                         << QByteArray(R"({"tool_choice":"required"})");
    QTest::newRow("none") << QByteArray(R"({"type":"none"})")
                          << QByteArray(R"({"tool_choice":"none"})");
    QTest::newRow("tool") << QByteArray(R"({"type":"tool","name":"f"})")
                          << QByteArray(R"({"tool_choice":{"type":"function",
                                            "function":{"name":"f"}}})");
    QTest::newRow("any, no parallel")
        << QByteArray(R"({"type":"any","disable_parallel_tool_use":true})")
        << QByteArray(R"({"tool_choice":"required","parallel_tool_calls":false})");
    QTest::newRow("absent") << QByteArray("null") << QByteArray("{}");
}

void TestAnthropicOpenAI::toolChoice()
{
    QFETCH(QByteArray, choice);
    QFETCH(QByteArray, expected);
    const QByteArray request =
        R"({"model":"m","max_tokens":5,"messages":[],"tools":[{"name":"f",
           "input_schema":{"type":"object"}}],"tool_choice":)" +
        choice + "}";
    const QJsonObject out = converted(request.constData());
    QJsonObject actual;
    for (const char *key : {"tool_choice", "parallel_tool_calls"})
        if (out.contains(key))
            actual.insert(key, out.value(key));
    QVERIFY2(actual == QJsonDocument::fromJson(expected).object(), qPrintable(pretty(actual)));
}

void TestAnthropicOpenAI::toolChoiceWithoutToolsIsDropped()
{
    // Only server tools: nothing to call upstream, and OpenAI rejects a bare tool_choice.
    const QJsonObject out = converted(R"({"model":"m","max_tokens":5,"messages":[],
        "tools":[{"type":"web_search_20250305","name":"web_search"}],
        "tool_choice":{"type":"any"}})");
    QVERIFY(!out.contains("tools"));
    QVERIFY(!out.contains("tool_choice"));
}

void TestAnthropicOpenAI::thinkingBudgetToEffort_data()
{
    QTest::addColumn<int>("budget");
    QTest::addColumn<QString>("effort");
    QTest::newRow("0 none→minimal") << 0 << "minimal";
    QTest::newRow("1024") << 1024 << "minimal";
    QTest::newRow("1025") << 1025 << "low";
    QTest::newRow("4096") << 4096 << "low";
    QTest::newRow("12288") << 12288 << "medium";
    QTest::newRow("12289") << 12289 << "high";
    QTest::newRow("24576") << 24576 << "high";
    QTest::newRow("32000 xhigh→high") << 32000 << "high";
}

void TestAnthropicOpenAI::thinkingBudgetToEffort()
{
    QFETCH(int, budget);
    QFETCH(QString, effort);
    const QByteArray request =
        R"({"model":"m","max_tokens":5,"messages":[],"thinking":{"type":"enabled",
           "budget_tokens":)" +
        QByteArray::number(budget) + "}}";
    QCOMPARE(converted(request.constData()).value("reasoning_effort").toString(), effort);
    QVERIFY(!converted(R"({"model":"m","max_tokens":5,"messages":[],
                           "thinking":{"type":"disabled"}})")
                 .contains("reasoning_effort"));
}

void TestAnthropicOpenAI::adaptiveThinkingEffort()
{
    // Claude Code: adaptive thinking, effort in output_config.
    const QJsonObject high = converted(R"({"model":"m","max_tokens":5,"messages":[],
        "thinking":{"type":"adaptive","display":"omitted"},"output_config":{"effort":"high"}})");
    QCOMPARE(high.value("reasoning_effort").toString(), QStringLiteral("high"));
    QCOMPARE(converted(R"({"model":"m","max_tokens":5,"messages":[],
                           "output_config":{"effort":"max"}})")
                 .value("reasoning_effort")
                 .toString(),
             QStringLiteral("high"));
    QVERIFY(!converted(R"({"model":"m","max_tokens":5,"messages":[],
                           "thinking":{"type":"adaptive"}})")
                 .contains("reasoning_effort"));
    QVERIFY(!converted(R"({"model":"m","max_tokens":5,"messages":[],
                           "thinking":{"type":"disabled"},"output_config":{"effort":"low"}})")
                 .contains("reasoning_effort"));
}

void TestAnthropicOpenAI::systemMessagesInTheConversation()
{
    const QJsonObject out = converted(R"({"model":"m","max_tokens":5,"system":"top",
        "messages":[{"role":"user","content":"hi"},
                    {"role":"system","content":[{"type":"text","text":"env"},
                                                {"type":"text","text":"more"}]},
                    {"role":"assistant","content":"ok"}]})");
    const QJsonArray messages = out.value("messages").toArray();
    QCOMPARE(messages.size(), 4);
    QCOMPARE(messages.at(0).toObject(), (QJsonObject{{"role", "system"}, {"content", "top"}}));
    QCOMPARE(messages.at(1).toObject().value("role").toString(), QStringLiteral("user"));
    QCOMPARE(messages.at(2).toObject(),
             (QJsonObject{{"role", "system"}, {"content", "env\nmore"}}));
    QCOMPARE(messages.at(3).toObject().value("role").toString(), QStringLiteral("assistant"));
}

void TestAnthropicOpenAI::requestErrorsNameTheField_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<QString>("field");
    QTest::newRow("model") << QByteArray(R"({"max_tokens":5,"messages":[]})") << "model";
    QTest::newRow("max_tokens missing")
        << QByteArray(R"({"model":"m","messages":[]})") << "max_tokens";
    QTest::newRow("max_tokens zero")
        << QByteArray(R"({"model":"m","max_tokens":0,"messages":[]})") << "max_tokens";
    QTest::newRow("max_tokens string")
        << QByteArray(R"({"model":"m","max_tokens":"5","messages":[]})") << "max_tokens";
    QTest::newRow("messages") << QByteArray(R"({"model":"m","max_tokens":5})") << "messages";
    QTest::newRow("role") << QByteArray(
                                 R"({"model":"m","max_tokens":5,"messages":[{"role":"tool",
                         "content":"x"}]})")
                          << "messages.0.role";
    QTest::newRow("system message block")
        << QByteArray(R"({"model":"m","max_tokens":5,"messages":[{"role":"system",
                         "content":[{"type":"image"}]}]})")
        << "messages.0.content.0.type";
    QTest::newRow("effort") << QByteArray(R"({"model":"m","max_tokens":5,"messages":[],
                         "thinking":{"type":"adaptive"},"output_config":{"effort":"huge"}})")
                            << "output_config.effort";
    QTest::newRow("block type") << QByteArray(
                                       R"({"model":"m","max_tokens":5,"messages":[{"role":"user",
                         "content":[{"type":"text","text":"x"},{"type":"video"}]}]})")
                                << "messages.0.content.1.type";
    QTest::newRow("image source") << QByteArray(
                                         R"({"model":"m","max_tokens":5,"messages":[{"role":"user",
                         "content":[{"type":"image","source":{"type":"file"}}]}]})")
                                  << "messages.0.content.0.source";
    QTest::newRow("tool_use_id") << QByteArray(
                                        R"({"model":"m","max_tokens":5,"messages":[{"role":"user",
                         "content":[{"type":"tool_result","content":"x"}]}]})")
                                 << "messages.0.content.0.tool_use_id";
    QTest::newRow("tool_choice name")
        << QByteArray(R"({"model":"m","max_tokens":5,"messages":[],"tools":[{"name":"f",
                         "input_schema":{}}],"tool_choice":{"type":"tool"}})")
        << "tool_choice.name";
    QTest::newRow("thinking budget") << QByteArray(R"({"model":"m","max_tokens":5,"messages":[],
                         "thinking":{"type":"enabled"}})")
                                     << "thinking.budget_tokens";
}

void TestAnthropicOpenAI::requestErrorsNameTheField()
{
    QFETCH(QByteArray, request);
    QFETCH(QString, field);
    const QString error = conversionError(request.constData());
    QVERIFY2(error.startsWith(field + QLatin1Char(':')) ||
                 error.startsWith(field + QLatin1Char('.')),
             qPrintable(error));
}

void TestAnthropicOpenAI::responseGolden()
{
    const QJsonObject out = toAnthropicResponse(fixtures.json("response.openai.json"),
                                                QStringLiteral("claude-sonnet-4-5"));
    QVERIFY2(out == fixtures.json("response.anthropic.json"), qPrintable(pretty(out)));
}

void TestAnthropicOpenAI::responseStopReasons_data()
{
    QTest::addColumn<QByteArray>("choice");
    QTest::addColumn<QString>("stopReason");
    QTest::addColumn<QJsonValue>("stopSequence");
    QTest::newRow("stop") << QByteArray(R"({"message":{"content":"x"},"finish_reason":"stop"})")
                          << "end_turn" << QJsonValue();
    QTest::newRow("length") << QByteArray(R"({"message":{"content":"x"},"finish_reason":"length"})")
                            << "max_tokens" << QJsonValue();
    QTest::newRow("content_filter")
        << QByteArray(R"({"message":{"content":""},"finish_reason":"content_filter"})") << "refusal"
        << QJsonValue();
    QTest::newRow("stop with matched stop string (vLLM)")
        << QByteArray(R"({"message":{"content":"x"},"finish_reason":"stop","stop_reason":"END"})")
        << "stop_sequence" << QJsonValue(QStringLiteral("END"));
    QTest::newRow("stop with tool calls")
        << QByteArray(R"({"message":{"tool_calls":[{"id":"c","type":"function",
                         "function":{"name":"f","arguments":"{}"}}]},"finish_reason":"stop"})")
        << "tool_use" << QJsonValue();
}

void TestAnthropicOpenAI::responseStopReasons()
{
    QFETCH(QByteArray, choice);
    QFETCH(QString, stopReason);
    QFETCH(QJsonValue, stopSequence);
    const QJsonObject response{
        {"id", "chatcmpl-1"},
        {"choices", QJsonArray{QJsonDocument::fromJson(choice).object()}},
    };
    const QJsonObject out = toAnthropicResponse(response, QStringLiteral("m"));
    QCOMPARE(out.value("stop_reason").toString(), stopReason);
    QCOMPARE(out.value("stop_sequence"), stopSequence);
    QCOMPARE(out.value("model").toString(), QStringLiteral("m"));
}

void TestAnthropicOpenAI::responseDeepSeekCacheHits()
{
    const QJsonObject out = toAnthropicResponse(
        parse(R"({"id":"x","choices":[{"message":{"content":"hi"},"finish_reason":"stop"}],
                  "usage":{"prompt_tokens":10,"completion_tokens":2,
                           "prompt_cache_hit_tokens":4,"prompt_cache_miss_tokens":6}})"),
        QStringLiteral("m"));
    QCOMPARE(out.value("usage").toObject(),
             parse(R"({"input_tokens":6,"cache_creation_input_tokens":0,
                       "cache_read_input_tokens":4,"output_tokens":2})"));
    QCOMPARE(out.value("id").toString(), QStringLiteral("msg_x"));
}

void TestAnthropicOpenAI::streamGolden()
{
    const QByteArray actual = encodeStream({fixtures.read("stream.openai.sse")});
    QCOMPARE(actual, fixtures.golden("stream.anthropic.sse", actual));
}

void TestAnthropicOpenAI::streamAtEverySplit()
{
    const QByteArray expected = fixtures.read("stream.anthropic.sse");
    QCOMPARE(Golden::firstBadSplit(
                 fixtures.read("stream.openai.sse"), expected,
                 [&](const QList<QByteArray> &pieces) { return encodeStream(pieces); }),
             qsizetype(-1));
}

void TestAnthropicOpenAI::streamOneByteAtATime()
{
    QCOMPARE(encodeStream(Golden::oneByteAtATime(fixtures.read("stream.openai.sse"))),
             fixtures.read("stream.anthropic.sse"));
}

void TestAnthropicOpenAI::streamEventSequenceIsWellFormed()
{
    // Independent of the golden bytes: every block started is stopped before the next one,
    // indexes count up from 0, and the terminal usage is the upstream's.
    const QList<QJsonObject> events = sseData(fixtures.read("stream.anthropic.sse"));
    QStringList types;
    int open = -1;
    int next = 0;
    for (const QJsonObject &e : events) {
        const QString type = e.value("type").toString();
        types << type;
        if (type == "content_block_start") {
            QCOMPARE(open, -1);
            QCOMPARE(e.value("index").toInt(), next);
            open = next++;
        } else if (type == "content_block_delta") {
            QCOMPARE(e.value("index").toInt(), open);
        } else if (type == "content_block_stop") {
            QCOMPARE(e.value("index").toInt(), open);
            open = -1;
        }
    }
    QCOMPARE(open, -1);
    QCOMPARE(next, 4); // thinking, text, two tool_use blocks.
    QCOMPARE(types.first(), QStringLiteral("message_start"));
    QCOMPARE(types.at(1), QStringLiteral("ping"));
    QCOMPARE(types.at(types.size() - 2), QStringLiteral("message_delta"));
    QCOMPARE(types.last(), QStringLiteral("message_stop"));
    const QJsonObject messageDelta = events.at(events.size() - 2);
    QCOMPARE(messageDelta.value("delta").toObject().value("stop_reason").toString(),
             QStringLiteral("tool_use"));
    QCOMPARE(messageDelta.value("usage").toObject(),
             parse(R"({"input_tokens":20,"cache_creation_input_tokens":0,
                       "cache_read_input_tokens":100,"output_tokens":45})"));
    const QJsonObject start = events.first().value("message").toObject();
    QCOMPARE(start.value("id").toString(), QStringLiteral("msg_s1"));
    QCOMPARE(start.value("usage").toObject().value("input_tokens").toInt(), 7); // Estimate.

    // The streamed tool input reassembles to the upstream's arguments.
    QString partial;
    for (const QJsonObject &e : events)
        if (e.value("index").toInt() == 2 && e.value("type") == "content_block_delta")
            partial += e.value("delta").toObject().value("partial_json").toString();
    QCOMPARE(QJsonDocument::fromJson(partial.toUtf8()).object(), parse(R"({"city":"Zürich"})"));
}

void TestAnthropicOpenAI::streamErrorMidway()
{
    const QByteArray stream = fixtures.read("stream.openai.sse");
    const qsizetype cut = stream.indexOf("\"content\":\"Let me");
    QVERIFY(cut > 0);
    const QByteArray out = encodeStream({stream.first(cut)}, QStringLiteral("upstream reset"));
    QVERIFY(out.endsWith(
        "event: error\ndata: {\"type\":\"error\",\"error\":{\"message\":\"upstream reset\","
        "\"type\":\"api_error\"}}\n\n"));
    QVERIFY(!out.contains("message_delta"));
    QVERIFY(!out.contains("message_stop"));
    QVERIFY(out.startsWith("event: message_start\n"));
}

void TestAnthropicOpenAI::streamFirstUsageChunkFeedsMessageStart()
{
    AnthropicStreamEncoder encoder(QStringLiteral("m"), 999);
    const QByteArray out = encoder.onChunk(parse(
        R"({"id":"chatcmpl-u","choices":[{"delta":{"content":"hi"}}],
            "usage":{"prompt_tokens":12,"completion_tokens":1,
                     "prompt_tokens_details":{"cached_tokens":2}}})"));
    const QJsonObject start = sseData(out).first();
    QCOMPARE(start.value("message").toObject().value("usage").toObject(),
             parse(R"({"input_tokens":10,"cache_creation_input_tokens":0,
                       "cache_read_input_tokens":2,"output_tokens":0})"));
    QVERIFY(encoder.finish().contains("\"stop_reason\":\"end_turn\""));
    QVERIFY(encoder.finish().isEmpty());
    QVERIFY(encoder.onChunk(parse(R"({"choices":[{"delta":{"content":"late"}}]})")).isEmpty());
}

void TestAnthropicOpenAI::streamEmptyUpstream()
{
    AnthropicStreamEncoder encoder(QStringLiteral("m"));
    const QList<QJsonObject> events = sseData(encoder.finish());
    QStringList types;
    for (const QJsonObject &e : events)
        types << e.value("type").toString();
    QCOMPARE(types, (QStringList{"message_start", "ping", "message_delta", "message_stop"}));
}

void TestAnthropicOpenAI::streamToolNameAfterArguments()
{
    // Arguments that arrive before the tool's name are held until the block can start.
    AnthropicStreamEncoder encoder(QStringLiteral("m"));
    QByteArray out = encoder.onChunk(parse(
        R"({"id":"chatcmpl-t","choices":[{"delta":{"tool_calls":[{"index":0,
            "function":{"arguments":"{\"a\""}}]}}]})"));
    QVERIFY(!out.contains("content_block_start"));
    out += encoder.onChunk(parse(R"({"choices":[{"delta":{"tool_calls":[{"index":0,
            "function":{"name":"f","arguments":":1}"}}]}}]})"));
    out += encoder.finish();
    const QList<QJsonObject> events = sseData(out);
    QCOMPARE(events.at(2).value("content_block").toObject(),
             parse(R"({"type":"tool_use","id":"toolu_t_0","name":"f","input":{}})"));
    QCOMPARE(events.at(3).value("delta").toObject().value("partial_json").toString(),
             QStringLiteral("{\"a\":1}"));
}

void TestAnthropicOpenAI::streamStopSequence()
{
    AnthropicStreamEncoder encoder(QStringLiteral("m"));
    encoder.onChunk(parse(R"({"id":"x","choices":[{"delta":{"content":"a"}}]})"));
    encoder.onChunk(
        parse(R"({"choices":[{"delta":{},"finish_reason":"stop","stop_reason":"END"}]})"));
    const QByteArray out = encoder.finish();
    QVERIFY2(
        out.contains("\"delta\":{\"stop_reason\":\"stop_sequence\",\"stop_sequence\":\"END\"}"),
        out.constData());
}

void TestAnthropicOpenAI::errorBodies_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("type");
    QTest::newRow("400") << 400 << "invalid_request_error";
    QTest::newRow("422") << 422 << "invalid_request_error";
    QTest::newRow("401") << 401 << "authentication_error";
    QTest::newRow("403") << 403 << "permission_error";
    QTest::newRow("404") << 404 << "not_found_error";
    QTest::newRow("413") << 413 << "request_too_large";
    QTest::newRow("429") << 429 << "rate_limit_error";
    QTest::newRow("500") << 500 << "api_error";
    QTest::newRow("502") << 502 << "api_error";
    QTest::newRow("503") << 503 << "overloaded_error";
    QTest::newRow("529") << 529 << "overloaded_error";
}

void TestAnthropicOpenAI::errorBodies()
{
    QFETCH(int, status);
    QFETCH(QString, type);
    const QByteArray body = anthropicErrorBody(status, QStringLiteral("bad \"thing\""));
    QVERIFY(body.startsWith("{\"type\":\"error\","));
    const QJsonObject parsed = QJsonDocument::fromJson(body).object();
    QCOMPARE(parsed.value("type").toString(), QStringLiteral("error"));
    QCOMPARE(parsed.value("error").toObject().value("type").toString(), type);
    QCOMPARE(parsed.value("error").toObject().value("message").toString(),
             QStringLiteral("bad \"thing\""));
}

void TestAnthropicOpenAI::estimateTokens()
{
    // 40 characters of text → 10 tokens; one image → 1600; tool definition counted.
    const QJsonObject request = parse(R"({"system":"0123456789","messages":[
        {"role":"user","content":[{"type":"text","text":"0123456789"},
          {"type":"image","source":{"type":"url","url":"u"}}]},
        {"role":"assistant","content":"01234567890123456789"}]})");
    QCOMPARE(estimateInputTokens(request), qint64(10 + 1600));
    QJsonObject withTool = request;
    withTool.insert("tools", QJsonArray{parse(R"({"name":"abcd","input_schema":{}})")});
    QCOMPARE(estimateInputTokens(withTool), qint64(10 + 2 + 1600)); // "abcd" + "{}" = 6 → 2.
    QCOMPARE(estimateInputTokens(fixtures.json("request.anthropic.json")) > 50, true);
}

QTEST_APPLESS_MAIN(TestAnthropicOpenAI)
#include "tst_anthropicopenai.moc"
