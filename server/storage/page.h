#pragma once

#include <QList>
#include <QtGlobal>

#include <algorithm>

/// One page of a list query: 1-based page number, per_page clamped to [1, maxPerPage].
struct PageRequest
{
    static constexpr int defaultPerPage = 10;
    static constexpr int maxPerPage = 100;

    int page = 1;
    int perPage = defaultPerPage;

    /// Clamps out-of-range values the way aiproxy does (page < 1 → 1, per_page 0 → default).
    static PageRequest normalized(int page, int perPage)
    {
        PageRequest request;
        request.page = std::max(1, page);
        request.perPage = perPage <= 0 ? defaultPerPage : std::min(perPage, maxPerPage);
        return request;
    }
    qint64 offset() const { return qint64(page - 1) * perPage; }
};

/// The rows of one page and the number of rows matching the filter on all pages.
template<typename T> struct Page
{
    QList<T> items;
    qint64 total = 0;
};
