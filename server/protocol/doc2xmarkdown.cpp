#include "doc2xmarkdown.h"

#include <QRegularExpression>
#include <QStringList>

#include <functional>
#include <optional>

namespace {

/// A compiled, case-insensitive pattern; compiled up front so that matching from several
/// threads only reads it.
QRegularExpression compiled(const QString &pattern)
{
    QRegularExpression expression(pattern, QRegularExpression::CaseInsensitiveOption);
    expression.optimize();
    return expression;
}

constexpr int kMaxColspan = 1000; // HTML's own limit.
constexpr char kSpanned[] = "^^";

int spanOf(const QString &attributes, const QRegularExpression &pattern, int maximum)
{
    const QRegularExpressionMatch match = pattern.match(attributes);
    const int span = match.hasMatch() ? match.captured(1).toInt() : 1;
    return qBound(1, span, qMax(1, maximum));
}

QString cellText(const QString &html)
{
    static const QRegularExpression lineBreaks = compiled(QStringLiteral(R"re(\s*\n\s*)re"));
    QString text = html;
    text.replace(lineBreaks, QStringLiteral(" "));
    return text.trimmed().replace(QLatin1Char('|'), QStringLiteral("\\|"));
}

/// The Markdown lines of one table's inner HTML; empty when it has no cells.
QStringList tableLines(const QString &tableHtml)
{
    static const QRegularExpression rowPattern =
        compiled(QStringLiteral(R"re(<tr\b[^>]*>([\s\S]*?)</tr\s*>)re"));
    static const QRegularExpression cellPattern =
        compiled(QStringLiteral(R"re(<t([dh])\b([^>]*?)(?:/>|>([\s\S]*?)</t\1\s*>))re"));
    static const QRegularExpression colspanPattern =
        compiled(QStringLiteral(R"re(\bcolspan\s*=\s*["']?(\d+))re"));
    static const QRegularExpression rowspanPattern =
        compiled(QStringLiteral(R"re(\browspan\s*=\s*["']?(\d+))re"));

    QStringList rows;
    for (auto it = rowPattern.globalMatch(tableHtml); it.hasNext();)
        rows.append(it.next().captured(1));
    struct Slot
    {
        bool used = false;
        QString text;
    };
    QList<QList<Slot>> grid(rows.size());
    for (qsizetype r = 0; r < rows.size(); ++r) {
        qsizetype column = 0;
        for (auto it = cellPattern.globalMatch(rows.at(r)); it.hasNext();) {
            const QRegularExpressionMatch cell = it.next();
            const int colspan = spanOf(cell.captured(2), colspanPattern, kMaxColspan);
            // A rowspan never reaches past the table's last row (as browsers clip it).
            const int rowspan = spanOf(cell.captured(2), rowspanPattern, int(rows.size() - r));
            while (column < grid[r].size() && grid[r][column].used)
                ++column; // Taken by a rowspan from above.
            for (int i = 0; i < rowspan; ++i) {
                QList<Slot> &row = grid[r + i];
                if (row.size() < column + colspan)
                    row.resize(column + colspan);
                for (int j = 0; j < colspan; ++j)
                    row[column + j] = {true, i == 0 && j == 0 ? cellText(cell.captured(3))
                                                              : QString::fromLatin1(kSpanned)};
            }
            column += colspan;
        }
    }
    qsizetype width = 0;
    for (const QList<Slot> &row : std::as_const(grid))
        width = qMax(width, row.size());
    if (width == 0)
        return {};
    QStringList lines;
    for (qsizetype r = 0; r < grid.size(); ++r) {
        QStringList cells;
        for (qsizetype c = 0; c < width; ++c)
            cells.append(c < grid[r].size() ? grid[r][c].text : QString());
        lines.append(QStringLiteral("| ") + cells.join(QStringLiteral(" | ")) +
                     QStringLiteral(" |"));
        if (r == 0)
            lines.append(QStringLiteral("|") + QStringLiteral(" --- |").repeated(width));
    }
    return lines;
}

/// Attribute \a name of an HTML tag's attribute text (quoted or bare), or a null string.
QString attribute(const QString &attributes, const QString &name)
{
    static const QRegularExpression pattern = compiled(
        QStringLiteral(R"re(([a-z_:][-a-z0-9_:.]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))re"));
    for (auto it = pattern.globalMatch(attributes); it.hasNext();) {
        const QRegularExpressionMatch match = it.next();
        if (match.captured(1).compare(name, Qt::CaseInsensitive) != 0)
            continue;
        for (int group = 2; group <= 4; ++group) {
            if (match.capturedStart(group) >= 0)
                return match.captured(group);
        }
    }
    return {};
}

/// \a text with every match of \a pattern replaced by what \a replacement makes of it (matches
/// it returns nothing for are kept).
QString replaceEach(
    const QString &text, const QRegularExpression &pattern,
    const std::function<std::optional<QString>(const QRegularExpressionMatch &)> &replacement)
{
    QString out;
    qsizetype copied = 0;
    for (auto it = pattern.globalMatch(text); it.hasNext();) {
        const QRegularExpressionMatch match = it.next();
        const std::optional<QString> replaced = replacement(match);
        if (!replaced)
            continue;
        out += QStringView(text).sliced(copied, match.capturedStart() - copied);
        out += *replaced;
        copied = match.capturedEnd();
    }
    out += QStringView(text).sliced(copied);
    return out;
}

} // namespace

namespace Doc2xMarkdown {

QString tablesToMarkdown(const QString &text)
{
    static const QRegularExpression tablePattern =
        compiled(QStringLiteral(R"re(<table\b[^>]*>([\s\S]*?)</table\s*>)re"));
    return replaceEach(text, tablePattern,
                       [&text](const QRegularExpressionMatch &table) -> std::optional<QString> {
                           const QStringList lines = tableLines(table.captured(1));
                           if (lines.isEmpty())
                               return std::nullopt;
                           // On lines of its own (two tables in a row stay apart by a blank line).
                           const qsizetype before = table.capturedStart() - 1;
                           const qsizetype after = table.capturedEnd();
                           return (before >= 0 && text.at(before) != QLatin1Char('\n')
                                       ? QStringLiteral("\n")
                                       : QString()) +
                                  lines.join(QLatin1Char('\n')) +
                                  (after < text.size() && text.at(after) != QLatin1Char('\n')
                                       ? QStringLiteral("\n")
                                       : QString());
                       });
}

QString imagesToMarkdown(const QString &text)
{
    static const QRegularExpression imagePattern =
        compiled(QStringLiteral(R"re(<img\b([^>]*?)\s*/?>)re"));
    return replaceEach(
        text, imagePattern, [](const QRegularExpressionMatch &image) -> std::optional<QString> {
            QString source = attribute(image.captured(1), QStringLiteral("src"));
            if (source.isEmpty())
                return std::nullopt;
            // Characters that would end or break a Markdown link destination.
            source.replace(QStringLiteral("&amp;"), QStringLiteral("&"))
                .replace(QLatin1Char(' '), QStringLiteral("%20"))
                .replace(QLatin1Char('('), QStringLiteral("%28"))
                .replace(QLatin1Char(')'), QStringLiteral("%29"));
            QString alt = attribute(image.captured(1), QStringLiteral("alt")).simplified();
            if (alt.isEmpty())
                alt = QStringLiteral("img");
            alt.replace(QLatin1Char('['), QStringLiteral("\\["))
                .replace(QLatin1Char(']'), QStringLiteral("\\]"));
            return QStringLiteral("![%1](%2)").arg(alt, source);
        });
}

QString dropLayoutComments(const QString &text)
{
    static const QRegularExpression markers = compiled(
        QStringLiteral(R"re(<!--\s*(?:Media|Footnote)\s*-->|<!--\s*Meanless:[\s\S]*?-->)re"));
    static const QRegularExpression blankLines =
        compiled(QStringLiteral(R"re(\n[ \t]*\n(?:[ \t]*\n)+)re"));
    QString out = text;
    return out.remove(markers).replace(blankLines, QStringLiteral("\n\n"));
}

QString convert(const QString &doc2xMarkdown)
{
    return dropLayoutComments(tablesToMarkdown(imagesToMarkdown(doc2xMarkdown)));
}

QJsonObject answer(const QJsonArray &pages, bool list)
{
    QStringList markdowns;
    for (const QJsonValue &page : pages)
        markdowns.append(page.toObject().value(QStringLiteral("md")).toString());
    if (list) {
        QJsonArray converted;
        for (const QString &markdown : std::as_const(markdowns))
            converted.append(convert(markdown));
        return {{QStringLiteral("markdowns"), converted}};
    }
    return {{QStringLiteral("pages"), pages.size()},
            {QStringLiteral("markdown"), convert(markdowns.join(QStringLiteral("\n\n")))}};
}

} // namespace Doc2xMarkdown
