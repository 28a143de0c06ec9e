// ThinkSplitter: `<think>…</think>` at the start of the content goes to reasoning_content, with
// the same result however the content is split into stream deltas; chunk and response helpers.
#include "protocol/thinksplitter.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

#include <algorithm>

namespace {

struct Case
{
    QString input;
    QString reasoning;
    QString content;
};

QList<Case> cases()
{
    const QString spaces17(17, QLatin1Char(' '));
    return {
        {QStringLiteral("<think>abc</think>\n\nanswer"), QStringLiteral("abc"),
         QStringLiteral("answer")},
        {QStringLiteral("  \n<think>x</think>y"), QStringLiteral("x"), QStringLiteral("y")},
        {QStringLiteral("no think here"), {}, QStringLiteral("no think here")},
        {QStringLiteral("<thin"), {}, QStringLiteral("<thin")},
        {QStringLiteral("<think>unclosed"), QStringLiteral("unclosed"), {}},
        {QStringLiteral("answer <think>not reasoning</think>"),
         {},
         QStringLiteral("answer <think>not reasoning</think>")},
        {QStringLiteral("<think></think>answer"), {}, QStringLiteral("answer")},
        {QStringLiteral("\n<think>思考 🤔 </th</think>\n答案 é 😀"),
         QStringLiteral("思考 🤔 </th"), QStringLiteral("答案 é 😀")},
        {QStringLiteral("<think>\nr\n</think>\n"), QStringLiteral("\nr\n"), {}},
        {QStringLiteral("<think>a</think>\n\n\nb"), QStringLiteral("a"), QStringLiteral("\nb")},
        {QStringLiteral("<think>a</think> \nb"), QStringLiteral("a"), QStringLiteral(" \nb")},
        {QStringLiteral("<think>a</think>x<think>y</think>"), QStringLiteral("a"),
         QStringLiteral("x<think>y</think>")},
        {QStringLiteral("<think>a<</think>b"), QStringLiteral("a<"), QStringLiteral("b")},
        {QStringLiteral("<think>a</thinkk>b</think"), QStringLiteral("a</thinkk>b</think"), {}},
        {QStringLiteral("<<think>x</think>"), {}, QStringLiteral("<<think>x</think>")},
        {QStringLiteral(" \t\n "), {}, QStringLiteral(" \t\n ")},
        {QStringLiteral(" \thello"), {}, QStringLiteral(" \thello")},
        {QStringLiteral("<Think>x</Think>"), {}, QStringLiteral("<Think>x</Think>")},
        {spaces17 + QStringLiteral("<think>x</think>"),
         {},
         spaces17 + QStringLiteral("<think>x</think>")},
        {QString(16, QLatin1Char('\n')) + QStringLiteral("<think>x</think>y"), QStringLiteral("x"),
         QStringLiteral("y")},
        {{}, {}, {}},
    };
}

ThinkSplitter::Result feedPieces(const QStringList &pieces, qsizetype *maxHeld = nullptr)
{
    ThinkSplitter splitter;
    ThinkSplitter::Result all;
    for (const QString &piece : pieces) {
        const ThinkSplitter::Result r = splitter.feed(piece);
        all.reasoning += r.reasoning;
        all.content += r.content;
        if (maxHeld)
            *maxHeld = std::max(*maxHeld, splitter.heldCharacters());
    }
    const ThinkSplitter::Result rest = splitter.finish();
    all.reasoning += rest.reasoning;
    all.content += rest.content;
    return all;
}

QString mismatch(const ThinkSplitter::Result &actual, const Case &expected)
{
    if (actual.reasoning == expected.reasoning && actual.content == expected.content)
        return {};
    return QStringLiteral("input '%1': reasoning '%2' (want '%3'), content '%4' (want '%5')")
        .arg(expected.input, actual.reasoning, expected.reasoning, actual.content,
             expected.content);
}

QJsonObject chunk(const QJsonArray &choices)
{
    return QJsonObject{{QStringLiteral("object"), QStringLiteral("chat.completion.chunk")},
                       {QStringLiteral("choices"), choices}};
}

QJsonObject contentChoice(int index, const QString &content,
                          const QJsonValue &finishReason = QJsonValue::Null)
{
    return QJsonObject{{QStringLiteral("index"), index},
                       {QStringLiteral("delta"), QJsonObject{{QStringLiteral("content"), content}}},
                       {QStringLiteral("finish_reason"), finishReason}};
}

QJsonObject deltaOf(const QJsonObject &chunkObject, qsizetype position)
{
    return chunkObject.value(QLatin1String("choices"))
        .toArray()
        .at(position)
        .toObject()
        .value(QLatin1String("delta"))
        .toObject();
}

QString field(const QJsonObject &object, const char *key)
{
    return object.value(QLatin1String(key)).toString();
}

} // namespace

class TestThinkSplitter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void whole();
    void splitAtEveryPosition();
    void splitAtEveryPairOfPositions();
    void oneCharacterAtATime();
    void emitsAsSoonAsCertain();
    void feedAfterFinishIsContent();
    void chunksTwoChoicesInterleaved();
    void chunksWithoutContentUntouched();
    void chunksAddToProviderReasoning();
    void chunksFinishChoices();
    void response();
};

void TestThinkSplitter::whole()
{
    for (const Case &c : cases()) {
        const QString error = mismatch(ThinkSplitter::splitWhole(c.input), c);
        QVERIFY2(error.isEmpty(), qPrintable(error));
    }
}

void TestThinkSplitter::splitAtEveryPosition()
{
    for (const Case &c : cases()) {
        const ThinkSplitter::Result whole = ThinkSplitter::splitWhole(c.input);
        for (qsizetype cut = 0; cut <= c.input.size(); ++cut) {
            const ThinkSplitter::Result r = feedPieces({c.input.left(cut), c.input.mid(cut)});
            const QString error = mismatch(r, c);
            QVERIFY2(error.isEmpty(), qPrintable(QStringLiteral("cut %1: %2").arg(cut).arg(error)));
            QCOMPARE(r.reasoning, whole.reasoning);
            QCOMPARE(r.content, whole.content);
        }
    }
}

void TestThinkSplitter::splitAtEveryPairOfPositions()
{
    for (const Case &c : cases()) {
        const qsizetype n = c.input.size();
        for (qsizetype first = 0; first <= n; ++first) {
            for (qsizetype second = first; second <= n; ++second) {
                const QString error =
                    mismatch(feedPieces({c.input.left(first), c.input.mid(first, second - first),
                                         c.input.mid(second)}),
                             c);
                QVERIFY2(error.isEmpty(),
                         qPrintable(
                             QStringLiteral("cuts %1, %2: %3").arg(first).arg(second).arg(error)));
            }
        }
    }
}

void TestThinkSplitter::oneCharacterAtATime()
{
    for (const Case &c : cases()) {
        QStringList pieces;
        for (const QChar ch : c.input)
            pieces << QString(ch);
        qsizetype maxHeld = 0;
        const QString error = mismatch(feedPieces(pieces, &maxHeld), c);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QVERIFY(maxHeld <= ThinkSplitter::maxLeadingWhitespace + 7);
    }
}

void TestThinkSplitter::emitsAsSoonAsCertain()
{
    ThinkSplitter passThrough;
    QCOMPARE(passThrough.feed(QStringLiteral("<th")).content, QString());
    QCOMPARE(passThrough.feed(QStringLiteral("e")).content, QStringLiteral("<the"));
    QCOMPARE(passThrough.feed(QStringLiteral("</think>")).content, QStringLiteral("</think>"));
    QCOMPARE(passThrough.heldCharacters(), qsizetype(0));

    ThinkSplitter s;
    QCOMPARE(s.feed(QStringLiteral(" \n")).content, QString());
    QCOMPARE(s.heldCharacters(), qsizetype(2));
    ThinkSplitter::Result r = s.feed(QStringLiteral("<think>long reasoning </thi"));
    QCOMPARE(r.reasoning, QStringLiteral("long reasoning "));
    QCOMPARE(r.content, QString());
    QCOMPARE(s.heldCharacters(), qsizetype(5)); // Only the possible start of `</think>`.
    r = s.feed(QStringLiteral("s is it</"));
    QCOMPARE(r.reasoning, QStringLiteral("</this is it"));
    QCOMPARE(s.heldCharacters(), qsizetype(2));
    r = s.feed(QStringLiteral("think>\n"));
    QCOMPARE(r.reasoning, QString());
    QCOMPARE(r.content, QString());
    r = s.feed(QStringLiteral("\nThe answer"));
    QCOMPARE(r.content, QStringLiteral("The answer"));
    QCOMPARE(s.heldCharacters(), qsizetype(0));
    r = s.finish();
    QVERIFY(r.reasoning.isEmpty() && r.content.isEmpty());

    // Reasoning held back never reaches 8 characters (a whole `</think>` is resolved).
    ThinkSplitter bounded;
    bounded.feed(QStringLiteral("<think>"));
    for (const QChar ch : QStringLiteral("x</think</thinkx</think")) {
        bounded.feed(QString(ch));
        QVERIFY(bounded.heldCharacters() < 8);
    }
    QCOMPARE(bounded.finish().reasoning, QStringLiteral("</think"));
}

void TestThinkSplitter::feedAfterFinishIsContent()
{
    ThinkSplitter s;
    QCOMPARE(s.feed(QStringLiteral("<think>a")).reasoning, QStringLiteral("a"));
    QCOMPARE(s.finish().reasoning, QString());
    QCOMPARE(s.feed(QStringLiteral("</think>b")).content, QStringLiteral("</think>b"));
}

void TestThinkSplitter::chunksTwoChoicesInterleaved()
{
    ThinkSplitChunks chunks;
    QJsonObject out = chunks.applyToChunk(chunk(
        {contentChoice(0, QStringLiteral("\n<thi")), contentChoice(1, QStringLiteral(" <th"))}));
    QCOMPARE(field(deltaOf(out, 0), "content"), QString());
    QVERIFY(!deltaOf(out, 0).contains(QLatin1String("reasoning_content")));
    QCOMPARE(field(deltaOf(out, 1), "content"), QString());

    out = chunks.applyToChunk(chunk({contentChoice(1, QStringLiteral("e end"))}));
    QCOMPARE(field(deltaOf(out, 0), "content"), QStringLiteral(" <the end"));

    out = chunks.applyToChunk(chunk({contentChoice(0, QStringLiteral("nk>r0 </th"))}));
    QCOMPARE(field(deltaOf(out, 0), "content"), QString());
    QCOMPARE(field(deltaOf(out, 0), "reasoning_content"), QStringLiteral("r0 "));

    // Choice 1 finishes: nothing held. Choice 0 finishes with "</th" held: flushed as reasoning.
    out = chunks.applyToChunk(
        chunk({contentChoice(1, QStringLiteral("!"), QStringLiteral("stop")),
               QJsonObject{{QStringLiteral("index"), 0},
                           {QStringLiteral("delta"), QJsonObject{}},
                           {QStringLiteral("finish_reason"), QStringLiteral("length")}}}));
    QCOMPARE(field(deltaOf(out, 0), "content"), QStringLiteral("!"));
    QVERIFY(!deltaOf(out, 0).contains(QLatin1String("reasoning_content")));
    QCOMPARE(field(deltaOf(out, 1), "reasoning_content"), QStringLiteral("</th"));
    QVERIFY(!deltaOf(out, 1).contains(QLatin1String("content")));
    QCOMPARE(out.value(QLatin1String("choices"))
                 .toArray()
                 .at(1)
                 .toObject()
                 .value(QLatin1String("finish_reason"))
                 .toString(),
             QStringLiteral("length"));
    QVERIFY(chunks.finishChoices().isEmpty());
}

void TestThinkSplitter::chunksWithoutContentUntouched()
{
    ThinkSplitChunks chunks;
    const QJsonObject roleOnly = chunk({QJsonObject{
        {QStringLiteral("index"), 0},
        {QStringLiteral("delta"), QJsonObject{{QStringLiteral("role"), QStringLiteral("assistant")},
                                              {QStringLiteral("content"), QJsonValue::Null}}},
        {QStringLiteral("finish_reason"), QJsonValue::Null}}});
    QCOMPARE(chunks.applyToChunk(roleOnly), roleOnly);
    const QJsonObject usageOnly{
        {QStringLiteral("choices"), QJsonArray{}},
        {QStringLiteral("usage"), QJsonObject{{QStringLiteral("total_tokens"), 3}}}};
    QCOMPARE(chunks.applyToChunk(usageOnly), usageOnly);
    const QJsonObject noChoices{{QStringLiteral("id"), QStringLiteral("x")}};
    QCOMPARE(chunks.applyToChunk(noChoices), noChoices);
    // A finish with nothing held adds nothing.
    const QJsonObject finishOnly =
        chunk({QJsonObject{{QStringLiteral("index"), 0},
                           {QStringLiteral("delta"), QJsonObject{}},
                           {QStringLiteral("finish_reason"), QStringLiteral("stop")}}});
    QCOMPARE(chunks.applyToChunk(finishOnly), finishOnly);
}

void TestThinkSplitter::chunksAddToProviderReasoning()
{
    ThinkSplitChunks chunks;
    const QJsonObject out = chunks.applyToChunk(chunk(
        {QJsonObject{{QStringLiteral("index"), 0},
                     {QStringLiteral("delta"),
                      QJsonObject{{QStringLiteral("content"), QStringLiteral("<think>b</think>c")},
                                  {QStringLiteral("reasoning_content"), QStringLiteral("a")}}}}}));
    QCOMPARE(field(deltaOf(out, 0), "reasoning_content"), QStringLiteral("ab"));
    QCOMPARE(field(deltaOf(out, 0), "content"), QStringLiteral("c"));
}

void TestThinkSplitter::chunksFinishChoices()
{
    ThinkSplitChunks chunks;
    chunks.applyToChunk(chunk({contentChoice(2, QStringLiteral("<think>x</thin")),
                               contentChoice(0, QStringLiteral("\t<thin")),
                               contentChoice(1, QStringLiteral("plain"))}));
    const QJsonArray rest = chunks.finishChoices();
    QCOMPARE(rest.size(), 2);
    QCOMPARE(rest.at(0).toObject().value(QLatin1String("index")).toInt(), 0);
    QCOMPARE(field(rest.at(0).toObject().value(QLatin1String("delta")).toObject(), "content"),
             QStringLiteral("\t<thin"));
    QCOMPARE(rest.at(1).toObject().value(QLatin1String("index")).toInt(), 2);
    const QJsonObject delta2 = rest.at(1).toObject().value(QLatin1String("delta")).toObject();
    QCOMPARE(field(delta2, "reasoning_content"), QStringLiteral("</thin"));
    QVERIFY(!delta2.contains(QLatin1String("content")));
    QVERIFY(chunks.finishChoices().isEmpty());
}

void TestThinkSplitter::response()
{
    const QJsonObject body =
        QJsonDocument::fromJson(
            "{\"id\":\"c\",\"object\":\"chat.completion\",\"choices\":["
            "{\"index\":0,\"message\":{\"role\":\"assistant\","
            "\"content\":\"\\n<think>\\nsteps\\n</think>\\n\\nThe answer is 42.\"},"
            "\"finish_reason\":\"stop\"},"
            "{\"index\":1,\"message\":{\"role\":\"assistant\",\"content\":\"<think>x</think>y\","
            "\"reasoning_content\":\"native\"},\"finish_reason\":\"stop\"},"
            "{\"index\":2,\"message\":{\"role\":\"assistant\",\"content\":\"no tags\"}},"
            "{\"index\":3,\"message\":{\"role\":\"assistant\",\"content\":null,"
            "\"tool_calls\":[]}},"
            "{\"index\":4,\"message\":{\"role\":\"assistant\",\"content\":\"<think>open\","
            "\"reasoning_content\":\"\"}}],"
            "\"usage\":{\"total_tokens\":9}}")
            .object();
    const QJsonObject out = ThinkSplitChunks::applyToResponse(body);
    const QJsonArray choices = out.value(QLatin1String("choices")).toArray();
    const auto message = [&](qsizetype i) {
        return choices.at(i).toObject().value(QLatin1String("message")).toObject();
    };
    QCOMPARE(field(message(0), "content"), QStringLiteral("The answer is 42."));
    QCOMPARE(field(message(0), "reasoning_content"), QStringLiteral("\nsteps\n"));
    QCOMPARE(message(1), body.value(QLatin1String("choices"))
                             .toArray()
                             .at(1)
                             .toObject()
                             .value(QLatin1String("message")));
    QCOMPARE(message(2), body.value(QLatin1String("choices"))
                             .toArray()
                             .at(2)
                             .toObject()
                             .value(QLatin1String("message")));
    QCOMPARE(message(3), body.value(QLatin1String("choices"))
                             .toArray()
                             .at(3)
                             .toObject()
                             .value(QLatin1String("message")));
    QCOMPARE(field(message(4), "content"), QString());
    QCOMPARE(field(message(4), "reasoning_content"), QStringLiteral("open"));
    QCOMPARE(out.value(QLatin1String("usage")), body.value(QLatin1String("usage")));
    QCOMPARE(out.value(QLatin1String("id")), body.value(QLatin1String("id")));

    const QJsonObject plain = QJsonDocument::fromJson("{\"choices\":[{\"index\":0,"
                                                      "\"message\":{\"content\":\"hi\"}}]}")
                                  .object();
    QCOMPARE(ThinkSplitChunks::applyToResponse(plain), plain);
}

QTEST_APPLESS_MAIN(TestThinkSplitter)
#include "tst_thinksplitter.moc"
