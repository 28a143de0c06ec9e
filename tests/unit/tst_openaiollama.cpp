// OpenAI → native Ollama upstream conversion: golden request/response pairs, the NDJSON stream
// decoded through NdjsonFramer at every byte split, embeddings, and error extraction.
#include "golden.h"
#include "protocol/openaiollama.h"
#include "providers/ndjsonframer.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace OpenAIOllama;

namespace {

using Golden::parse;
using Golden::pretty;

const Golden::Fixtures fixtures(QStringLiteral("openaiollama"));

/// Tool call ids the upstream did not give are random `call_<24>`: replaced by
/// "call_<generated>" after checking their shape.
QJsonArray normalizedToolCalls(const QJsonArray &calls)
{
    QJsonArray out;
    for (const QJsonValue &value : calls) {
        QJsonObject call = value.toObject();
        const QString id = call.value("id").toString();
        if (id.startsWith(QLatin1String("call_")) && id.size() == 29)
            call.insert("id", QStringLiteral("call_<generated>"));
        out.append(call);
    }
    return out;
}

/// \a object without its random id and its created time, generated tool call ids normalized.
QJsonObject comparable(QJsonObject object)
{
    if (object.value("id").toString().startsWith(QLatin1String("chatcmpl-")))
        object.insert("id", QStringLiteral("chatcmpl-<random>"));
    object.remove("created");
    QJsonArray choices = object.value("choices").toArray();
    for (qsizetype i = 0; i < choices.size(); ++i) {
        QJsonObject choice = choices.at(i).toObject();
        for (const char *key : {"message", "delta"}) {
            QJsonObject message = choice.value(QLatin1String(key)).toObject();
            if (message.contains("tool_calls")) {
                message.insert("tool_calls",
                               normalizedToolCalls(message.value("tool_calls").toArray()));
                choice.insert(QLatin1String(key), message);
            }
        }
        choices.replace(i, choice);
    }
    if (object.contains("choices"))
        object.insert("choices", choices);
    return object;
}

QJsonArray comparable(const QList<QJsonObject> &chunks)
{
    QJsonArray out;
    for (const QJsonObject &chunk : chunks)
        out.append(comparable(chunk));
    return out;
}

/// Feeds NDJSON \a pieces through NdjsonFramer into a decoder, as the relay does.
QList<QJsonObject> decodeStream(const QList<QByteArray> &pieces, Usage *usage = nullptr,
                                qsizetype maxLineBytes = NdjsonFramer::kDefaultMaxLineBytes)
{
    NdjsonFramer framer(maxLineBytes);
    OllamaStreamDecoder decoder(QStringLiteral("client-model"));
    QList<QJsonObject> out;
    QList<SseParser::Event> events;
    for (const QByteArray &piece : pieces)
        events += framer.feed(piece);
    events += framer.finish();
    for (const SseParser::Event &event : std::as_const(events))
        out += decoder.onLine(event.data);
    out += decoder.finish();
    if (usage)
        *usage = decoder.usage();
    return out;
}

/// The error chunk the decoder ends a stream with.
QJsonObject errorChunk(const QString &message)
{
    return QJsonObject{
        {"error", QJsonObject{{"message", message}, {"type", QStringLiteral("upstream_error")}}}};
}

QJsonObject converted(const QByteArray &request)
{
    QString error;
    const QJsonObject out = toChatRequest(parse(request), &error);
    if (!error.isEmpty())
        qWarning("conversion error: %s", qPrintable(error));
    return out;
}

} // namespace

class TestOpenAIOllama : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void requestGolden();
    void requestStreamIsAlwaysExplicit();
    void requestToolChoice_data();
    void requestToolChoice();
    void requestReasoningEffort_data();
    void requestReasoningEffort();
    void requestJsonSchema();
    void requestToolNameFromToolCallId();
    void requestErrorsNameTheField_data();
    void requestErrorsNameTheField();
    void responseGolden();
    void responseToolCalls();
    void responseDoneReasons_data();
    void responseDoneReasons();
    void streamGolden();
    void streamAtEverySplit();
    void streamOneByteAtATime();
    void streamUsage();
    void streamErrorLine();
    void streamCutShort();
    void streamOversizedLineIsAnError();
    void streamIgnoresNonJsonLines();
    void embeddingsGolden();
    void embeddingsInputs_data();
    void embeddingsInputs();
    void requestDispatchByShape();
    void errorMessage_data();
    void errorMessage();
};

// Slot bodies are defined out of line: moc misreads "//" and \" inside raw strings in a class.

void TestOpenAIOllama::requestGolden()
{
    QString error;
    const QJsonObject out = toChatRequest(fixtures.json("request.openai.json"), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const QJsonDocument expected = fixtures.golden("request.ollama.json", QJsonDocument(out));
    QVERIFY2(out == expected.object(), qPrintable(pretty(out)));
    // The facts the golden file encodes, stated once more so a bad regeneration shows.
    const QJsonArray messages = out.value("messages").toArray();
    QCOMPARE(messages.at(1).toObject().value("role").toString(), QStringLiteral("system"));
    QCOMPARE(messages.at(2).toObject().value("images").toArray(),
             QJsonArray{QStringLiteral("iVBORw0KGgoAAAANSUhEUg==")});
    QCOMPARE(messages.at(3)
                 .toObject()
                 .value("tool_calls")
                 .toArray()
                 .first()
                 .toObject()
                 .value("function"),
             parse(R"({"name":"get_weather","arguments":{"location":"Zürich"}})"));
    QCOMPARE(messages.at(4).toObject().value("tool_name").toString(),
             QStringLiteral("get_weather"));
    QCOMPARE(out.value("options").toObject(),
             parse(R"({"temperature":0.2,"top_p":0.9,"seed":42,"frequency_penalty":0.1,
                       "presence_penalty":0.3,"num_predict":256,"stop":["\n\n"]})"));
    QCOMPARE(out.value("format").toString(), QStringLiteral("json"));
    QCOMPARE(out.value("think").toString(), QStringLiteral("medium"));
    QCOMPARE(out.value("stream").toBool(), true);
}

void TestOpenAIOllama::requestStreamIsAlwaysExplicit()
{
    // Ollama streams by default: a request without stream must say false.
    const QJsonObject out =
        converted(R"({"model":"m","messages":[{"role":"user","content":"hi"}]})");
    QVERIFY(out.contains("stream"));
    QCOMPARE(out.value("stream").toBool(true), false);
    QVERIFY(!out.contains("options"));
    QCOMPARE(out.value("messages").toArray(),
             QJsonArray{parse(R"({"role":"user","content":"hi"})")});
}

void TestOpenAIOllama::requestToolChoice_data()
{
    QTest::addColumn<QByteArray>("choice");
    QTest::addColumn<QStringList>("tools");
    QTest::newRow("absent") << QByteArray("null") << QStringList{"a", "b"};
    QTest::newRow("auto") << QByteArray(R"("auto")") << QStringList{"a", "b"};
    QTest::newRow("required") << QByteArray(R"("required")") << QStringList{"a", "b"};
    QTest::newRow("none sends no tools") << QByteArray(R"("none")") << QStringList{};
    QTest::newRow("named sends that tool")
        << QByteArray(R"({"type":"function","function":{"name":"b"}})") << QStringList{"b"};
}

void TestOpenAIOllama::requestToolChoice()
{
    QFETCH(QByteArray, choice);
    QFETCH(QStringList, tools);
    const QJsonObject out = converted(R"({"model":"m","messages":[{"role":"user","content":"x"}],
        "tools":[{"type":"function","function":{"name":"a","parameters":{"type":"object"}}},
                 {"type":"function","function":{"name":"b"}}],"tool_choice":)" +
                                      choice + "}");
    QStringList names;
    for (const QJsonValue &tool : out.value("tools").toArray())
        names << tool.toObject().value("function").toObject().value("name").toString();
    QCOMPARE(names, tools);
    QVERIFY(!out.contains("tool_choice"));
}

void TestOpenAIOllama::requestReasoningEffort_data()
{
    QTest::addColumn<QString>("effort");
    QTest::addColumn<QJsonValue>("think");
    QTest::newRow("none") << "none" << QJsonValue(false);
    QTest::newRow("minimal") << "minimal" << QJsonValue(QStringLiteral("low"));
    QTest::newRow("low") << "low" << QJsonValue(QStringLiteral("low"));
    QTest::newRow("medium") << "medium" << QJsonValue(QStringLiteral("medium"));
    QTest::newRow("high") << "high" << QJsonValue(QStringLiteral("high"));
    QTest::newRow("xhigh") << "xhigh" << QJsonValue(QStringLiteral("high"));
}

void TestOpenAIOllama::requestReasoningEffort()
{
    QFETCH(QString, effort);
    QFETCH(QJsonValue, think);
    const QJsonObject out =
        converted(R"({"model":"m","messages":[],"reasoning_effort":")" + effort.toUtf8() + "\"}");
    QCOMPARE(out.value("think"), think);
}

void TestOpenAIOllama::requestJsonSchema()
{
    const QJsonObject out = converted(R"({"model":"m","messages":[],"response_format":{
        "type":"json_schema","json_schema":{"name":"age","schema":{"type":"object",
        "properties":{"age":{"type":"integer"}}}}},"max_completion_tokens":9,"max_tokens":3,
        "stop":["a",""]})");
    QCOMPARE(out.value("format").toObject(),
             parse(R"({"type":"object","properties":{"age":{"type":"integer"}}})"));
    QCOMPARE(out.value("options").toObject(), parse(R"({"num_predict":9,"stop":["a"]})"));
}

void TestOpenAIOllama::requestToolNameFromToolCallId()
{
    const QJsonObject out = converted(R"({"model":"m","messages":[
        {"role":"assistant","content":"","tool_calls":[
          {"id":"c1","type":"function","function":{"name":"first","arguments":""}},
          {"id":"c2","type":"function","function":{"name":"second","arguments":"not json"}}]},
        {"role":"tool","tool_call_id":"c2","content":[{"type":"text","text":"two"}]},
        {"role":"tool","tool_call_id":"c1","content":"one"},
        {"role":"tool","tool_call_id":"unknown","content":"?"}]})");
    const QJsonArray messages = out.value("messages").toArray();
    QCOMPARE(messages.at(0).toObject().value("tool_calls").toArray(),
             parse(R"({"a":[{"function":{"name":"first","arguments":{}}},
                           {"function":{"name":"second",
                                        "arguments":{"_raw_arguments":"not json"}}}]})")
                 .value("a")
                 .toArray());
    QCOMPARE(messages.at(1).toObject(),
             parse(R"({"role":"tool","content":"two","tool_name":"second"})"));
    QCOMPARE(messages.at(2).toObject(),
             parse(R"({"role":"tool","content":"one","tool_name":"first"})"));
    QCOMPARE(messages.at(3).toObject(), parse(R"({"role":"tool","content":"?"})"));
}

void TestOpenAIOllama::requestErrorsNameTheField_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<QString>("field");
    QTest::newRow("no messages") << QByteArray(R"({"model":"m"})") << "messages";
    QTest::newRow("n") << QByteArray(R"({"model":"m","messages":[],"n":2})") << "n";
    QTest::newRow("image by URL") << QByteArray(R"({"model":"m","messages":[{"role":"user",
        "content":[{"type":"image_url","image_url":{"url":"https://x/i.png"}}]}]})")
                                  << "messages.0.content.0.image_url.url";
    QTest::newRow("image in a system message") << QByteArray(R"({"model":"m","messages":[
        {"role":"system","content":[{"type":"image_url","image_url":{"url":"data:image/png;base64,AA"}}]}]})")
                                               << "messages.0.content.0.type";
    QTest::newRow("audio part") << QByteArray(R"({"model":"m","messages":[{"role":"user",
        "content":[{"type":"input_audio","input_audio":{"data":"AA","format":"wav"}}]}]})")
                                << "messages.0.content.0.type";
    QTest::newRow("role") << QByteArray(R"({"model":"m","messages":[{"role":"bot"}]})")
                          << "messages.0.role";
    QTest::newRow("tool type") << QByteArray(R"({"model":"m","messages":[],
        "tools":[{"type":"custom","custom":{"name":"x"}}]})")
                               << "tools.0.type";
    QTest::newRow("named tool missing") << QByteArray(R"({"model":"m","messages":[],
        "tools":[{"type":"function","function":{"name":"a"}}],
        "tool_choice":{"type":"function","function":{"name":"b"}}})")
                                        << "tool_choice";
    QTest::newRow("effort") << QByteArray(R"({"model":"m","messages":[],"reasoning_effort":"max"})")
                            << "reasoning_effort";
    QTest::newRow("max_tokens") << QByteArray(R"({"model":"m","messages":[],"max_tokens":0})")
                                << "max_tokens";
    QTest::newRow("schema") << QByteArray(R"({"model":"m","messages":[],
        "response_format":{"type":"json_schema","json_schema":{"name":"x"}}})")
                            << "response_format.json_schema.schema";
}

void TestOpenAIOllama::requestErrorsNameTheField()
{
    QFETCH(QByteArray, request);
    QFETCH(QString, field);
    QString error;
    const QJsonObject out = toChatRequest(parse(request), &error);
    QVERIFY(out.isEmpty());
    QVERIFY2(error.startsWith(field + QLatin1Char(':')), qPrintable(error));
}

void TestOpenAIOllama::responseGolden()
{
    const QJsonObject out =
        toOpenAIChatResponse(fixtures.json("response.ollama.json"), QStringLiteral("client-model"));
    QVERIFY(out.value("id").toString().startsWith(QLatin1String("chatcmpl-")));
    QVERIFY(out.value("created").toInteger() > 1700000000);
    const QJsonObject actual = comparable(out);
    const QJsonDocument expected = fixtures.golden("response.openai.json", QJsonDocument(actual));
    QVERIFY2(actual == expected.object(), qPrintable(pretty(actual)));
    const QJsonObject message =
        actual.value("choices").toArray().first().toObject().value("message").toObject();
    QCOMPARE(message.value("reasoning_content").toString(),
             QStringLiteral("The user asks about the weather. I already have it."));
    QCOMPARE(actual.value("usage").toObject(),
             parse(R"({"prompt_tokens":61,"completion_tokens":29,"total_tokens":90})"));
}

void TestOpenAIOllama::responseToolCalls()
{
    const QJsonObject out = toOpenAIChatResponse(
        parse(R"({"model":"m","created_at":"2025-06-02T09:14:21Z","message":{"role":"assistant",
            "content":"","tool_calls":[{"function":{"name":"get_weather",
            "arguments":{"location":"Zürich"}}},{"id":"call_up","function":{"index":1,
            "name":"noop","arguments":{}}}]},"done_reason":"stop","done":true,
            "prompt_eval_count":5,"eval_count":7})"),
        QStringLiteral("m"));
    const QJsonObject choice = out.value("choices").toArray().first().toObject();
    QCOMPARE(choice.value("finish_reason").toString(), QStringLiteral("tool_calls"));
    const QJsonObject message = choice.value("message").toObject();
    QVERIFY(message.value("content").isNull());
    const QJsonArray calls = message.value("tool_calls").toArray();
    QCOMPARE(calls.size(), 2);
    const QString generated = calls.at(0).toObject().value("id").toString();
    QVERIFY2(generated.startsWith(QLatin1String("call_")) && generated.size() == 29,
             qPrintable(generated));
    const QJsonObject function =
        parse(R"({"name":"get_weather","arguments":"{\"location\":\"Zürich\"}"})");
    QCOMPARE(calls.at(0).toObject().value("function").toObject(), function);
    QCOMPARE(calls.at(1).toObject(),
             parse(R"({"id":"call_up","type":"function","function":{"name":"noop",
                       "arguments":"{}"}})"));
}

void TestOpenAIOllama::responseDoneReasons_data()
{
    QTest::addColumn<QString>("doneReason");
    QTest::addColumn<QString>("finishReason");
    QTest::newRow("stop") << "stop"
                          << "stop";
    QTest::newRow("length") << "length"
                            << "length";
    QTest::newRow("load") << "load"
                          << "stop";
    QTest::newRow("missing") << ""
                             << "stop";
}

void TestOpenAIOllama::responseDoneReasons()
{
    QFETCH(QString, doneReason);
    QFETCH(QString, finishReason);
    QJsonObject answer = parse(R"({"message":{"role":"assistant","content":"x"},"done":true})");
    if (!doneReason.isEmpty())
        answer.insert("done_reason", doneReason);
    const QJsonObject out = toOpenAIChatResponse(answer, QStringLiteral("m"));
    QCOMPARE(out.value("choices").toArray().first().toObject().value("finish_reason").toString(),
             finishReason);
    QCOMPARE(OpenAIOllama::finishReason(doneReason, true), doneReason == QLatin1String("length")
                                                               ? QStringLiteral("length")
                                                               : QStringLiteral("tool_calls"));
}

void TestOpenAIOllama::streamGolden()
{
    const QList<QJsonObject> chunks = decodeStream({fixtures.read("stream.ollama.ndjson")});
    QString id;
    for (const QJsonObject &chunk : chunks) {
        QVERIFY(chunk.value("created").toInteger() > 1700000000);
        if (id.isEmpty())
            id = chunk.value("id").toString();
        QCOMPARE(chunk.value("id").toString(), id); // One id for the whole stream.
    }
    QVERIFY(id.startsWith(QLatin1String("chatcmpl-")));
    const QJsonArray actual = comparable(chunks);
    const QJsonDocument expected = fixtures.golden("stream.openai.json", QJsonDocument(actual));
    QVERIFY2(actual == expected.array(), qPrintable(pretty(actual)));
}

void TestOpenAIOllama::streamAtEverySplit()
{
    const QJsonArray expected = fixtures.jsonArray("stream.openai.json");
    QVERIFY(expected.size() > 6);
    QCOMPARE(Golden::firstBadSplit(
                 fixtures.read("stream.ollama.ndjson"), expected,
                 [&](const QList<QByteArray> &pieces) { return comparable(decodeStream(pieces)); }),
             qsizetype(-1));
}

void TestOpenAIOllama::streamOneByteAtATime()
{
    QCOMPARE(
        comparable(decodeStream(Golden::oneByteAtATime(fixtures.read("stream.ollama.ndjson")))),
        fixtures.jsonArray("stream.openai.json"));
}

void TestOpenAIOllama::streamUsage()
{
    Usage usage;
    const QList<QJsonObject> chunks = decodeStream({fixtures.read("stream.ollama.ndjson")}, &usage);
    QCOMPARE(usage.inputTokens, qint64(142));
    QCOMPARE(usage.outputTokens, qint64(48));
    QCOMPARE(usage.totalTokens, qint64(190));
    // The usage chunk is last and has no choices; the chunk before it has the finish reason.
    QCOMPARE(chunks.last().value("choices").toArray().size(), 0);
    QCOMPARE(chunks.last().value("usage").toObject(),
             parse(R"({"prompt_tokens":142,"completion_tokens":48,"total_tokens":190})"));
    QCOMPARE(chunks.at(chunks.size() - 2)
                 .value("choices")
                 .toArray()
                 .first()
                 .toObject()
                 .value("finish_reason")
                 .toString(),
             QStringLiteral("tool_calls"));
}

void TestOpenAIOllama::streamErrorLine()
{
    const QByteArray stream = fixtures.read("stream.ollama.ndjson");
    const qsizetype cut =
        stream.indexOf("{\"model\":\"qwen3:8b\",\"created_at\":\"2025-06-02T09:15:02.135561Z\"");
    QVERIFY(cut > 0);
    const QList<QJsonObject> chunks = decodeStream(
        {stream.first(cut) + "{\"error\":\"model runner has unexpectedly stopped\"}\n" +
         stream.sliced(cut)});
    QCOMPARE(chunks.last(), parse(R"({"error":{"message":"model runner has unexpectedly stopped",
                                                "type":"upstream_error"}})"));
    QCOMPARE(chunks.size(), 4); // role, two reasoning chunks, the error; nothing after it.
}

void TestOpenAIOllama::streamCutShort()
{
    const QByteArray stream = fixtures.read("stream.ollama.ndjson");
    const QList<QJsonObject> chunks =
        decodeStream({stream.first(stream.indexOf("\"done_reason\""))});
    const QJsonObject error =
        errorChunk(QStringLiteral("the Ollama stream ended before its final object (done: true)"));
    QCOMPARE(chunks.last(), error);
    for (const QJsonObject &chunk : chunks)
        QVERIFY(!chunk.contains("usage"));
}

void TestOpenAIOllama::streamOversizedLineIsAnError()
{
    // The framer's error event is an Ollama error line: the decoder ends the stream with it.
    const QByteArray stream = fixtures.read("stream.ollama.ndjson");
    const QList<QJsonObject> chunks = decodeStream({stream}, nullptr, 200);
    QCOMPARE(chunks.last(), parse(R"({"error":{"message":"upstream stream line exceeds 200 bytes",
                                                "type":"upstream_error"}})"));
    for (const QJsonObject &chunk : chunks)
        QVERIFY(!chunk.contains("usage"));
}

void TestOpenAIOllama::streamIgnoresNonJsonLines()
{
    OllamaStreamDecoder decoder(QStringLiteral("m"));
    QVERIFY(decoder.onLine("not json").isEmpty());
    QVERIFY(decoder.onLine("[1,2]").isEmpty());
    QCOMPARE(
        decoder.onLine(R"({"message":{"role":"assistant","content":"a"},"done":false})").size(),
        2); // role, content
    const QList<QJsonObject> last = decoder.onLine(
        R"({"message":{"role":"assistant","content":"b"},"done_reason":"length","done":true,
            "prompt_eval_count":3,"eval_count":4})");
    QCOMPARE(last.size(), 3); // content, finish, usage
    QCOMPARE(last.at(1).value("choices").toArray().first().toObject().value("finish_reason"),
             QJsonValue(QStringLiteral("length")));
    QVERIFY(decoder.isFinished());
    QVERIFY(decoder.onLine(R"({"message":{"content":"late"}})").isEmpty());
    QVERIFY(decoder.finish().isEmpty());
}

void TestOpenAIOllama::embeddingsGolden()
{
    QString error;
    const QJsonObject request = toEmbedRequest(fixtures.json("embed.openai.json"), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(request, parse(R"({"model":"nomic-embed-text","input":["The sky is blue.",
                               "Grass is green."],"dimensions":4})"));
    const QJsonObject response =
        toOpenAIEmbeddingResponse(fixtures.json("embed.ollama.json"), QStringLiteral("embedder"));
    const QJsonDocument expected =
        fixtures.golden("embed.openai-response.json", QJsonDocument(response));
    QVERIFY2(response == expected.object(), qPrintable(pretty(response)));
    QCOMPARE(response.value("data").toArray().size(), 2);
    QCOMPARE(response.value("data").toArray().at(1).toObject().value("index").toInt(), 1);
    QCOMPARE(response.value("usage").toObject(), parse(R"({"prompt_tokens":9,"total_tokens":9})"));
    // Shape dispatch: an embed answer is recognised as one.
    QCOMPARE(toOpenAIResponse(fixtures.json("embed.ollama.json"), QStringLiteral("embedder")),
             response);
}

void TestOpenAIOllama::embeddingsInputs_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QByteArray>("expected"); // null: an error naming "input…".
    QTest::newRow("string") << QByteArray(R"("one")") << QByteArray(R"(["one"])");
    QTest::newRow("strings") << QByteArray(R"(["a","b"])") << QByteArray(R"(["a","b"])");
    QTest::newRow("tokens") << QByteArray("[1,2,3]") << QByteArray("null");
    QTest::newRow("token lists") << QByteArray("[[1,2],[3]]") << QByteArray("null");
    QTest::newRow("empty") << QByteArray("[]") << QByteArray("null");
}

void TestOpenAIOllama::embeddingsInputs()
{
    QFETCH(QByteArray, input);
    QFETCH(QByteArray, expected);
    QString error;
    const QJsonObject out = toEmbedRequest(parse(R"({"model":"e","input":)" + input + "}"), &error);
    if (expected == "null") {
        QVERIFY(out.isEmpty());
        QVERIFY2(error.startsWith(QLatin1String("input")), qPrintable(error));
        return;
    }
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(out.value("input"), parse("{\"a\":" + expected + "}").value("a"));
}

void TestOpenAIOllama::requestDispatchByShape()
{
    QString error;
    QVERIFY(toOllamaRequest(parse(R"({"model":"e","input":"x"})"), &error).contains("input"));
    QVERIFY(toOllamaRequest(parse(R"({"model":"m","messages":[]})"), &error).contains("messages"));
}

void TestOpenAIOllama::errorMessage_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("message");
    QTest::newRow("ollama error")
        << QByteArray(R"({"error":"model \"llama9\" not found, try pulling it first"})")
        << "model \"llama9\" not found, try pulling it first";
    QTest::newRow("OpenAI-style object") << QByteArray(R"({"error":{"message":"bad"}})") << "bad";
    QTest::newRow("not JSON") << QByteArray("404 page not found") << "";
}

void TestOpenAIOllama::errorMessage()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, message);
    QCOMPARE(OpenAIOllama::errorMessage(body), message);
}

QTEST_GUILESS_MAIN(TestOpenAIOllama)
#include "tst_openaiollama.moc"
