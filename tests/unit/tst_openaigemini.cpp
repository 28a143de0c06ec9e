// OpenAI Chat Completions / Embeddings → native Gemini upstream conversion: golden
// request/response pairs, the stream decoder fed through SseParser at every byte split, error
// extraction and embeddings.
#include "golden.h"
#include "protocol/geministreamdecoder.h"
#include "protocol/openaigemini.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace OpenAIGemini;

namespace {

using Golden::parse;
using Golden::pretty;

const Golden::Fixtures fixtures(QStringLiteral("openaigemini"));

QJsonArray parseArray(const QByteArray &json)
{
    return parse("{\"a\":" + json + "}").value("a").toArray();
}

QJsonValue parseValue(const QByteArray &json)
{
    return parse("{\"a\":" + json + "}").value("a");
}

/// Converts \a request; warns on a conversion error.
QJsonObject converted(const QByteArray &request)
{
    QString error;
    const QJsonObject out = toGeminiRequest(parse(request), &error);
    if (!error.isEmpty())
        qWarning("conversion error: %s", qPrintable(error));
    return out;
}

/// The parts of the first content of a conversion of \a messages.
QJsonArray firstParts(const QByteArray &messages)
{
    return converted(R"({"messages":)" + messages + "}")
        .value("contents")
        .toArray()
        .first()
        .toObject()
        .value("parts")
        .toArray();
}

QJsonObject withoutCreated(QJsonObject object)
{
    object.remove("created");
    return object;
}

/// Feeds Gemini SSE \a pieces through SseParser into a decoder, as the relay does.
QList<QJsonObject> decodeStream(const QList<QByteArray> &pieces, Usage *usage = nullptr)
{
    GeminiStreamDecoder decoder(QStringLiteral("gemini-client-alias"));
    QList<QJsonObject> out;
    for (const SseParser::Event &event : Golden::sseEvents(pieces))
        if (!event.isCommentOnly)
            out += decoder.onEvent(QJsonDocument::fromJson(event.data).object());
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

/// One Gemini stream event of \a json (written over several lines here: joined into one).
QByteArray sseEvent(const QByteArray &json)
{
    return "data: " + json.simplified() + "\r\n\r\n";
}

} // namespace

class TestOpenAIGemini : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void requestGolden();
    void requestUserParts_data();
    void requestUserParts();
    void requestRoleMerging();
    void requestToolResponses_data();
    void requestToolResponses();
    void requestThoughtSignatures();
    void requestDefaults();
    void toolChoice_data();
    void toolChoice();
    void reasoningEffort_data();
    void reasoningEffort();
    void responseFormat_data();
    void responseFormat();
    void requestErrorsNameTheField_data();
    void requestErrorsNameTheField();
    void embeddingsRequest();
    void embeddingsRequestErrors_data();
    void embeddingsRequestErrors();
    void embeddingsResponse();
    void responseGolden();
    void responseFinishReasons_data();
    void responseFinishReasons();
    void responseBlockedPrompt();
    void responseWithoutUsage();
    void streamGolden();
    void streamAtEverySplit();
    void streamOneByteAtATime();
    void streamUsageLastWins();
    void streamErrorEvent();
    void streamCutShort();
    void streamWithoutUsage();
    void streamBlockedPrompt();
    void streamTwoCandidates();
    void errorMessage_data();
    void errorMessage();
};

// Slot bodies are defined out of line: moc misreads "//" and \" inside raw strings in a class.

void TestOpenAIGemini::requestGolden()
{
    QString error;
    const QJsonObject out = toGeminiRequest(parse(fixtures.read("request.openai.json")), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const QJsonDocument expected = fixtures.golden("request.gemini.json", QJsonDocument(out));
    QVERIFY2(out == expected.object(), qPrintable(pretty(out)));
}

void TestOpenAIGemini::requestUserParts_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QByteArray>("expected"); // Gemini parts of the user content.
    QTest::newRow("string") << QByteArray(R"("Hi")") << QByteArray(R"([{"text":"Hi"}])");
    QTest::newRow("empty text parts dropped")
        << QByteArray(R"([{"type":"text","text":"a"},{"type":"text","text":""}])")
        << QByteArray(R"([{"text":"a"}])");
    QTest::newRow("image data URL → inlineData")
        << QByteArray(R"([{"type":"image_url","image_url":{"url":"data:image/jpeg;base64,AAA"}}])")
        << QByteArray(R"([{"inlineData":{"mimeType":"image/jpeg","data":"AAA"}}])");
    QTest::newRow("percent-encoded data URL → base64")
        << QByteArray(
               R"([{"type":"image_url","image_url":{"url":"data:image/svg+xml,%3Csvg%2F%3E"}}])")
        << QByteArray(R"([{"inlineData":{"mimeType":"image/svg+xml","data":"PHN2Zy8+"}}])");
    QTest::newRow("http URL → fileData, type from the extension")
        << QByteArray(R"([{"type":"image_url","image_url":{"url":"http://x/a/b.PNG?v=1#f"}}])")
        << QByteArray(
               R"([{"fileData":{"mimeType":"image/png","fileUri":"http://x/a/b.PNG?v=1#f"}}])");
    QTest::newRow("URL without extension → image/jpeg")
        << QByteArray(R"([{"type":"image_url","image_url":"https://x/image"}])")
        << QByteArray(R"([{"fileData":{"mimeType":"image/jpeg","fileUri":"https://x/image"}}])");
    QTest::newRow("PDF URL")
        << QByteArray(R"([{"type":"image_url","image_url":{"url":"https://x/doc.pdf"}}])")
        << QByteArray(
               R"([{"fileData":{"mimeType":"application/pdf","fileUri":"https://x/doc.pdf"}}])");
    QTest::newRow("PDF file → inlineData")
        << QByteArray(R"([{"type":"file","file":{"file_data":"data:application/pdf;base64,JVB"}}])")
        << QByteArray(R"([{"inlineData":{"mimeType":"application/pdf","data":"JVB"}}])");
    QTest::newRow("audio → inlineData")
        << QByteArray(R"([{"type":"input_audio","input_audio":{"data":"SUQz","format":"MP3"}}])")
        << QByteArray(R"([{"inlineData":{"mimeType":"audio/mp3","data":"SUQz"}}])");
}

void TestOpenAIGemini::requestUserParts()
{
    QFETCH(QByteArray, content);
    QFETCH(QByteArray, expected);
    const QJsonArray actual = firstParts(R"([{"role":"user","content":)" + content + "}]");
    QVERIFY2(actual == parseArray(expected), qPrintable(pretty(actual)));
}

void TestOpenAIGemini::requestRoleMerging()
{
    const QJsonObject out = converted(R"({"messages":[
        {"role":"user","content":"a"},
        {"role":"system","content":"late system"},
        {"role":"user","content":[{"type":"text","text":"b"}]},
        {"role":"assistant","content":"c","reasoning_content":"dropped"},
        {"role":"assistant","content":null,"tool_calls":[{"id":"t1","type":"function",
          "function":{"name":"f","arguments":"[1]"}}]},
        {"role":"tool","tool_call_id":"t1","content":"r1"},
        {"role":"user","content":"d"},
        {"role":"assistant","content":""}]})");
    QCOMPARE(out.value("systemInstruction").toObject(),
             parse(R"({"parts":[{"text":"late system"}]})"));
    const QJsonArray expected = parseArray(R"([
        {"role":"user","parts":[{"text":"a"},{"text":"b"}]},
        {"role":"model","parts":[{"text":"c"},
          {"functionCall":{"name":"f","args":{"_raw_arguments":"[1]"}},
           "thoughtSignature":"skip_thought_signature_validator"}]},
        {"role":"user","parts":[{"functionResponse":{"name":"f","response":{"content":"r1"}}},
          {"text":"d"}]}])");
    QVERIFY2(out.value("contents").toArray() == expected,
             qPrintable(pretty(out.value("contents").toArray())));
}

void TestOpenAIGemini::requestToolResponses_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QByteArray>("response");
    QTest::newRow("JSON object") << QByteArray(R"("{\"t\":21}")") << QByteArray(R"({"t":21})");
    QTest::newRow("JSON array") << QByteArray(R"("[1,2]")") << QByteArray(R"({"content":[1,2]})");
    QTest::newRow("JSON number") << QByteArray(R"("42")") << QByteArray(R"({"content":42})");
    QTest::newRow("JSON string") << QByteArray(R"("\"ok\"")") << QByteArray(R"({"content":"ok"})");
    QTest::newRow("plain text") << QByteArray(R"("sunny, 21")")
                                << QByteArray(R"({"content":"sunny, 21"})");
    QTest::newRow("empty") << QByteArray(R"("")") << QByteArray(R"({"content":""})");
    QTest::newRow("text parts joined")
        << QByteArray(R"([{"type":"text","text":"{\"a\":"},{"type":"text","text":"1}"}])")
        << QByteArray(R"({"a":1})");
}

void TestOpenAIGemini::requestToolResponses()
{
    QFETCH(QByteArray, content);
    QFETCH(QByteArray, response);
    const QJsonArray contents = converted(R"({"messages":[{"role":"assistant","tool_calls":[
        {"id":"c1","type":"function","function":{"name":"lookup","arguments":"{}"}}]},
        {"role":"tool","tool_call_id":"c1","content":)" +
                                          content + "}]}")
                                    .value("contents")
                                    .toArray();
    QCOMPARE(contents.size(), 2);
    const QJsonObject part = contents.at(1).toObject().value("parts").toArray().first().toObject();
    QCOMPARE(part.value("functionResponse").toObject(),
             QJsonObject({{"name", "lookup"}, {"response", parse(response)}}));
}

void TestOpenAIGemini::requestThoughtSignatures()
{
    // A turn with one signed call: kept as is, no placeholder on the unsigned one.
    const QJsonArray signedParts = firstParts(R"([{"role":"assistant","tool_calls":[
        {"id":"a","type":"function","function":{"name":"f","arguments":"{}"}},
        {"id":"b","type":"function","function":{"name":"g","arguments":"{}"},
         "extra_content":{"google":{"thought_signature":"SIG"}}}]}])");
    QCOMPARE(signedParts, parseArray(R"([{"functionCall":{"name":"f","args":{}}},
        {"functionCall":{"name":"g","args":{}},"thoughtSignature":"SIG"}])"));
    // Unsigned calls (another provider's history): the placeholder on the first only.
    const QJsonArray unsignedParts = firstParts(R"([{"role":"assistant","content":"x","tool_calls":[
        {"id":"a","type":"function","function":{"name":"f","arguments":"{}"}},
        {"id":"b","type":"function","function":{"name":"g","arguments":"{}"}}]}])");
    QCOMPARE(unsignedParts, parseArray(R"([{"text":"x"},
        {"functionCall":{"name":"f","args":{}},"thoughtSignature":"skip_thought_signature_validator"},
        {"functionCall":{"name":"g","args":{}}}])"));
}

void TestOpenAIGemini::requestDefaults()
{
    // Nothing to configure: no generationConfig, no tools, no systemInstruction.
    QCOMPARE(converted(R"({"model":"m","messages":[{"role":"user","content":"q"}],"stream":false,
                          "user":"u","max_tokens":null,"n":1,"stop":[],"tool_choice":"required"})"),
             parse(R"({"contents":[{"role":"user","parts":[{"text":"q"}]}]})"));
    QCOMPARE(converted(R"({"messages":[],"max_tokens":77,"n":3,"stop":"X","top_k":5})")
                 .value("generationConfig")
                 .toObject(),
             parse(R"({"maxOutputTokens":77,"candidateCount":3,"stopSequences":["X"],
                       "topK":5})"));
}

void TestOpenAIGemini::toolChoice_data()
{
    QTest::addColumn<QByteArray>("choice");
    QTest::addColumn<QByteArray>("expected"); // functionCallingConfig, or null when absent.
    QTest::newRow("absent") << QByteArray("null") << QByteArray("null");
    QTest::newRow("auto") << QByteArray(R"("auto")") << QByteArray(R"({"mode":"AUTO"})");
    QTest::newRow("none") << QByteArray(R"("none")") << QByteArray(R"({"mode":"NONE"})");
    QTest::newRow("required") << QByteArray(R"("required")") << QByteArray(R"({"mode":"ANY"})");
    QTest::newRow("function") << QByteArray(R"({"type":"function","function":{"name":"f"}})")
                              << QByteArray(R"({"mode":"ANY","allowedFunctionNames":["f"]})");
}

void TestOpenAIGemini::toolChoice()
{
    QFETCH(QByteArray, choice);
    QFETCH(QByteArray, expected);
    const QJsonObject out = converted(R"({"messages":[],"tools":[{"type":"function",
        "function":{"name":"f","parameters":{"type":"object"}}}],"tool_choice":)" +
                                      choice + "}");
    QCOMPARE(out.value("tools").toArray(), parseArray(R"([{"functionDeclarations":[{"name":"f",
                 "parametersJsonSchema":{"type":"object"}}]}])"));
    const QJsonValue wanted = parseValue(expected);
    QCOMPARE(out.contains("toolConfig"), !wanted.isNull());
    if (!wanted.isNull())
        QCOMPARE(out.value("toolConfig").toObject(),
                 QJsonObject({{"functionCallingConfig", wanted}}));
}

void TestOpenAIGemini::reasoningEffort_data()
{
    QTest::addColumn<QString>("effort");
    QTest::addColumn<QByteArray>("thinkingConfig");
    QTest::newRow("none") << "none" << QByteArray(R"({"thinkingBudget":0})");
    QTest::newRow("minimal") << "minimal"
                             << QByteArray(R"({"thinkingBudget":1024,"includeThoughts":true})");
    QTest::newRow("low") << "low"
                         << QByteArray(R"({"thinkingBudget":2048,"includeThoughts":true})");
    QTest::newRow("medium") << "medium"
                            << QByteArray(R"({"thinkingBudget":8192,"includeThoughts":true})");
    QTest::newRow("high") << "high"
                          << QByteArray(R"({"thinkingBudget":16384,"includeThoughts":true})");
    QTest::newRow("xhigh") << "xhigh"
                           << QByteArray(R"({"thinkingBudget":32768,"includeThoughts":true})");
}

void TestOpenAIGemini::reasoningEffort()
{
    QFETCH(QString, effort);
    QFETCH(QByteArray, thinkingConfig);
    const QJsonObject out = converted(R"({"messages":[],"temperature":0.5,"reasoning_effort":")" +
                                      effort.toUtf8() + "\"}");
    const QJsonObject config = out.value("generationConfig").toObject();
    QCOMPARE(config.value("thinkingConfig").toObject(), parse(thinkingConfig));
    QCOMPARE(config.value("temperature").toDouble(), 0.5); // Gemini keeps sampling with thinking.
    QVERIFY(!converted(R"({"messages":[]})").contains("generationConfig"));
}

void TestOpenAIGemini::responseFormat_data()
{
    QTest::addColumn<QByteArray>("format");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("text") << QByteArray(R"({"type":"text"})") << QByteArray("{}");
    QTest::newRow("json_object") << QByteArray(R"({"type":"json_object"})")
                                 << QByteArray(R"({"responseMimeType":"application/json"})");
    QTest::newRow("json_schema")
        << QByteArray(R"({"type":"json_schema","json_schema":{"name":"n","strict":true,
                          "schema":{"type":"object","additionalProperties":false}}})")
        << QByteArray(R"({"responseMimeType":"application/json",
                          "responseJsonSchema":{"type":"object","additionalProperties":false}})");
}

void TestOpenAIGemini::responseFormat()
{
    QFETCH(QByteArray, format);
    QFETCH(QByteArray, expected);
    const QJsonObject out = converted(R"({"messages":[],"response_format":)" + format + "}");
    QCOMPARE(out.value("generationConfig").toObject(), parse(expected));
}

void TestOpenAIGemini::requestErrorsNameTheField_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<QString>("field");
    QTest::newRow("messages") << QByteArray(R"({"model":"m"})") << "messages";
    QTest::newRow("role") << QByteArray(R"({"messages":[{"role":"function","content":"x"}]})")
                          << "messages.0.role";
    QTest::newRow("part type") << QByteArray(R"({"messages":[{"role":"user","content":[
                         {"type":"text","text":"x"},{"type":"video"}]}]})")
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
    QTest::newRow("audio") << QByteArray(R"({"messages":[{"role":"user","content":[
                         {"type":"input_audio","input_audio":{"data":"AA"}}]}]})")
                           << "messages.0.content.0.input_audio";
    QTest::newRow("content type") << QByteArray(R"({"messages":[{"role":"user","content":5}]})")
                                  << "messages.0.content";
    QTest::newRow("unknown tool call id")
        << QByteArray(R"({"messages":[{"role":"tool","tool_call_id":"x","content":"r"}]})")
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
    QTest::newRow("n") << QByteArray(R"({"messages":[],"n":0})") << "n";
    QTest::newRow("max_tokens") << QByteArray(R"({"messages":[],"max_tokens":-3})") << "max_tokens";
    QTest::newRow("response_format")
        << QByteArray(R"({"messages":[],"response_format":{"type":"xml"}})")
        << "response_format.type";
    QTest::newRow("json_schema without schema")
        << QByteArray(R"({"messages":[],"response_format":{"type":"json_schema",
                         "json_schema":{"name":"n"}}})")
        << "response_format.json_schema.schema";
    QTest::newRow("reasoning_effort")
        << QByteArray(R"({"messages":[],"reasoning_effort":"extreme"})") << "reasoning_effort";
}

void TestOpenAIGemini::requestErrorsNameTheField()
{
    QFETCH(QByteArray, request);
    QFETCH(QString, field);
    QString error;
    const QJsonObject out = toGeminiRequest(parse(request), &error);
    QVERIFY(out.isEmpty());
    QVERIFY2(error.startsWith(field + QLatin1Char(':')), qPrintable(error));
}

void TestOpenAIGemini::embeddingsRequest()
{
    QString error;
    QCOMPARE(toGeminiEmbeddingsRequest(parse(R"({"model":"x","input":["a","b"],"dimensions":256,
                           "encoding_format":"base64"})"),
                                       QStringLiteral("gemini-embedding-001"), &error),
             parse(R"({"requests":[
                 {"model":"models/gemini-embedding-001","content":{"parts":[{"text":"a"}]},
                  "outputDimensionality":256},
                 {"model":"models/gemini-embedding-001","content":{"parts":[{"text":"b"}]},
                  "outputDimensionality":256}]})"));
    QVERIFY(error.isEmpty());
    QCOMPARE(toGeminiEmbeddingsRequest(parse(R"({"input":"one"})"),
                                       QStringLiteral("models/text-embedding-004"), &error),
             parse(R"({"requests":[{"model":"models/text-embedding-004",
                 "content":{"parts":[{"text":"one"}]}}]})"));
}

void TestOpenAIGemini::embeddingsRequestErrors_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<QString>("field");
    QTest::newRow("missing") << QByteArray(R"({"model":"m"})") << "input";
    QTest::newRow("empty array") << QByteArray(R"({"input":[]})") << "input";
    QTest::newRow("token ids") << QByteArray(R"({"input":[[1,2,3]]})") << "input.0";
    QTest::newRow("token list") << QByteArray(R"({"input":["a",5]})") << "input.1";
    QTest::newRow("dimensions") << QByteArray(R"({"input":"a","dimensions":0})") << "dimensions";
}

void TestOpenAIGemini::embeddingsRequestErrors()
{
    QFETCH(QByteArray, request);
    QFETCH(QString, field);
    QString error;
    QVERIFY(toGeminiEmbeddingsRequest(parse(request), QStringLiteral("m"), &error).isEmpty());
    QVERIFY2(error.startsWith(field + QLatin1Char(':')), qPrintable(error));
}

void TestOpenAIGemini::embeddingsResponse()
{
    const QJsonObject answer = parse(R"({"embeddings":[{"values":[0.5,-0.25]},
                                                       {"values":[1,0]}]})");
    QCOMPARE(toOpenAIEmbeddings(answer, QStringLiteral("emb")),
             parse(R"({"object":"list","model":"emb","data":[
                 {"object":"embedding","index":0,"embedding":[0.5,-0.25]},
                 {"object":"embedding","index":1,"embedding":[1,0]}]})"));
    // Vertex-style usage is taken when present.
    QJsonObject withUsage = answer;
    withUsage.insert("usageMetadata", parse(R"({"promptTokenCount":9})"));
    QCOMPARE(toOpenAIEmbeddings(withUsage, QStringLiteral("emb")).value("usage").toObject(),
             parse(R"({"prompt_tokens":9,"total_tokens":9})"));
}

void TestOpenAIGemini::responseGolden()
{
    const QJsonObject out = toOpenAIResponse(parse(fixtures.read("response.gemini.json")),
                                             QStringLiteral("gemini-client-alias"));
    QVERIFY(out.value("created").toInteger() > 1700000000);
    const QJsonObject actual = withoutCreated(out);
    const QJsonDocument expected = fixtures.golden("response.openai.json", QJsonDocument(actual));
    QVERIFY2(actual == expected.object(), qPrintable(pretty(actual)));
}

void TestOpenAIGemini::responseFinishReasons_data()
{
    QTest::addColumn<QString>("reason");
    QTest::addColumn<bool>("calledTool");
    QTest::addColumn<QString>("finishReason");
    QTest::newRow("STOP") << "STOP" << false << "stop";
    QTest::newRow("STOP with a call") << "STOP" << true << "tool_calls";
    QTest::newRow("MAX_TOKENS") << "MAX_TOKENS" << false << "length";
    QTest::newRow("MAX_TOKENS with a call") << "MAX_TOKENS" << true << "length";
    QTest::newRow("SAFETY") << "SAFETY" << false << "content_filter";
    QTest::newRow("RECITATION") << "RECITATION" << false << "content_filter";
    QTest::newRow("BLOCKLIST") << "BLOCKLIST" << false << "content_filter";
    QTest::newRow("PROHIBITED_CONTENT") << "PROHIBITED_CONTENT" << false << "content_filter";
    QTest::newRow("SPII") << "SPII" << false << "content_filter";
    QTest::newRow("IMAGE_SAFETY") << "IMAGE_SAFETY" << false << "content_filter";
    QTest::newRow("OTHER") << "OTHER" << false << "stop";
    QTest::newRow("MALFORMED_FUNCTION_CALL") << "MALFORMED_FUNCTION_CALL" << false << "stop";
    QTest::newRow("absent") << "" << false << "stop";
}

void TestOpenAIGemini::responseFinishReasons()
{
    QFETCH(QString, reason);
    QFETCH(bool, calledTool);
    QFETCH(QString, finishReason);
    QJsonArray parts{QJsonObject{{"text", "x"}}};
    if (calledTool)
        parts.append(parse(R"({"functionCall":{"name":"f","args":{"a":1}}})"));
    QJsonObject candidate{{"content", QJsonObject{{"parts", parts}, {"role", "model"}}}};
    if (!reason.isEmpty())
        candidate.insert("finishReason", reason);
    const QJsonObject out =
        toOpenAIResponse(QJsonObject{{"candidates", QJsonArray{candidate}}}, QStringLiteral("m"));
    QCOMPARE(out.value("choices").toArray().first().toObject().value("finish_reason").toString(),
             finishReason);
}

void TestOpenAIGemini::responseBlockedPrompt()
{
    const QJsonObject out =
        toOpenAIResponse(parse(R"({"promptFeedback":{"blockReason":"PROHIBITED_CONTENT"},
                  "usageMetadata":{"promptTokenCount":5,"totalTokenCount":5},
                  "modelVersion":"gemini-2.5-pro","responseId":"r1"})"),
                         QStringLiteral("m"));
    QCOMPARE(out.value("id").toString(), QStringLiteral("chatcmpl-r1"));
    QCOMPARE(out.value("choices").toArray(),
             parseArray(R"([{"index":0,"message":{"role":"assistant","content":null},
                             "finish_reason":"content_filter"}])"));
    QCOMPARE(out.value("usage").toObject().value("prompt_tokens").toInt(), 5);
}

void TestOpenAIGemini::responseWithoutUsage()
{
    const QJsonObject out = toOpenAIResponse(
        parse(R"({"candidates":[{"content":{"parts":[{"text":"hi"}],"role":"model"},
                  "finishReason":"STOP"}]})"),
        QStringLiteral("m"));
    QVERIFY(!out.contains("usage")); // The relay estimates rather than logging zeros.
    QVERIFY(out.value("id").toString().startsWith(QLatin1String("chatcmpl-")));
    QVERIFY(out.value("id").toString().size() > 12);
}

void TestOpenAIGemini::streamGolden()
{
    const QList<QJsonObject> chunks = decodeStream({fixtures.read("stream.gemini.sse")});
    for (const QJsonObject &chunk : chunks)
        QVERIFY(chunk.value("created").toInteger() > 1700000000);
    const QJsonArray actual = comparable(chunks);
    const QJsonDocument expected = fixtures.golden("stream.openai.json", QJsonDocument(actual));
    QVERIFY2(actual == expected.array(), qPrintable(pretty(actual)));
}

void TestOpenAIGemini::streamAtEverySplit()
{
    const QJsonArray expected = fixtures.jsonArray("stream.openai.json");
    QVERIFY(expected.size() >= 8);
    QCOMPARE(Golden::firstBadSplit(
                 fixtures.read("stream.gemini.sse"), expected,
                 [&](const QList<QByteArray> &pieces) { return comparable(decodeStream(pieces)); }),
             qsizetype(-1));
}

void TestOpenAIGemini::streamOneByteAtATime()
{
    QCOMPARE(comparable(decodeStream(Golden::oneByteAtATime(fixtures.read("stream.gemini.sse")))),
             fixtures.jsonArray("stream.openai.json"));
}

void TestOpenAIGemini::streamUsageLastWins()
{
    Usage usage;
    decodeStream({fixtures.read("stream.gemini.sse")}, &usage);
    QCOMPARE(usage.inputTokens, qint64(310));
    QCOMPARE(usage.cachedTokens, qint64(256));
    QCOMPARE(usage.reasoningTokens, qint64(128));
    QCOMPARE(usage.outputTokens, qint64(42 + 128));
    QCOMPARE(usage.totalTokens, qint64(310 + 42 + 128));

    // A later, smaller report replaces an earlier one: the last one is the authority.
    GeminiStreamDecoder decoder(QStringLiteral("m"));
    decoder.onEvent(parse(R"({"candidates":[{"content":{"parts":[{"text":"a"}]}}],
        "usageMetadata":{"promptTokenCount":9,"candidatesTokenCount":50}})"));
    decoder.onEvent(parse(R"({"candidates":[{"content":{"parts":[{"text":"b"}]},
        "finishReason":"STOP"}],"usageMetadata":{"promptTokenCount":9,"candidatesTokenCount":3,
        "toolUsePromptTokenCount":4}})"));
    const QList<QJsonObject> last = decoder.finish();
    QCOMPARE(last.size(), 1);
    QCOMPARE(last.first().value("choices").toArray().size(), 0);
    QCOMPARE(last.first().value("usage").toObject(),
             parse(R"({"prompt_tokens":13,"completion_tokens":3,"total_tokens":16,
                       "prompt_tokens_details":{"cached_tokens":0},
                       "completion_tokens_details":{"reasoning_tokens":0}})"));
    QVERIFY(decoder.isFinished());
    QVERIFY(decoder.finish().isEmpty());
}

void TestOpenAIGemini::streamErrorEvent()
{
    const QByteArray stream = fixtures.read("stream.gemini.sse");
    const qsizetype cut = stream.indexOf("data: {\"candidates\": [{\"content\": {\"parts\": "
                                         "[{\"text\": \"Checking");
    QVERIFY(cut > 0);
    const QByteArray broken =
        stream.first(cut) +
        sseEvent(
            R"({"error": {"code": 503,"message": "The model is overloaded.","status": "UNAVAILABLE"}})") +
        stream.sliced(cut);
    const QList<QJsonObject> chunks = decodeStream({broken});
    QCOMPARE(chunks.last(), parse(R"({"error":{"message":"The model is overloaded.",
                                                "type":"UNAVAILABLE"}})"));
    QCOMPARE(chunks.size(), 4); // Role, two reasoning deltas, the error; nothing after it.
    QCOMPARE(chunks.first().value("choices").toArray().first().toObject().value("delta"),
             QJsonValue(parse(R"({"role":"assistant","content":""})")));
}

void TestOpenAIGemini::streamCutShort()
{
    const QByteArray stream = fixtures.read("stream.gemini.sse");
    const QList<QJsonObject> chunks =
        decodeStream({stream.first(stream.indexOf("data: {\"candidates\": [{\"content\": "
                                                  "{\"parts\": [{\"functionCall\""))});
    QCOMPARE(chunks.last(),
             parse(R"({"error":{"message":"the Gemini stream ended before a finishReason",
                                "type":"upstream_error"}})"));
    for (const QJsonObject &chunk : chunks)
        QVERIFY(!chunk.contains("usage"));
}

void TestOpenAIGemini::streamWithoutUsage()
{
    // Nothing to report: no usage chunk, so the relay estimates instead of logging zeros.
    const QList<QJsonObject> chunks = decodeStream(
        {sseEvent(R"({"candidates": [{"content": {"parts": [{"text": "hi"}],"role": "model"},
            "finishReason": "STOP"}],"responseId": "abc"})")});
    QCOMPARE(chunks.size(), 3);
    QCOMPARE(chunks.at(1).value("choices").toArray().first().toObject().value("delta"),
             QJsonValue(parse(R"({"content":"hi"})")));
    QCOMPARE(chunks.at(2).value("choices").toArray().first().toObject().value("finish_reason"),
             QJsonValue("stop"));
    QCOMPARE(chunks.at(2).value("id").toString(), QStringLiteral("chatcmpl-abc"));
}

void TestOpenAIGemini::streamBlockedPrompt()
{
    const QList<QJsonObject> chunks =
        decodeStream({sseEvent(R"({"promptFeedback": {"blockReason": "SAFETY"},"usageMetadata":
            {"promptTokenCount": 8,"totalTokenCount": 8},"modelVersion": "gemini-2.5-flash"})")});
    QCOMPARE(chunks.size(), 3); // Role, finish (content_filter), usage.
    QCOMPARE(chunks.at(1).value("choices").toArray().first().toObject().value("finish_reason"),
             QJsonValue("content_filter"));
    QCOMPARE(chunks.at(2).value("usage").toObject().value("prompt_tokens").toInt(), 8);
}

void TestOpenAIGemini::streamTwoCandidates()
{
    const QList<QJsonObject> chunks = decodeStream(
        {sseEvent(R"({"candidates": [{"content": {"parts": [{"text": "a"}],"role": "model"}},
            {"content": {"parts": [{"functionCall": {"name": "f","args": {}}}],"role": "model"},
             "finishReason": "STOP","index": 1}]})"),
         sseEvent(R"({"candidates": [{"content": {"parts": [{"text": "b"}],"role": "model"},
            "finishReason": "MAX_TOKENS"}],"usageMetadata": {"promptTokenCount": 1}})")});
    QStringList seen;
    for (const QJsonObject &chunk : chunks) {
        const QJsonArray choices = chunk.value("choices").toArray();
        if (choices.isEmpty()) {
            seen << QStringLiteral("usage");
            continue;
        }
        const QJsonObject choice = choices.first().toObject();
        const QJsonObject delta = choice.value("delta").toObject();
        const QString index = QString::number(choice.value("index").toInt());
        if (delta.contains("role"))
            seen << index + QStringLiteral(":role");
        else if (delta.contains("content"))
            seen << index + QStringLiteral(":") + delta.value("content").toString();
        else if (delta.contains("tool_calls"))
            seen << index + QStringLiteral(":call ") +
                        delta.value("tool_calls")
                            .toArray()
                            .first()
                            .toObject()
                            .value("id")
                            .toString();
        else
            seen << index + QStringLiteral(":") + choice.value("finish_reason").toString();
    }
    QCOMPARE(seen, (QStringList{"0:role", "0:a", "1:role", "1:call call_0", "1:tool_calls", "0:b",
                                "0:length", "usage"}));
}

void TestOpenAIGemini::errorMessage_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("message");
    QTest::newRow("gemini error")
        << QByteArray(
               R"({"error": {"code": 400,"message": "API key not valid. Please pass a valid API key.",
                         "status": "INVALID_ARGUMENT","details": []}})")
        << "API key not valid. Please pass a valid API key.";
    QTest::newRow("array form")
        << QByteArray(
               R"([{"error": {"code": 429,"message": "Quota exceeded","status": "RESOURCE_EXHAUSTED"}}])")
        << "Quota exceeded";
    QTest::newRow("status only") << QByteArray(R"({"error":{"code":503,"status":"UNAVAILABLE"}})")
                                 << "UNAVAILABLE";
    QTest::newRow("not JSON") << QByteArray("<html>502</html>") << "";
    QTest::newRow("empty array") << QByteArray("[]") << "";
    QTest::newRow("empty") << QByteArray() << "";
}

void TestOpenAIGemini::errorMessage()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, message);
    QCOMPARE(geminiErrorMessage(body), message);
}

QTEST_APPLESS_MAIN(TestOpenAIGemini)
#include "tst_openaigemini.moc"
