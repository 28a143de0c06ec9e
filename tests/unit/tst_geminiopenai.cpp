// Gemini generateContent ⇄ OpenAI Chat Completions conversion: golden request/response pairs,
// the stream encoder fed through SseParser at every byte split, and error mapping.
#include "golden.h"
#include "protocol/geminiopenai.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTest>

using namespace GeminiOpenAI;

namespace {

using Golden::parse;
using Golden::pretty;
using Golden::sseData;

const Golden::Fixtures fixtures(QStringLiteral("gemini"));

QJsonArray parseArray(const QByteArray &json)
{
    return QJsonDocument::fromJson(json).array();
}

/// Converts \a request (non-streaming, model "m"); fails loudly on an error.
QJsonObject converted(const QByteArray &request)
{
    QString error;
    const QJsonObject out = toOpenAIRequest(parse(request), QStringLiteral("m"), false, &error);
    if (!error.isEmpty())
        qWarning("conversion error: %s", qPrintable(error));
    return out;
}

/// Wraps \a parts in a one-turn user request and returns the converted messages.
QJsonArray userMessages(const QByteArray &parts)
{
    return converted(R"({"contents":[{"role":"user","parts":)" + parts + "}]}")
        .value("messages")
        .toArray();
}

/// Feeds OpenAI SSE \a pieces through SseParser into an encoder, as the relay does.
QByteArray encodeStream(const QList<QByteArray> &pieces, const QString &error = {})
{
    GeminiStreamEncoder encoder(QStringLiteral("gemini-2.5-flash"));
    return Golden::encodeOpenAIStream(encoder, pieces, error);
}

QJsonArray partsOf(const QJsonObject &response)
{
    return response.value("candidates")
        .toArray()
        .first()
        .toObject()
        .value("content")
        .toObject()
        .value("parts")
        .toArray();
}

} // namespace

class TestGeminiOpenAI : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void requestGolden();
    void requestMinimalSnakeCaseAndSingleObjects();
    void requestUserParts_data();
    void requestUserParts();
    void requestModelTurn();
    void requestFunctionResponseMatching();
    void toolConfig_data();
    void toolConfig();
    void toolsWithoutFunctionsAreDropped();
    void responseFormat_data();
    void responseFormat();
    void thinking_data();
    void thinking();
    void requestErrorsNameTheField_data();
    void requestErrorsNameTheField();
    void responseGolden();
    void responseFinishReasons_data();
    void responseFinishReasons();
    void streamGolden();
    void streamFramingMatchesGeminiSdk();
    void streamAtEverySplit();
    void streamOneByteAtATime();
    void streamErrorMidway();
    void streamEmptyUpstream();
    void streamInterleavedToolCalls();
    void streamArgumentLimit();
    void errorBodies_data();
    void errorBodies();
    void estimateTokens();
};

// Slot bodies are defined out of line: moc misreads "//" and \" inside raw strings in a class.

void TestGeminiOpenAI::requestGolden()
{
    QString error;
    const QJsonObject out = toOpenAIRequest(fixtures.json("request.gemini.json"),
                                            QStringLiteral("gemini-2.5-pro"), true, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY2(out == fixtures.json("request.openai.json"), qPrintable(pretty(out)));
}

void TestGeminiOpenAI::requestMinimalSnakeCaseAndSingleObjects()
{
    // Google's curl samples: snake_case names and single objects where lists are expected.
    const QJsonObject out = converted(R"({"system_instruction":{"parts":{"text":"Be nice."}},
        "contents":{"parts":{"text":"Hi"}},
        "generation_config":{"max_output_tokens":5,"stop_sequences":"X"}})");
    QCOMPARE(out, parse(R"({"model":"m","messages":[{"role":"system","content":"Be nice."},
                              {"role":"user","content":"Hi"}],"max_tokens":5,"stop":["X"]})"));
}

void TestGeminiOpenAI::requestUserParts_data()
{
    QTest::addColumn<QByteArray>("parts");
    QTest::addColumn<QByteArray>("expectedMessages");
    QTest::newRow("text") << QByteArray(R"([{"text":"a"}])")
                          << QByteArray(R"([{"role":"user","content":"a"}])");
    QTest::newRow("two texts → parts")
        << QByteArray(R"([{"text":"a"},{"text":"b"}])")
        << QByteArray(R"([{"role":"user","content":[{"type":"text","text":"a"},
                                                     {"type":"text","text":"b"}]}])");
    QTest::newRow("inline image") << QByteArray(R"([{"inlineData":{"mimeType":"image/webp",
                                                    "data":"AAA"}}])")
                                  << QByteArray(R"([{"role":"user","content":[{"type":"image_url",
                                     "image_url":{"url":"data:image/webp;base64,AAA"}}]}])");
    QTest::newRow("inline pdf with displayName")
        << QByteArray(R"([{"inlineData":{"mimeType":"application/pdf","data":"JVB",
                          "displayName":"q3.pdf"}}])")
        << QByteArray(R"([{"role":"user","content":[{"type":"file","file":{"filename":"q3.pdf",
                          "file_data":"data:application/pdf;base64,JVB"}}]}])");
    QTest::newRow("inline mp3") << QByteArray(R"([{"inlineData":{"mimeType":"audio/mpeg",
                                                  "data":"SUQz"}}])")
                                << QByteArray(R"([{"role":"user","content":[{"type":"input_audio",
                                   "input_audio":{"data":"SUQz","format":"mp3"}}]}])");
    QTest::newRow("inline text/csv → decoded text")
        << QByteArray(R"([{"inlineData":{"mimeType":"text/csv","data":"YSxiCjEsMg=="}}])")
        << QByteArray(R"([{"role":"user","content":"a,b\n1,2"}])");
    QTest::newRow("inline other → file")
        << QByteArray(R"([{"inlineData":{"mimeType":"application/zip","data":"UEs="}}])")
        << QByteArray(R"([{"role":"user","content":[{"type":"file","file":{"filename":"file",
                          "file_data":"data:application/zip;base64,UEs="}}]}])");
    QTest::newRow("fileData image → url")
        << QByteArray(R"([{"fileData":{"mimeType":"image/png","fileUri":"https://x/i.png"}}])")
        << QByteArray(R"([{"role":"user","content":[{"type":"image_url",
                          "image_url":{"url":"https://x/i.png"}}]}])");
    QTest::newRow("fileData without mimeType → text reference")
        << QByteArray(R"([{"fileData":{"fileUri":"gs://b/o"}}])")
        << QByteArray(R"([{"role":"user","content":"[file: gs://b/o]"}])");
    QTest::newRow("code parts → text")
        << QByteArray(R"([{"executableCode":{"language":"PYTHON","code":"x = 1"}},
                          {"codeExecutionResult":{"outcome":"OUTCOME_OK","output":"1"}}])")
        << QByteArray(R"([{"role":"user","content":[
                          {"type":"text","text":"```python\nx = 1\n```"},
                          {"type":"text","text":"[code execution result: OUTCOME_OK]\n1"}]}])");
    QTest::newRow("thought and metadata-only parts skipped")
        << QByteArray(R"([{"text":"hidden","thought":true},{"thoughtSignature":"c2ln"},
                          {"text":"shown"}])")
        << QByteArray(R"([{"role":"user","content":"shown"}])");
    QTest::newRow("functionResponse with media → tool message then user media")
        << QByteArray(R"([{"text":"look"},{"functionResponse":{"name":"shot","response":{"ok":true},
                          "parts":[{"inlineData":{"mimeType":"image/png","data":"AA"}}]}}])")
        << QByteArray(R"([{"role":"tool","tool_call_id":"call_0","content":"{\"ok\":true}"},
                          {"role":"user","content":[{"type":"text","text":"look"},
                           {"type":"image_url","image_url":{"url":"data:image/png;base64,AA"}}]}])");
    QTest::newRow("functionResponse without response → {}")
        << QByteArray(R"([{"functionResponse":{"name":"f"}}])")
        << QByteArray(R"([{"role":"tool","tool_call_id":"call_0","content":"{}"}])");
}

void TestGeminiOpenAI::requestUserParts()
{
    QFETCH(QByteArray, parts);
    QFETCH(QByteArray, expectedMessages);
    const QJsonArray messages = userMessages(parts);
    QVERIFY2(messages == parseArray(expectedMessages),
             qPrintable(QString::fromUtf8(QJsonDocument(messages).toJson())));
}

void TestGeminiOpenAI::requestModelTurn()
{
    const QJsonArray messages = converted(R"({"contents":[
        {"role":"user","parts":[{"text":"q"}]},
        {"role":"model","parts":[{"text":"only thinking","thought":true}]},
        {"role":"model","parts":[{"thoughtSignature":"c2ln"}]},
        {"role":"model","parts":[{"inlineData":{"mimeType":"image/png","data":"AA"}},
                                 {"text":"drawn"}]},
        {"role":"model","parts":[{"functionCall":{"name":"f"}}]}]})")
                                    .value("messages")
                                    .toArray();
    QCOMPARE(messages, parseArray(R"([{"role":"user","content":"q"},
        {"role":"assistant","content":"","reasoning_content":"only thinking"},
        {"role":"assistant","content":"drawn"},
        {"role":"assistant","tool_calls":[{"id":"call_0","type":"function",
          "function":{"name":"f","arguments":"{}"}}]}])"));
}

void TestGeminiOpenAI::requestFunctionResponseMatching()
{
    // Responses without ids answer the oldest unanswered call of the same name; a response
    // with nothing to answer gets a fresh id.
    const QJsonArray messages = converted(R"({"contents":[
        {"role":"model","parts":[{"functionCall":{"name":"a","args":{"n":1}}},
                                 {"functionCall":{"name":"b"}},
                                 {"functionCall":{"name":"a","args":{"n":2}}}]},
        {"role":"user","parts":[{"functionResponse":{"name":"a","response":{"r":1}}},
                                {"functionResponse":{"name":"a","response":{"r":2}}},
                                {"functionResponse":{"name":"b","response":{}}},
                                {"functionResponse":{"name":"c","response":{}}}]}]})")
                                    .value("messages")
                                    .toArray();
    QCOMPARE(messages.size(), 5);
    QStringList ids;
    for (qsizetype i = 1; i < messages.size(); ++i)
        ids << messages.at(i).toObject().value("tool_call_id").toString();
    QCOMPARE(ids, (QStringList{"call_0", "call_2", "call_1", "call_3"}));
    QCOMPARE(messages.at(2).toObject().value("content").toString(), QStringLiteral("{\"r\":2}"));
}

void TestGeminiOpenAI::toolConfig_data()
{
    QTest::addColumn<QByteArray>("config");
    QTest::addColumn<QByteArray>("expectedChoice"); // {"tool_choice":…} or {}
    QTest::addColumn<QStringList>("toolNames");
    const QStringList all{"f", "g", "h"};
    QTest::newRow("absent") << QByteArray("{}") << QByteArray("{}") << all;
    QTest::newRow("AUTO") << QByteArray(R"({"mode":"AUTO"})")
                          << QByteArray(R"({"tool_choice":"auto"})") << all;
    QTest::newRow("VALIDATED") << QByteArray(R"({"mode":"VALIDATED"})")
                               << QByteArray(R"({"tool_choice":"auto"})") << all;
    QTest::newRow("NONE") << QByteArray(R"({"mode":"NONE"})")
                          << QByteArray(R"({"tool_choice":"none"})") << all;
    QTest::newRow("ANY") << QByteArray(R"({"mode":"ANY"})")
                         << QByteArray(R"({"tool_choice":"required"})") << all;
    QTest::newRow("ANY, one name")
        << QByteArray(R"({"mode":"ANY","allowedFunctionNames":["g"]})")
        << QByteArray(R"({"tool_choice":{"type":"function","function":{"name":"g"}}})") << all;
    QTest::newRow("ANY, two names → only those tools")
        << QByteArray(R"({"mode":"ANY","allowedFunctionNames":["h","f"]})")
        << QByteArray(R"({"tool_choice":"required"})") << QStringList{"f", "h"};
    QTest::newRow("lower-case mode")
        << QByteArray(R"({"mode":"any"})") << QByteArray(R"({"tool_choice":"required"})") << all;
}

void TestGeminiOpenAI::toolConfig()
{
    QFETCH(QByteArray, config);
    QFETCH(QByteArray, expectedChoice);
    QFETCH(QStringList, toolNames);
    const QJsonObject out = converted(
        R"({"contents":[{"parts":[{"text":"x"}]}],"tools":[{"functionDeclarations":[
            {"name":"f"},{"name":"g"}]},{"functionDeclarations":[{"name":"h"}]}],
            "toolConfig":{"functionCallingConfig":)" +
        config + "}}");
    QJsonObject choice;
    if (out.contains("tool_choice"))
        choice.insert("tool_choice", out.value("tool_choice"));
    QVERIFY2(choice == parse(expectedChoice), qPrintable(pretty(out)));
    QStringList names;
    const QJsonArray tools = out.value("tools").toArray();
    for (const QJsonValue &tool : tools)
        names << tool.toObject().value("function").toObject().value("name").toString();
    QCOMPARE(names, toolNames);
}

void TestGeminiOpenAI::toolsWithoutFunctionsAreDropped()
{
    const QJsonObject out = converted(R"({"contents":[{"parts":[{"text":"x"}]}],
        "tools":[{"googleSearch":{}},{"codeExecution":{}}],
        "toolConfig":{"functionCallingConfig":{"mode":"ANY"}}})");
    QVERIFY(!out.contains("tools"));
    QVERIFY(!out.contains("tool_choice"));
}

void TestGeminiOpenAI::responseFormat_data()
{
    QTest::addColumn<QByteArray>("generationConfig");
    QTest::addColumn<QByteArray>("expected"); // {"response_format":…} or {}
    QTest::newRow("json, no schema") << QByteArray(R"({"responseMimeType":"application/json"})")
                                     << QByteArray(R"({"response_format":{"type":"json_object"}})");
    QTest::newRow("json + responseSchema (normalised)")
        << QByteArray(R"({"responseMimeType":"application/json","responseSchema":{
                          "type":"ARRAY","items":{"type":"OBJECT","properties":{
                          "n":{"type":"NUMBER","nullable":true},
                          "k":{"anyOf":[{"type":"STRING"},{"type":"BOOLEAN"}]}},
                          "propertyOrdering":["n","k"]}}})")
        << QByteArray(R"({"response_format":{"type":"json_schema","json_schema":{
                          "name":"response","schema":{"type":"array","items":{"type":"object",
                          "properties":{"n":{"type":["number","null"]},
                          "k":{"anyOf":[{"type":"string"},{"type":"boolean"}]}}}}}}})");
    QTest::newRow("json + responseJsonSchema (verbatim)")
        << QByteArray(R"({"responseMimeType":"application/json","responseJsonSchema":{
                          "type":"object","propertyOrdering":["x"]}})")
        << QByteArray(R"({"response_format":{"type":"json_schema","json_schema":{
                          "name":"response","schema":{"type":"object",
                          "propertyOrdering":["x"]}}}})");
    QTest::newRow("text/plain") << QByteArray(R"({"responseMimeType":"text/plain"})")
                                << QByteArray("{}");
}

void TestGeminiOpenAI::responseFormat()
{
    QFETCH(QByteArray, generationConfig);
    QFETCH(QByteArray, expected);
    const QJsonObject out = converted(R"({"contents":[{"parts":[{"text":"x"}]}],
                                          "generationConfig":)" +
                                      generationConfig + "}");
    QJsonObject actual;
    if (out.contains("response_format"))
        actual.insert("response_format", out.value("response_format"));
    QVERIFY2(actual == parse(expected), qPrintable(pretty(actual)));
}

void TestGeminiOpenAI::thinking_data()
{
    QTest::addColumn<QByteArray>("thinkingConfig");
    QTest::addColumn<QString>("effort"); // Empty: no reasoning_effort.
    QTest::newRow("budget 0 → none") << QByteArray(R"({"thinkingBudget":0})") << "none";
    QTest::newRow("budget 1024") << QByteArray(R"({"thinkingBudget":1024})") << "minimal";
    QTest::newRow("budget 4096") << QByteArray(R"({"thinkingBudget":4096})") << "low";
    QTest::newRow("budget 12288") << QByteArray(R"({"thinkingBudget":12288})") << "medium";
    QTest::newRow("budget 24576") << QByteArray(R"({"thinkingBudget":24576})") << "high";
    QTest::newRow("budget 32768 xhigh→high") << QByteArray(R"({"thinkingBudget":32768})") << "high";
    QTest::newRow("budget -1 dynamic") << QByteArray(R"({"thinkingBudget":-1})") << "";
    QTest::newRow("level LOW") << QByteArray(R"({"thinkingLevel":"LOW"})") << "low";
    QTest::newRow("level high") << QByteArray(R"({"thinkingLevel":"high"})") << "high";
    QTest::newRow("level MINIMAL") << QByteArray(R"({"thinkingLevel":"MINIMAL"})") << "minimal";
    QTest::newRow("includeThoughts only") << QByteArray(R"({"includeThoughts":true})") << "";
}

void TestGeminiOpenAI::thinking()
{
    QFETCH(QByteArray, thinkingConfig);
    QFETCH(QString, effort);
    const QJsonObject out = converted(R"({"contents":[{"parts":[{"text":"x"}]}],
                                          "generationConfig":{"thinkingConfig":)" +
                                      thinkingConfig + "}}");
    QVERIFY(out.contains("messages"));
    QCOMPARE(out.value("reasoning_effort").toString(), effort);
    QCOMPARE(out.contains("reasoning_effort"), !effort.isEmpty());
}

void TestGeminiOpenAI::requestErrorsNameTheField_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<QString>("field");
    QTest::newRow("contents missing") << QByteArray(R"({})") << "contents";
    QTest::newRow("contents string") << QByteArray(R"({"contents":"hi"})") << "contents";
    QTest::newRow("contents empty") << QByteArray(R"({"contents":[]})") << "contents";
    QTest::newRow("content not object") << QByteArray(R"({"contents":[1]})") << "contents.0";
    QTest::newRow("parts missing")
        << QByteArray(R"({"contents":[{"role":"user"}]})") << "contents.0.parts";
    QTest::newRow("role") << QByteArray(R"({"contents":[{"role":"system","parts":[]}]})")
                          << "contents.0.role";
    QTest::newRow("unsupported part")
        << QByteArray(R"({"contents":[{"parts":[{"text":"a"},{"videoThing":{}}]}]})")
        << "contents.0.parts.1";
    QTest::newRow("inlineData without data")
        << QByteArray(R"({"contents":[{"parts":[{"inlineData":{"mimeType":"image/png"}}]}]})")
        << "contents.0.parts.0.inlineData";
    QTest::newRow("inline text not base64")
        << QByteArray(R"({"contents":[{"parts":[{"inlineData":{"mimeType":"text/plain",
                         "data":"@@@"}}]}]})")
        << "contents.0.parts.0.inlineData.data";
    QTest::newRow("fileData without uri")
        << QByteArray(R"({"contents":[{"parts":[{"fileData":{"mimeType":"image/png"}}]}]})")
        << "contents.0.parts.0.fileData.fileUri";
    QTest::newRow("functionCall in user turn")
        << QByteArray(R"({"contents":[{"role":"user","parts":[{"functionCall":{"name":"f"}}]}]})")
        << "contents.0.parts.0.functionCall";
    QTest::newRow("functionResponse in model turn")
        << QByteArray(R"({"contents":[{"role":"model","parts":[{"functionResponse":{
                         "name":"f","response":{}}}]}]})")
        << "contents.0.parts.0.functionResponse";
    QTest::newRow("functionCall name")
        << QByteArray(R"({"contents":[{"role":"model","parts":[{"functionCall":{"args":{}}}]}]})")
        << "contents.0.parts.0.functionCall.name";
    QTest::newRow("functionResponse name")
        << QByteArray(R"({"contents":[{"parts":[{"functionResponse":{"response":{}}}]}]})")
        << "contents.0.parts.0.functionResponse.name";
    QTest::newRow("functionResponse media part")
        << QByteArray(R"({"contents":[{"parts":[{"functionResponse":{"name":"f",
                         "parts":[{"weird":1}]}}]}]})")
        << "contents.0.parts.0.functionResponse.parts.0";
    QTest::newRow("system part") << QByteArray(
                                        R"({"systemInstruction":{"parts":[{"inlineData":{}}]},
                                     "contents":[{"parts":[{"text":"x"}]}]})")
                                 << "systemInstruction.parts.0";
    QTest::newRow("tool name")
        << QByteArray(R"({"contents":[{"parts":[{"text":"x"}]}],"tools":[{"functionDeclarations":
                         [{"name":"f"},{"description":"d"}]}]})")
        << "tools.0.functionDeclarations.1.name";
    QTest::newRow("mode") << QByteArray(R"({"contents":[{"parts":[{"text":"x"}]}],
                         "tools":[{"functionDeclarations":[{"name":"f"}]}],
                         "toolConfig":{"functionCallingConfig":{"mode":"SOMETIMES"}}})")
                          << "toolConfig.functionCallingConfig.mode";
    QTest::newRow("candidateCount") << QByteArray(R"({"contents":[{"parts":[{"text":"x"}]}],
                         "generationConfig":{"candidateCount":2}})")
                                    << "generationConfig.candidateCount";
    QTest::newRow("budget and level")
        << QByteArray(R"({"contents":[{"parts":[{"text":"x"}]}],"generationConfig":{
                         "thinkingConfig":{"thinkingBudget":10,"thinkingLevel":"LOW"}}})")
        << "generationConfig.thinkingConfig";
    QTest::newRow("thinkingLevel")
        << QByteArray(R"({"contents":[{"parts":[{"text":"x"}]}],"generationConfig":{
                         "thinkingConfig":{"thinkingLevel":"EXTREME"}}})")
        << "generationConfig.thinkingConfig.thinkingLevel";
    QTest::newRow("cachedContent")
        << QByteArray(
               R"({"contents":[{"parts":[{"text":"x"}]}],"cachedContent":"cachedContents/1"})")
        << "cachedContent";
}

void TestGeminiOpenAI::requestErrorsNameTheField()
{
    QFETCH(QByteArray, request);
    QFETCH(QString, field);
    QString error;
    const QJsonObject out = toOpenAIRequest(parse(request), QStringLiteral("m"), false, &error);
    QVERIFY(out.isEmpty());
    QVERIFY2(error.startsWith(field + QLatin1Char(':')), qPrintable(error));
}

void TestGeminiOpenAI::responseGolden()
{
    const QJsonObject out =
        toGeminiResponse(fixtures.json("response.openai.json"), QStringLiteral("gemini-2.5-pro"));
    QVERIFY2(out == fixtures.json("response.gemini.json"), qPrintable(pretty(out)));
}

void TestGeminiOpenAI::responseFinishReasons_data()
{
    QTest::addColumn<QByteArray>("choice");
    QTest::addColumn<QString>("finishReason");
    QTest::addColumn<int>("partCount");
    QTest::newRow("stop") << QByteArray(R"({"message":{"content":"x"},"finish_reason":"stop"})")
                          << "STOP" << 1;
    QTest::newRow("length") << QByteArray(R"({"message":{"content":"x"},"finish_reason":"length"})")
                            << "MAX_TOKENS" << 1;
    QTest::newRow("content_filter, no content")
        << QByteArray(R"({"message":{"content":null},"finish_reason":"content_filter"})")
        << "SAFETY" << 0;
    QTest::newRow("refusal is text")
        << QByteArray(R"({"message":{"refusal":"no"},"finish_reason":"stop"})") << "STOP" << 1;
    QTest::newRow("null finish") << QByteArray(
                                        R"({"message":{"content":"x"},"finish_reason":null})")
                                 << "STOP" << 1;
    QTest::newRow("unknown") << QByteArray(R"({"message":{"content":"x"},"finish_reason":"abort"})")
                             << "OTHER" << 1;
}

void TestGeminiOpenAI::responseFinishReasons()
{
    QFETCH(QByteArray, choice);
    QFETCH(QString, finishReason);
    QFETCH(int, partCount);
    const QJsonObject response{{"id", "chatcmpl-1"}, {"choices", QJsonArray{parse(choice)}}};
    const QJsonObject out = toGeminiResponse(response, QStringLiteral("m"));
    const QJsonObject candidate = out.value("candidates").toArray().first().toObject();
    QCOMPARE(candidate.value("finishReason").toString(), finishReason);
    QCOMPARE(partsOf(out).size(), partCount);
    QCOMPARE(candidate.value("content").toObject().value("role").toString(),
             QStringLiteral("model"));
    QCOMPARE(out.value("responseId").toString(), QStringLiteral("1"));
    QVERIFY(!out.contains("usageMetadata")); // The upstream sent none.
}

void TestGeminiOpenAI::streamGolden()
{
    const QByteArray actual = encodeStream({fixtures.read("stream.openai.sse")});
    QCOMPARE(actual, fixtures.golden("stream.gemini.sse", actual));
}

void TestGeminiOpenAI::streamFramingMatchesGeminiSdk()
{
    // @google/genai splits the stream with /^data: (.*)(?:\n\n|\r\r|\r\n\r\n)/: every event
    // must be one `data: ` line of JSON ending in a blank line.
    const QByteArray stream = fixtures.read("stream.gemini.sse");
    const QRegularExpression event(QStringLiteral("^data: (.*)(?:\\n\\n|\\r\\r|\\r\\n\\r\\n)"));
    QString rest = QString::fromUtf8(stream);
    int count = 0;
    while (!rest.isEmpty()) {
        const QRegularExpressionMatch match = event.match(rest);
        QVERIFY2(match.hasMatch(), qPrintable(rest));
        QJsonParseError error;
        QJsonDocument::fromJson(match.captured(1).toUtf8(), &error);
        QCOMPARE(error.error, QJsonParseError::NoError);
        rest = rest.sliced(match.capturedLength(0));
        ++count;
    }
    QCOMPARE(count, 5);

    // The parts reassemble to the upstream's answer; only the last event finishes.
    QString thoughts;
    QString text;
    const QList<QJsonObject> events = sseData(stream);
    for (qsizetype i = 0; i < events.size(); ++i) {
        const QJsonObject candidate = events.at(i).value("candidates").toArray().first().toObject();
        QCOMPARE(candidate.contains("finishReason"), i == events.size() - 1);
        QCOMPARE(events.at(i).contains("usageMetadata"), i == events.size() - 1);
        const QJsonArray parts = partsOf(events.at(i));
        for (const QJsonValue &part : parts)
            (part.toObject().value("thought").toBool() ? thoughts : text) +=
                part.toObject().value("text").toString();
    }
    QCOMPARE(thoughts, QStringLiteral("Weather needed."));
    QCOMPARE(text, QStringLiteral("Let me check Zürich."));
}

void TestGeminiOpenAI::streamAtEverySplit()
{
    const QByteArray expected = fixtures.read("stream.gemini.sse");
    QCOMPARE(Golden::firstBadSplit(
                 fixtures.read("stream.openai.sse"), expected,
                 [&](const QList<QByteArray> &pieces) { return encodeStream(pieces); }),
             qsizetype(-1));
}

void TestGeminiOpenAI::streamOneByteAtATime()
{
    QCOMPARE(encodeStream(Golden::oneByteAtATime(fixtures.read("stream.openai.sse"))),
             fixtures.read("stream.gemini.sse"));
}

void TestGeminiOpenAI::streamErrorMidway()
{
    const QByteArray stream = fixtures.read("stream.openai.sse");
    const qsizetype cut = stream.indexOf("ty\\\":\\\"Zür");
    QVERIFY(cut > 0);
    const QByteArray out = encodeStream({stream.first(cut)}, QStringLiteral("upstream \"reset\""));
    QVERIFY2(out.endsWith("\r\n\r\ndata: {\"error\":{\"code\":500,\"message\":\"upstream "
                          "\\\"reset\\\"\",\"status\":\"INTERNAL\"}}\r\n\r\n"),
             out.constData());
    QVERIFY(!out.contains("functionCall")); // The incomplete call is dropped.
    QVERIFY(!out.contains("finishReason"));
    QVERIFY(out.contains("check Z"));
}

void TestGeminiOpenAI::streamEmptyUpstream()
{
    GeminiStreamEncoder encoder(QStringLiteral("m"));
    const QList<QJsonObject> events = sseData(encoder.finish());
    QCOMPARE(events.size(), 1);
    const QJsonObject candidate = events.first().value("candidates").toArray().first().toObject();
    QCOMPARE(candidate.value("finishReason").toString(), QStringLiteral("STOP"));
    QCOMPARE(partsOf(events.first()), QJsonArray());
    QVERIFY(!events.first().value("responseId").toString().isEmpty());
    QVERIFY(!events.first().contains("usageMetadata"));
    QVERIFY(encoder.finish().isEmpty());
    QVERIFY(encoder.onChunk(parse(R"({"choices":[{"delta":{"content":"late"}}]})")).isEmpty());
}

void TestGeminiOpenAI::streamInterleavedToolCalls()
{
    // Some upstreams interleave parallel calls; each is reassembled by its index.
    GeminiStreamEncoder encoder(QStringLiteral("m"));
    QByteArray out;
    out += encoder.onChunk(parse(R"({"id":"chatcmpl-i","choices":[{"delta":{"tool_calls":[
        {"index":0,"id":"c0","function":{"name":"a","arguments":"{\"x\":"}},
        {"index":1,"id":"c1","function":{"name":"b","arguments":"{\"y\":"}}]}}]})"));
    QVERIFY(out.isEmpty()); // Nothing to send until the calls are complete.
    out += encoder.onChunk(parse(R"({"choices":[{"delta":{"tool_calls":[
        {"index":1,"function":{"arguments":"2}"}},{"index":0,"function":{"arguments":"1}"}}]},
        "finish_reason":"tool_calls"}],"usage":{"prompt_tokens":3,"completion_tokens":4}})"));
    out += encoder.finish();
    const QList<QJsonObject> events = sseData(out);
    QCOMPARE(events.size(), 1);
    QCOMPARE(partsOf(events.first()), parseArray(R"([
        {"functionCall":{"id":"c0","name":"a","args":{"x":1}}},
        {"functionCall":{"id":"c1","name":"b","args":{"y":2}}}])"));
    QCOMPARE(events.first().value("usageMetadata").toObject(),
             parse(R"({"promptTokenCount":3,"candidatesTokenCount":4,"totalTokenCount":7})"));
    QCOMPARE(events.first().value("responseId").toString(), QStringLiteral("i"));
    QCOMPARE(encoder.usage().inputTokens, 3);
}

void TestGeminiOpenAI::streamArgumentLimit()
{
    GeminiStreamEncoder encoder(QStringLiteral("m"));
    const QString huge(GeminiStreamEncoder::maxToolArgumentBytes + 1, QLatin1Char('a'));
    const QJsonObject call{
        {"index", 0}, {"id", "c"}, {"function", QJsonObject{{"name", "f"}, {"arguments", huge}}}};
    const QJsonObject chunk{
        {"choices",
         QJsonArray{QJsonObject{{"delta", QJsonObject{{"tool_calls", QJsonArray{call}}}}}}}};
    const QByteArray out = encoder.onChunk(chunk);
    QVERIFY(out.startsWith("data: {\"error\":{\"code\":500,"));
    QVERIFY(encoder.isFinished());
    QVERIFY(encoder.finish().isEmpty());
}

void TestGeminiOpenAI::errorBodies_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("name");
    QTest::newRow("400") << 400 << "INVALID_ARGUMENT";
    QTest::newRow("413") << 413 << "INVALID_ARGUMENT";
    QTest::newRow("401") << 401 << "UNAUTHENTICATED";
    QTest::newRow("403") << 403 << "PERMISSION_DENIED";
    QTest::newRow("404") << 404 << "NOT_FOUND";
    QTest::newRow("429") << 429 << "RESOURCE_EXHAUSTED";
    QTest::newRow("500") << 500 << "INTERNAL";
    QTest::newRow("502") << 502 << "INTERNAL";
    QTest::newRow("503") << 503 << "UNAVAILABLE";
    QTest::newRow("504") << 504 << "DEADLINE_EXCEEDED";
}

void TestGeminiOpenAI::errorBodies()
{
    QFETCH(int, status);
    QFETCH(QString, name);
    const QByteArray body = geminiErrorBody(status, QStringLiteral("bad \"thing\""));
    QCOMPARE(body, "{\"error\":{\"code\":" + QByteArray::number(status) +
                       ",\"message\":\"bad \\\"thing\\\"\",\"status\":\"" + name.toLatin1() +
                       "\"}}");
    QCOMPARE(geminiErrorStatus(status), name);
}

void TestGeminiOpenAI::estimateTokens()
{
    // 40 characters of text → 10 tokens; one image → 1600; declarations counted.
    const QJsonObject request = parse(R"({"systemInstruction":{"parts":[{"text":"0123456789"}]},
        "contents":[{"role":"user","parts":[{"text":"0123456789"},
          {"inlineData":{"mimeType":"image/png","data":"AAAA"}}]},
          {"role":"model","parts":[{"text":"01234567890123456789"}]}]})");
    QCOMPARE(estimateInputTokens(request), qint64(10 + 1600));
    QJsonObject withTool = request;
    withTool.insert("tools", parseArray(R"([{"functionDeclarations":[{"name":"abcd",
                                            "parameters":{}}]}])"));
    QCOMPARE(estimateInputTokens(withTool), qint64(10 + 2 + 1600)); // "abcd" + "{}" = 6 → 2.
    // countTokens may wrap the request.
    QCOMPARE(estimateInputTokens(QJsonObject{{"generateContentRequest", request}}),
             qint64(10 + 1600));
    QVERIFY(estimateInputTokens(fixtures.json("request.gemini.json")) > 1600 * 4);
}

QTEST_APPLESS_MAIN(TestGeminiOpenAI)
#include "tst_geminiopenai.moc"
