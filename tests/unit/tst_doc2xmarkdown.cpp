// Doc2xMarkdown: Doc2x's page Markdown (with HTML tables, <img> tags and layout comments) into
// plain Markdown, and the /v1/parse/pdf answer built from a parse's pages.

#include "protocol/doc2xmarkdown.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QtTest>

using namespace Doc2xMarkdown;

class TstDoc2xMarkdown : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void table_data();
    void table();
    void tableWithoutRowsStaysAsItIs();
    void tablesArePutOnTheirOwnLines();
    void images_data();
    void images();
    void layoutCommentsAreDropped();
    void convertHandlesImagesInsideTables();
    void convertRealisticPage();
    void answerJoinsPages();
    void answerListsPages();
};

void TstDoc2xMarkdown::table_data()
{
    QTest::addColumn<QString>("html");
    QTest::addColumn<QString>("markdown");

    QTest::newRow("plain") << "<table><tr><td>a</td><td>b</td></tr><tr><td>1</td><td>2</td></tr>"
                              "</table>"
                           << "| a | b |\n| --- | --- |\n| 1 | 2 |";
    QTest::newRow("colspan")
        << "<table><tr><td colspan=\"2\">A</td></tr><tr><td>b</td><td>c</td></tr></table>"
        << "| A | ^^ |\n| --- | --- |\n| b | c |";
    // The cell after a rowspan goes to the next free column (aiproxy put it in column 0).
    QTest::newRow("rowspan")
        << "<table><tr><td rowspan=\"2\">A</td><td>B</td></tr><tr><td>C</td></tr></table>"
        << "| A | B |\n| --- | --- |\n| ^^ | C |";
    QTest::newRow("rowspan and colspan")
        << "<table><tr><td rowspan=\"2\" colspan=\"2\">X</td><td>a</td></tr><tr><td>b</td></tr>"
           "<tr><td>c</td><td>d</td><td>e</td></tr></table>"
        << "| X | ^^ | a |\n| --- | --- | --- |\n| ^^ | ^^ | b |\n| c | d | e |";
    QTest::newRow("rowspan in a middle column")
        << "<table><tr><td>1</td><td rowspan='3'>M</td><td>3</td></tr>"
           "<tr><td>4</td><td>6</td></tr><tr><td>7</td><td>9</td></tr></table>"
        << "| 1 | M | 3 |\n| --- | --- | --- |\n| 4 | ^^ | 6 |\n| 7 | ^^ | 9 |";
    QTest::newRow("rowspan clipped at the last row")
        << "<table><tr><td rowspan=\"9\">A</td><td>B</td></tr><tr><td>C</td></tr></table>"
        << "| A | B |\n| --- | --- |\n| ^^ | C |";
    QTest::newRow("layout, th, empty cells, pipes, line breaks, ragged rows")
        << "<table border=\"1\">\n  <thead><tr><th>Name</th><th>Note</th></tr></thead>\n"
           "  <tbody>\n    <tr><td>a|b</td><td>line one\n        line two</td></tr>\n"
           "    <tr><td/><td> x </td><td>extra</td></tr>\n  </tbody>\n</TABLE>"
        << "| Name | Note |  |\n| --- | --- | --- |\n| a\\|b | line one line two |  |\n"
           "|  | x | extra |";
    QTest::newRow("markup inside cells is kept")
        << "<table><tr><td><b>bold</b> $x^2$</td></tr></table>"
        << "| <b>bold</b> $x^2$ |\n| --- |";
}

void TstDoc2xMarkdown::table()
{
    QFETCH(QString, html);
    QFETCH(QString, markdown);
    QCOMPARE(tablesToMarkdown(html), markdown);
}

void TstDoc2xMarkdown::tableWithoutRowsStaysAsItIs()
{
    for (const QString &html :
         {QStringLiteral("<table></table>"), QStringLiteral("<table><caption>c</caption></table>"),
          QStringLiteral("<table><tr></tr></table>")})
        QCOMPARE(tablesToMarkdown(html), html);
    QCOMPARE(tablesToMarkdown(QStringLiteral("no tables here")), QStringLiteral("no tables here"));
}

void TstDoc2xMarkdown::tablesArePutOnTheirOwnLines()
{
    QCOMPARE(tablesToMarkdown(QStringLiteral("before<table><tr><td>x</td></tr></table>after")),
             QStringLiteral("before\n| x |\n| --- |\nafter"));
    QCOMPARE(tablesToMarkdown(QStringLiteral("<table><tr><td>1</td></tr></table>\n\nmid\n"
                                             "<table><tr><td>2</td></tr></table>")),
             QStringLiteral("| 1 |\n| --- |\n\nmid\n| 2 |\n| --- |"));
}

void TstDoc2xMarkdown::images_data()
{
    QTest::addColumn<QString>("html");
    QTest::addColumn<QString>("markdown");

    QTest::newRow("doc2x picture") << "<img src=\"https://cdn.noedgeai.com/a.jpg?x=1&y=2&w=3\"/>"
                                   << "![img](https://cdn.noedgeai.com/a.jpg?x=1&y=2&w=3)";
    QTest::newRow("entity in the url") << "<img src=\"https://c/a.jpg?x=1&amp;y=2\">"
                                       << "![img](https://c/a.jpg?x=1&y=2)";
    QTest::newRow("alt, single quotes, spaces") << "<img alt=\"sales chart\" src='u v(1).png' />"
                                                << "![sales chart](u%20v%281%29.png)";
    QTest::newRow("upper case") << "<IMG SRC=\"c.png\">"
                                << "![img](c.png)";
    QTest::newRow("no src stays") << "<img alt=\"x\">"
                                  << "<img alt=\"x\">";
    QTest::newRow("in text") << "see <img src=\"a.png\"/> and <img src=\"b.png\"/>."
                             << "see ![img](a.png) and ![img](b.png).";
}

void TstDoc2xMarkdown::images()
{
    QFETCH(QString, html);
    QFETCH(QString, markdown);
    QCOMPARE(imagesToMarkdown(html), markdown);
}

void TstDoc2xMarkdown::layoutCommentsAreDropped()
{
    QCOMPARE(dropLayoutComments(QStringLiteral(
                 "a\n\n<!-- Media -->\n\nb<!--Footnote-->c\n\n<!-- Meanless: page 3 header -->\n\n"
                 "\n\nd <!-- keep me -->")),
             QStringLiteral("a\n\nbc\n\nd <!-- keep me -->"));
}

void TstDoc2xMarkdown::convertHandlesImagesInsideTables()
{
    QCOMPARE(convert(QStringLiteral("<table><tr><td><img src=\"a.png\"/></td><td>x</td></tr>"
                                    "</table>")),
             QStringLiteral("| ![img](a.png) | x |\n| --- | --- |"));
}

void TstDoc2xMarkdown::convertRealisticPage()
{
    const QString page = QStringLiteral(
        "# Report\n\n<!-- Media -->\n\n<img src=\"https://cdn.noedgeai.com/f.jpg?x=1&y=2\"/>\n\n"
        "<!-- Media -->\n\nFigure 1.\n\n<table><tr><td rowspan=\"2\">Region</td>"
        "<td colspan=\"2\">Revenue</td></tr><tr><td>2023</td><td>2024</td></tr><tr><td>North</td>"
        "<td>10</td><td>12</td></tr></table>\n\n<!-- Footnote -->\n\n1 Unaudited.\n\n"
        "<!-- Footnote -->\n");
    QCOMPARE(convert(page),
             QStringLiteral("# Report\n\n![img](https://cdn.noedgeai.com/f.jpg?x=1&y=2)\n\n"
                            "Figure 1.\n\n| Region | Revenue | ^^ |\n| --- | --- | --- |\n"
                            "| ^^ | 2023 | 2024 |\n| North | 10 | 12 |\n\n1 Unaudited.\n\n"));
}

void TstDoc2xMarkdown::answerJoinsPages()
{
    const QJsonArray pages = {QJsonObject{{"page_idx", 0}, {"md", "# One <!-- Media -->"}},
                              QJsonObject{{"page_idx", 1}, {"md", "<img src=\"p.png\"/>"}}};
    const QJsonObject answer = Doc2xMarkdown::answer(pages, false);
    QCOMPARE(answer.keys(), QStringList({"markdown", "pages"}));
    QCOMPARE(answer.value("pages").toInt(), 2);
    QCOMPARE(answer.value("markdown").toString(), QStringLiteral("# One \n\n![img](p.png)"));
    QCOMPARE(Doc2xMarkdown::answer({}, false),
             QJsonObject({{"pages", 0}, {"markdown", QString()}}));
}

void TstDoc2xMarkdown::answerListsPages()
{
    const QJsonArray pages = {QJsonObject{{"md", "<table><tr><td>a</td></tr></table>"}},
                              QJsonObject{{"md", "two"}}};
    QCOMPARE(Doc2xMarkdown::answer(pages, true),
             QJsonObject({{"markdowns", QJsonArray{"| a |\n| --- |", "two"}}}));
}

QTEST_GUILESS_MAIN(TstDoc2xMarkdown)
#include "tst_doc2xmarkdown.moc"
