#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QString>

/// Doc2x's page Markdown (Markdown with embedded HTML) → plain Markdown, and the answer of
/// POST /v1/parse/pdf. Pure functions; nothing is fetched (image URLs are kept as they are).
namespace Doc2xMarkdown {

/// Every `<table>…</table>` becomes a Markdown table: the first row is the header, a cell
/// spanned by another's colspan/rowspan holds "^^", rows are padded to the widest one, `|` in
/// cells is escaped and line breaks inside cells become spaces. A table without rows stays as
/// it is. The table is put on lines of its own.
QString tablesToMarkdown(const QString &text);
/// Every `<img src="…">` becomes `![alt](src)` (alt "img" when the tag has none). Tags without
/// a src stay as they are.
QString imagesToMarkdown(const QString &text);
/// Drops Doc2x's layout markers (`<!-- Media -->`, `<!-- Footnote -->`, `<!-- Meanless: … -->`)
/// and collapses the runs of blank lines they leave into one blank line.
QString dropLayoutComments(const QString &text);
/// All of the above: images, then tables, then layout markers.
QString convert(const QString &doc2xMarkdown);

/// The answer for a finished parse's `result.pages`: `{"markdowns":[…]}` (one converted
/// Markdown per page) when \a list is set, else `{"pages":N,"markdown":…}` with the pages joined
/// by a blank line and converted.
QJsonObject answer(const QJsonArray &pages, bool list);

} // namespace Doc2xMarkdown
