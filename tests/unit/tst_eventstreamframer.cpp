// EventStreamFramer: AWS's binary event stream (Bedrock InvokeModelWithResponseStream) re-framed
// as Anthropic SSE. Frames are built here independently of the framer (their encoder is checked
// against AWS's published event-stream test vectors), fed at every split point; CRC, length and
// exception messages end the stream with one Anthropic error event.

#include "chatstream.h"
#include "golden.h"
#include "providers/anthropiceventdecoder.h"
#include "providers/eventstreamframer.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>
#include <QtEndian>

#include <zlib.h>

namespace {

using Headers = QList<QPair<QByteArray, QByteArray>>; ///< String (type 7) headers.

quint32 crc(const QByteArray &bytes)
{
    return quint32(
        crc32(0L, reinterpret_cast<const Bytef *>(bytes.constData()), uInt(bytes.size())));
}

QByteArray be32(quint32 value)
{
    QByteArray out(4, '\0');
    qToBigEndian(value, out.data());
    return out;
}

/// Encodes one event-stream message with string headers.
QByteArray frame(const Headers &headers, const QByteArray &payload)
{
    QByteArray encodedHeaders;
    for (const auto &[name, value] : headers) {
        encodedHeaders += char(name.size()) + name + char(7);
        encodedHeaders += char(value.size() >> 8);
        encodedHeaders += char(value.size() & 0xff);
        encodedHeaders += value;
    }
    const quint32 total = quint32(12 + encodedHeaders.size() + payload.size() + 4);
    QByteArray out = be32(total) + be32(quint32(encodedHeaders.size()));
    out += be32(crc(out));
    out += encodedHeaders + payload;
    return out + be32(crc(out));
}

/// A Bedrock `chunk` event carrying Anthropic event \a json (with Bedrock's `p` padding).
QByteArray chunk(const QByteArray &json)
{
    return frame({{":event-type", "chunk"},
                  {":content-type", "application/json"},
                  {":message-type", "event"}},
                 "{\"bytes\":\"" + json.toBase64() +
                     "\",\"p\":\"abcdefghijklmnopqrstuvwxyzABCD\"}");
}

QByteArray exceptionFrame(const QByteArray &type, const QByteArray &message)
{
    return frame({{":exception-type", type},
                  {":content-type", "application/json"},
                  {":message-type", "exception"}},
                 "{\"message\":\"" + message + "\"}");
}

QByteArray bytesOf(std::initializer_list<int> values)
{
    QByteArray out;
    for (int value : values)
        out += char(value);
    return out;
}

/// AWS's published vectors (aws-sdk-js-v3 eventstream-marshaller TestVectors).
const QByteArray kEmptyMessage =
    bytesOf({0, 0, 0, 16, 0, 0, 0, 0, 5, 194, 72, 235, 125, 152, 200, 255});
const QByteArray kPayloadOneStrHeader = QByteArray::fromHex(
    "0000003d0000002007fd83960c636f6e74656e742d747970650700106170706c69636174696f6e2f6a736f6e7b"
    "27666f6f273a27626172277d8d9c08b1");
const QByteArray kInt32Header =
    bytesOf({0,   0,   0,   43, 0,   0,   0,   14, 52,  139, 236, 123, 8,  101, 118,
             101, 110, 116, 45, 105, 100, 4,   0,  0,   160, 12,  123, 39, 102, 111,
             111, 39,  58,  39, 98,  97,  114, 39, 125, 211, 137, 2,   133});
const QByteArray kPayloadNoHeaders =
    bytesOf({0,   0,   0,  29, 0,  0,  0,  0,   253, 82,  140, 90,  123, 39, 102,
             111, 111, 39, 58, 39, 98, 97, 114, 39,  125, 195, 101, 57,  54});

const QList<QByteArray> kAnthropicEvents = {
    R"({"type":"message_start","message":{"id":"msg_bdrk_01","type":"message","role":"assistant","model":"claude-3-5-sonnet-20241022","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":13,"cache_creation_input_tokens":2,"cache_read_input_tokens":6,"output_tokens":1}}})",
    R"({"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}})",
    R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello"}})",
    // Escapes inside the text (a plain literal: moc misreads backslashes in raw strings).
    "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\","
    "\"text\":\" world \\\"q\\\"\\n\"}}",
    R"({"type":"content_block_stop","index":0})",
    R"({"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":10}})",
    R"({"type":"message_stop","amazon-bedrock-invocationMetrics":{"inputTokenCount":13,"outputTokenCount":10,"invocationLatency":321,"firstByteLatency":123}})",
};

QByteArray chunkStream()
{
    QByteArray out;
    for (const QByteArray &event : kAnthropicEvents)
        out += chunk(event);
    return out;
}

QList<SseParser::Event> feedPieces(const QList<QByteArray> &pieces)
{
    EventStreamFramer framer;
    QList<SseParser::Event> events;
    for (const QByteArray &piece : pieces)
        events += framer.feed(piece);
    return events + framer.finish();
}

QByteArray rawOf(const QList<SseParser::Event> &events)
{
    QByteArray out;
    for (const SseParser::Event &event : events)
        out += event.raw;
    return out;
}

QJsonObject errorOf(const SseParser::Event &event)
{
    return QJsonDocument::fromJson(event.data).object().value("error").toObject();
}

} // namespace

class TstEventStreamFramer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void encoderMatchesPublishedVector();
    void publishedVectorsDecode();
    void publishedCorruptVectorsFail();
    void acceptsEventStreamContentType();
    void chunksBecomeAnthropicSse();
    void everySplitPointGivesTheSameEvents();
    void decodedAsAnthropicStream();
    void otherMessagesAreSkipped();
    void badPreludeCrcEndsTheStream();
    void badMessageCrcAfterGoodEvents();
    void oversizedFrameIsRefusedFromItsPrelude();
    void exceptionMessageEndsTheStream();
    void errorMessageEndsTheStream();
    void streamEndingInsideAMessage();
    void chunkWithoutJsonIsAnError();
};

void TstEventStreamFramer::encoderMatchesPublishedVector()
{
    // The test's own encoder reproduces AWS's bytes, so the frames below are real ones.
    QCOMPARE(frame({{"content-type", "application/json"}}, "{'foo':'bar'}"), kPayloadOneStrHeader);
    QCOMPARE(frame({}, {}), kEmptyMessage);
    QCOMPARE(frame({}, "{'foo':'bar'}"), kPayloadNoHeaders);
}

void TstEventStreamFramer::publishedVectorsDecode()
{
    EventStreamFramer::Message message;
    QString error;
    QVERIFY(EventStreamFramer::decodeMessage(kPayloadOneStrHeader, &message, &error));
    QCOMPARE(message.headers.size(), 1);
    QCOMPARE(message.header("content-type"), QByteArray("application/json"));
    QCOMPARE(message.payload, QByteArray("{'foo':'bar'}"));

    QVERIFY(EventStreamFramer::decodeMessage(kInt32Header, &message, &error));
    QCOMPARE(message.header("event-id"), QByteArray("40972"));
    QCOMPARE(message.payload, QByteArray("{'foo':'bar'}"));

    QVERIFY(EventStreamFramer::decodeMessage(kEmptyMessage, &message, &error));
    QVERIFY(message.headers.isEmpty());
    QVERIFY(message.payload.isEmpty());

    QVERIFY(EventStreamFramer::decodeMessage(kPayloadNoHeaders, &message, &error));
    QCOMPARE(message.payload, QByteArray("{'foo':'bar'}"));

    // Valid messages that are not Bedrock events give no events and no error.
    QVERIFY(feedPieces({kPayloadOneStrHeader + kEmptyMessage + kInt32Header}).isEmpty());
}

void TstEventStreamFramer::publishedCorruptVectorsFail()
{
    QByteArray corruptedHeaders = kPayloadOneStrHeader;
    corruptedHeaders[20] = 43; // "content+type": the message CRC no longer matches.
    QByteArray corruptedHeaderLength = kPayloadOneStrHeader;
    corruptedHeaderLength[6] = 1; // Prelude CRC mismatch.
    QByteArray corruptedLength = kPayloadNoHeaders;
    corruptedLength[0] = 1;
    QByteArray corruptedPayload = kPayloadNoHeaders;
    corruptedPayload[24] = char(141);
    for (const QByteArray &corrupt :
         {corruptedHeaders, corruptedHeaderLength, corruptedLength, corruptedPayload}) {
        EventStreamFramer::Message message;
        QString error;
        QVERIFY(!EventStreamFramer::decodeMessage(corrupt, &message, &error));
        QVERIFY(!error.isEmpty());
        const QList<SseParser::Event> events = feedPieces({corrupt});
        QCOMPARE(events.size(), 1);
        QCOMPARE(events.first().event, QByteArray("error"));
        QCOMPARE(errorOf(events.first()).value("type").toString(), QStringLiteral("api_error"));
    }
}

void TstEventStreamFramer::acceptsEventStreamContentType()
{
    EventStreamFramer framer;
    QVERIFY(framer.accepts("application/vnd.amazon.eventstream"));
    QVERIFY(!framer.accepts("text/event-stream"));
    QVERIFY(!framer.accepts("application/json"));
}

void TstEventStreamFramer::chunksBecomeAnthropicSse()
{
    const QList<SseParser::Event> events = feedPieces({chunkStream()});
    QCOMPARE(events.size(), kAnthropicEvents.size());
    for (qsizetype i = 0; i < events.size(); ++i) {
        const QByteArray type = QJsonDocument::fromJson(kAnthropicEvents.at(i))
                                    .object()
                                    .value("type")
                                    .toString()
                                    .toUtf8();
        QCOMPARE(events.at(i).event, type);
        QCOMPARE(events.at(i).data, kAnthropicEvents.at(i));
        QCOMPARE(events.at(i).raw, "event: " + type + "\ndata: " + kAnthropicEvents.at(i) + "\n\n");
    }
    // The raw bytes are a standard SSE stream: an SSE parser reads the same events back.
    const QList<SseParser::Event> reparsed = Golden::sseEvents({rawOf(events)});
    QCOMPARE(reparsed.size(), events.size());
    for (qsizetype i = 0; i < events.size(); ++i) {
        QCOMPARE(reparsed.at(i).event, events.at(i).event);
        QCOMPARE(reparsed.at(i).data, events.at(i).data);
    }
    QVERIFY(events.last().data.contains("amazon-bedrock-invocationMetrics"));
}

void TstEventStreamFramer::everySplitPointGivesTheSameEvents()
{
    const QByteArray stream = chunkStream() + exceptionFrame("throttlingException", "slow down");
    const QByteArray expected = rawOf(feedPieces({stream}));
    QVERIFY(expected.endsWith("\n\n") && expected.contains("event: error\n"));
    const auto splits = Golden::splitsAtEveryPosition(stream);
    for (qsizetype cut = 0; cut < splits.size(); ++cut)
        QVERIFY2(rawOf(feedPieces(splits.at(cut))) == expected, qPrintable(QString::number(cut)));
    QCOMPARE(rawOf(feedPieces(Golden::oneByteAtATime(stream))), expected);
}

void TstEventStreamFramer::decodedAsAnthropicStream()
{
    AnthropicEventDecoder decoder(QStringLiteral("claude-alias"));
    QList<QJsonObject> chunks;
    for (const SseParser::Event &event : feedPieces({chunkStream()}))
        chunks += decoder.onEvent(event);
    chunks += decoder.finish();
    const ChatStream stream = ChatStream::fromChunks(chunks);
    QCOMPARE(stream.text, QStringLiteral("Hello world \"q\"\n"));
    QCOMPARE(stream.finishReason, QStringLiteral("stop"));
    QCOMPARE(stream.usage.value("prompt_tokens").toInt(), 13 + 2 + 6);
    QCOMPARE(stream.usage.value("completion_tokens").toInt(), 10);
    QCOMPARE(stream.usage.value("prompt_tokens_details").toObject().value("cached_tokens").toInt(),
             6);
}

void TstEventStreamFramer::otherMessagesAreSkipped()
{
    const QByteArray other =
        frame({{":event-type", "initial-response"}, {":message-type", "event"}}, "{}");
    const QByteArray untyped = frame({{":event-type", "chunk"}}, "{\"bytes\":\"e30=\"}");
    const QList<SseParser::Event> events =
        feedPieces({other + untyped + chunk(kAnthropicEvents.first())});
    QCOMPARE(events.size(), 1);
    QCOMPARE(events.first().event, QByteArray("message_start"));
}

void TstEventStreamFramer::badPreludeCrcEndsTheStream()
{
    QByteArray bad = chunk(kAnthropicEvents.at(1));
    bad[9] = char(bad.at(9) ^ 0x01);
    EventStreamFramer framer;
    QList<SseParser::Event> events = framer.feed(chunk(kAnthropicEvents.first()) + bad);
    QCOMPARE(events.size(), 2);
    QCOMPARE(events.at(0).event, QByteArray("message_start"));
    QCOMPARE(events.at(1).event, QByteArray("error"));
    QCOMPARE(events.at(1).raw, "event: error\ndata: " + events.at(1).data + "\n\n");
    QVERIFY(errorOf(events.at(1)).value("message").toString().contains("prelude CRC"));
    // The stream is over: nothing more comes out, even valid frames.
    QVERIFY(framer.feed(chunk(kAnthropicEvents.at(2))).isEmpty());
    QVERIFY(framer.finish().isEmpty());
}

void TstEventStreamFramer::badMessageCrcAfterGoodEvents()
{
    QByteArray bad = chunk(kAnthropicEvents.at(2));
    bad[bad.size() - 20] = char(bad.at(bad.size() - 20) ^ 0x20); // In the payload.
    const QByteArray stream = chunk(kAnthropicEvents.at(0)) + chunk(kAnthropicEvents.at(1)) + bad +
                              chunk(kAnthropicEvents.at(3));
    const auto splits = Golden::splitsAtEveryPosition(stream);
    for (qsizetype cut = 0; cut < splits.size(); ++cut) {
        const QList<SseParser::Event> events = feedPieces(splits.at(cut));
        QCOMPARE(events.size(), 3);
        QCOMPARE(events.at(1).event, QByteArray("content_block_start"));
        QCOMPARE(events.at(2).event, QByteArray("error"));
        QVERIFY(errorOf(events.at(2)).value("message").toString().contains("message CRC"));
    }
}

void TstEventStreamFramer::oversizedFrameIsRefusedFromItsPrelude()
{
    for (const quint32 total :
         {quint32(EventStreamFramer::kMaxMessageBytes + 1), quint32(0xffffffffu), quint32(15)}) {
        QByteArray prelude = be32(total) + be32(0);
        prelude += be32(crc(prelude));
        EventStreamFramer framer;
        const QList<SseParser::Event> events = framer.feed(prelude);
        QCOMPARE(events.size(), 1); // Refused at once: nothing of the body is awaited.
        QVERIFY(errorOf(events.first()).value("message").toString().contains("invalid length"));
        QVERIFY(framer.feed(QByteArray(64, 'x')).isEmpty());
    }
    // Headers longer than the message.
    QByteArray prelude = be32(32) + be32(17);
    prelude += be32(crc(prelude));
    QCOMPARE(feedPieces({prelude + QByteArray(20, '\0')}).size(), 1);
    // The largest allowed length is awaited, not refused.
    QByteArray largest = be32(quint32(EventStreamFramer::kMaxMessageBytes)) + be32(0);
    largest += be32(crc(largest));
    EventStreamFramer framer;
    QVERIFY(framer.feed(largest).isEmpty());
    QCOMPARE(framer.finish().size(), 1); // It never completed.
}

void TstEventStreamFramer::exceptionMessageEndsTheStream()
{
    const QByteArray stream = chunk(kAnthropicEvents.at(0)) +
                              exceptionFrame("throttlingException", "Too many requests") +
                              chunk(kAnthropicEvents.at(1));
    const QList<SseParser::Event> events = feedPieces({stream});
    QCOMPARE(events.size(), 2);
    QCOMPARE(events.at(1).event, QByteArray("error"));
    const QJsonObject error = errorOf(events.at(1));
    QCOMPARE(error.value("type").toString(), QStringLiteral("rate_limit_error"));
    QCOMPARE(error.value("message").toString(),
             QStringLiteral("Bedrock throttlingException: Too many requests"));
    QCOMPARE(QJsonDocument::fromJson(events.at(1).data).object().value("type").toString(),
             QStringLiteral("error"));

    const QList<SseParser::Event> other =
        feedPieces({exceptionFrame("modelStreamErrorException", "broken")});
    QCOMPARE(errorOf(other.first()).value("type").toString(), QStringLiteral("api_error"));

    // An error event ends the OpenAI conversion with an error chunk.
    AnthropicEventDecoder decoder(QStringLiteral("m"));
    QList<QJsonObject> chunks;
    for (const SseParser::Event &event : events)
        chunks += decoder.onEvent(event);
    QCOMPARE(chunks.last().value("error").toObject().value("message").toString(),
             QStringLiteral("Bedrock throttlingException: Too many requests"));
}

void TstEventStreamFramer::errorMessageEndsTheStream()
{
    const QByteArray error = frame({{":error-code", "InternalFailure"},
                                    {":error-message", "An internal error occurred"},
                                    {":message-type", "error"}},
                                   {});
    const QList<SseParser::Event> events = feedPieces({error + chunk(kAnthropicEvents.at(0))});
    QCOMPARE(events.size(), 1);
    QCOMPARE(errorOf(events.first()).value("message").toString(),
             QStringLiteral("Bedrock InternalFailure: An internal error occurred"));
}

void TstEventStreamFramer::streamEndingInsideAMessage()
{
    const QByteArray whole = chunk(kAnthropicEvents.at(0));
    for (const qsizetype cut : {qsizetype(5), qsizetype(12), whole.size() - 1}) {
        EventStreamFramer framer;
        QVERIFY(framer.feed(whole.first(cut)).isEmpty());
        const QList<SseParser::Event> tail = framer.finish();
        QCOMPARE(tail.size(), 1);
        QVERIFY(errorOf(tail.first()).value("message").toString().contains("ended inside"));
    }
    EventStreamFramer complete;
    QCOMPARE(complete.feed(whole).size(), 1);
    QVERIFY(complete.finish().isEmpty());
}

void TstEventStreamFramer::chunkWithoutJsonIsAnError()
{
    const QByteArray broken = frame({{":event-type", "chunk"}, {":message-type", "event"}},
                                    "{\"bytes\":\"" + QByteArray("not json").toBase64() + "\"}");
    const QList<SseParser::Event> events = feedPieces({broken});
    QCOMPARE(events.size(), 1);
    QCOMPARE(events.first().event, QByteArray("error"));
}

QTEST_APPLESS_MAIN(TstEventStreamFramer)
#include "tst_eventstreamframer.moc"
