// NdjsonFramer: newline-delimited JSON cut into events (Ollama's streams), at every byte split,
// with CRLF, blank lines, an unterminated last line and the line length bound.
#include "golden.h"
#include "providers/ndjsonframer.h"

#include <QTest>

namespace {

/// The events of \a pieces fed in order, finish() included.
QList<SseParser::Event> frame(const QList<QByteArray> &pieces, NdjsonFramer *framer)
{
    QList<SseParser::Event> events;
    for (const QByteArray &piece : pieces)
        events += framer->feed(piece);
    return events + framer->finish();
}

QList<SseParser::Event> frame(const QList<QByteArray> &pieces, qsizetype maxLineBytes = 1024)
{
    NdjsonFramer framer(maxLineBytes);
    return frame(pieces, &framer);
}

QList<QByteArray> dataOf(const QList<SseParser::Event> &events)
{
    QList<QByteArray> data;
    for (const SseParser::Event &event : events)
        data << event.data;
    return data;
}

// Multi-byte UTF-8 on purpose: splits fall inside characters too.
const QByteArray kStream = "{\"a\":1,\"text\":\"Z\xc3\xbcrich \xe2\x80\x9cquoted\xe2\x80\x9d\"}\n"
                           "\r\n"
                           "{\"b\":2}\r\n"
                           "\n"
                           "  {\"c\":3}  \n"
                           "{\"done\":true}\n";
const QList<QByteArray> kLines = {
    "{\"a\":1,\"text\":\"Z\xc3\xbcrich \xe2\x80\x9cquoted\xe2\x80\x9d\"}", "{\"b\":2}", "{\"c\":3}",
    "{\"done\":true}"};

} // namespace

class TestNdjsonFramer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void acceptsNdjsonOnly_data();
    void acceptsNdjsonOnly();
    void linesBecomeEvents();
    void everySplitPoint();
    void oneByteAtATime();
    void unterminatedLastLine();
    void lineAtTheLimitPasses();
    void longerLineIsAnErrorEvent();
    void unterminatedOversizedLineIsAnError();
};

void TestNdjsonFramer::acceptsNdjsonOnly_data()
{
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<bool>("accepted");
    QTest::newRow("x-ndjson") << QByteArray("application/x-ndjson") << true;
    QTest::newRow("with charset") << QByteArray("application/x-ndjson; charset=utf-8") << true;
    QTest::newRow("upper case") << QByteArray("Application/X-NDJSON") << true;
    QTest::newRow("ndjson") << QByteArray("application/ndjson") << true;
    QTest::newRow("json") << QByteArray("application/json; charset=utf-8") << false;
    QTest::newRow("sse") << QByteArray("text/event-stream") << false;
    QTest::newRow("none") << QByteArray() << false;
}

void TestNdjsonFramer::acceptsNdjsonOnly()
{
    QFETCH(QByteArray, contentType);
    QFETCH(bool, accepted);
    QCOMPARE(NdjsonFramer().accepts(contentType), accepted);
}

void TestNdjsonFramer::linesBecomeEvents()
{
    const QList<SseParser::Event> events = frame({kStream});
    QCOMPARE(dataOf(events), kLines);
    for (const SseParser::Event &event : events) {
        QCOMPARE(event.raw, "data: " + event.data + "\n\n"); // Re-framed as SSE.
        QVERIFY(event.event.isEmpty());
        QVERIFY(!event.isCommentOnly);
    }
    // Events come as soon as their line is complete, not at finish().
    NdjsonFramer framer;
    QCOMPARE(framer.feed("{\"x\":1}\n{\"y\"").size(), 1);
    QCOMPARE(dataOf(framer.feed(":2}\n")), QList<QByteArray>{"{\"y\":2}"});
    QVERIFY(framer.finish().isEmpty());
}

void TestNdjsonFramer::everySplitPoint()
{
    const auto splits = Golden::splitsAtEveryPosition(kStream);
    for (qsizetype cut = 0; cut < splits.size(); ++cut)
        QVERIFY2(dataOf(frame(splits.at(cut))) == kLines,
                 qPrintable(QStringLiteral("cut at %1").arg(cut)));
}

void TestNdjsonFramer::oneByteAtATime()
{
    QCOMPARE(dataOf(frame(Golden::oneByteAtATime(kStream))), kLines);
}

void TestNdjsonFramer::unterminatedLastLine()
{
    QCOMPARE(dataOf(frame({"{\"a\":1}\n{\"last\":", "true}"})),
             (QList<QByteArray>{"{\"a\":1}", "{\"last\":true}"}));
    QCOMPARE(dataOf(frame({"{\"a\":1}\n  \r"})), QList<QByteArray>{"{\"a\":1}"});
}

void TestNdjsonFramer::lineAtTheLimitPasses()
{
    const QByteArray line = "{\"t\":\"" + QByteArray(10, 'x') + "\"}"; // 18 bytes
    QCOMPARE(dataOf(frame({line + "\r\n" + line + '\n'}, 18)), (QList<QByteArray>{line, line}));
    QCOMPARE(dataOf(frame(Golden::oneByteAtATime(line + "\r\n"), 18)), QList<QByteArray>{line});
}

void TestNdjsonFramer::longerLineIsAnErrorEvent()
{
    NdjsonFramer framer(18);
    const QByteArray line = "{\"t\":\"" + QByteArray(11, 'x') + "\"}"; // 19 bytes
    const QList<SseParser::Event> events = framer.feed("{\"ok\":1}\n" + line + "\n{\"after\":1}\n");
    QCOMPARE(events.size(), 2);
    QCOMPARE(events.at(0).data, QByteArray("{\"ok\":1}"));
    QCOMPARE(events.at(1).event, QByteArray("error"));
    QCOMPARE(events.at(1).data,
             QByteArray("{\"error\":\"upstream stream line exceeds 18 bytes\"}"));
    QCOMPARE(events.at(1).raw, "event: error\ndata: " + events.at(1).data + "\n\n");
    QVERIFY(framer.failed());
    // Everything after the error is ignored.
    QVERIFY(framer.feed("{\"more\":1}\n").isEmpty());
    QVERIFY(framer.finish().isEmpty());
}

void TestNdjsonFramer::unterminatedOversizedLineIsAnError()
{
    // The bound holds while the line is still arriving: the buffer never grows past it.
    NdjsonFramer framer(18);
    QVERIFY(framer.feed(QByteArray(10, 'x')).isEmpty());
    const QList<SseParser::Event> events = framer.feed(QByteArray(10, 'x'));
    QCOMPARE(events.size(), 1);
    QCOMPARE(events.first().event, QByteArray("error"));
    QVERIFY(framer.failed());
    QVERIFY(framer.finish().isEmpty());
}

QTEST_GUILESS_MAIN(TestNdjsonFramer)
#include "tst_ndjsonframer.moc"
