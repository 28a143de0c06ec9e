// SseParser: event framing must not depend on how the bytes were split, for every line ending,
// and each event must keep its exact bytes so the relay can forward it unchanged.
#include "golden.h"
#include "relay/sseparser.h"

#include <QTest>

namespace {

struct Expected
{
    QByteArray raw;
    QByteArray event;
    QByteArray data;
    bool isCommentOnly = false;
};

/// A stream mixing every line ending, comments, multi-line data, fields without a space after the
/// colon, non-ASCII and binary bytes, an `event:` field and OpenAI's [DONE].
QList<Expected> mixedEvents()
{
    return {
        {": connected\n\n", {}, {}, true},
        {"data: {\"a\":1}\n\n", {}, "{\"a\":1}", false},
        {"event: ping\r\ndata: x\r\n\r\n", "ping", "x", false},
        {"data: line1\rdata: line2\r\r", {}, "line1\nline2", false},
        {": keep-alive\ndata:nospace\ndata:  two\n\n", {}, "nospace\n two", false},
        {"data: caf\xc3\xa9 \xff\x01\n\n", {}, "caf\xc3\xa9 \xff\x01", false},
        {"id: 7\r\nretry: 10\r\ndata\r\n\r\n", {}, "", false},
        {"data: a\n\r", {}, "a", false}, // "\r" ends the blank line: "d" follows, not "\n".
        {"data: b\r\n\n", {}, "b", false},
        {"data: [DONE]\n\n", {}, "[DONE]", false},
    };
}

QByteArray concatenated(const QList<Expected> &events)
{
    QByteArray all;
    for (const Expected &e : events)
        all += e.raw;
    return all;
}

QString describe(const QList<SseParser::Event> &events)
{
    QStringList parts;
    for (const SseParser::Event &e : events)
        parts << QString::fromLatin1(e.raw.toPercentEncoding());
    return parts.join(QLatin1String(" | "));
}

/// Empty string if \a actual matches \a expected, else what differs.
QString mismatch(const QList<SseParser::Event> &actual, const QList<Expected> &expected)
{
    if (actual.size() != expected.size())
        return QStringLiteral("%1 events instead of %2: %3")
            .arg(actual.size())
            .arg(expected.size())
            .arg(describe(actual));
    for (qsizetype i = 0; i < actual.size(); ++i) {
        const SseParser::Event &a = actual.at(i);
        const Expected &e = expected.at(i);
        if (a.raw != e.raw || a.event != e.event || a.data != e.data ||
            a.isCommentOnly != e.isCommentOnly)
            return QStringLiteral("event %1 differs: raw '%2' data '%3' event '%4' comment %5")
                .arg(i)
                .arg(QString::fromLatin1(a.raw.toPercentEncoding()),
                     QString::fromLatin1(a.data.toPercentEncoding()), QString::fromLatin1(a.event))
                .arg(a.isCommentOnly);
    }
    return {};
}

/// Feeds \a pieces through one parser, then finish().
QList<SseParser::Event> feedPieces(const QList<QByteArray> &pieces)
{
    return Golden::sseEvents(pieces);
}

} // namespace

class TestSseParser : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void wholeStream()
    {
        const QList<Expected> expected = mixedEvents();
        const QString error = mismatch(feedPieces({concatenated(expected)}), expected);
        QVERIFY2(error.isEmpty(), qPrintable(error));
    }

    void splitAtEveryPosition()
    {
        const QList<Expected> expected = mixedEvents();
        const auto splits = Golden::splitsAtEveryPosition(concatenated(expected));
        for (qsizetype cut = 0; cut < splits.size(); ++cut) {
            const QString error = mismatch(feedPieces(splits.at(cut)), expected);
            QVERIFY2(error.isEmpty(),
                     qPrintable(QStringLiteral("cut at %1: %2").arg(cut).arg(error)));
        }
    }

    void splitAtEveryPairOfPositions()
    {
        const QList<Expected> expected = mixedEvents();
        const QByteArray stream = concatenated(expected);
        for (qsizetype first = 0; first <= stream.size(); ++first) {
            for (qsizetype second = first; second <= stream.size(); ++second) {
                const QString error =
                    mismatch(feedPieces({stream.left(first), stream.mid(first, second - first),
                                         stream.mid(second)}),
                             expected);
                QVERIFY2(
                    error.isEmpty(),
                    qPrintable(
                        QStringLiteral("cuts at %1 and %2: %3").arg(first).arg(second).arg(error)));
            }
        }
    }

    void oneByteAtATime()
    {
        const QList<Expected> expected = mixedEvents();
        const QString error =
            mismatch(feedPieces(Golden::oneByteAtATime(concatenated(expected))), expected);
        QVERIFY2(error.isEmpty(), qPrintable(error));
    }

    void eventsAreEmittedAsSoonAsComplete()
    {
        // The relay forwards each event when its blank line arrives; nothing waits for more.
        SseParser parser;
        QCOMPARE(parser.feed("data: one\n").size(), 0);
        const auto first = parser.feed("\ndata: tw");
        QCOMPARE(first.size(), 1);
        QCOMPARE(first.first().data, QByteArray("one"));
        QCOMPARE(parser.bufferedBytes(), qsizetype(8)); // Only the incomplete event is kept.
        const auto second = parser.feed("o\n\n");
        QCOMPARE(second.size(), 1);
        QCOMPARE(second.first().raw, QByteArray("data: two\n\n"));
        QCOMPARE(parser.bufferedBytes(), qsizetype(0));
    }

    void trailingCarriageReturnWaitsForTheNextByte()
    {
        // "\r" may be the first half of "\r\n": the event is complete only when the next byte
        // shows it, or at the end of the stream.
        SseParser parser;
        QCOMPARE(parser.feed("data: x\r\r").size(), 0);
        auto events = parser.feed("\n");
        QCOMPARE(events.size(), 1);
        QCOMPARE(events.first().raw, QByteArray("data: x\r\r\n"));

        SseParser atEnd;
        QCOMPARE(atEnd.feed("data: y\r\r").size(), 0);
        events = atEnd.finish();
        QCOMPARE(events.size(), 1);
        QCOMPARE(events.first().raw, QByteArray("data: y\r\r"));
        QCOMPARE(events.first().data, QByteArray("y"));
    }

    void unterminatedEventAtEndOfStream()
    {
        SseParser parser;
        QCOMPARE(parser.feed("data: done\n\ndata: tail").size(), 1);
        const auto events = parser.finish();
        QCOMPARE(events.size(), 1);
        QCOMPARE(events.first().raw, QByteArray("data: tail"));
        QCOMPARE(events.first().data, QByteArray("tail"));
        QCOMPARE(parser.bufferedBytes(), qsizetype(0));
        QVERIFY(parser.finish().isEmpty());
    }

    void blankLinesAloneAreEmptyEvents()
    {
        // A stream that starts with blank lines yields empty (comment-only) blocks, bytes intact.
        const auto events = feedPieces({"\n\r\ndata: z\n\n"});
        QByteArray raw;
        for (const auto &e : events)
            raw += e.raw;
        QCOMPARE(raw, QByteArray("\n\r\ndata: z\n\n"));
        QCOMPARE(events.last().data, QByteArray("z"));
        for (qsizetype i = 0; i + 1 < events.size(); ++i)
            QVERIFY(events.at(i).isCommentOnly);
    }

    void parseBlockFields()
    {
        const SseParser::Event e =
            SseParser::parseBlock("event: delta\ndata: {\"x\":\ndata: 1}\n: note\n\n");
        QCOMPARE(e.event, QByteArray("delta"));
        QCOMPARE(e.data, QByteArray("{\"x\":\n1}"));
        QVERIFY(!e.isCommentOnly);
        QVERIFY(SseParser::parseBlock(": only a comment\n\n").isCommentOnly);
        QVERIFY(SseParser::parseBlock(": only a comment\n\n").data.isEmpty());
    }
};

QTEST_APPLESS_MAIN(TestSseParser)
#include "tst_sseparser.moc"
