#pragma once

#include "model/token.h"
#include "repository.h"

#include <optional>

/// Filters of the token list and search endpoints; empty / 0 fields do not filter.
struct TokenFilter
{
    QString group;   ///< Exact group id.
    QString keyword; ///< Search: substring of the name or key.
    QString name;    ///< Substring.
    QString key;     ///< Substring ("sk-" prefix stripped by the caller).
    int status = 0;
    QString order; ///< "<column>-asc|desc", default "id-desc".
};

/// The `tokens` table. Every lookup can be restricted to one group: a non-empty \a group
/// argument makes rows of other groups invisible (a tenant never reaches another's tokens).
class TokenRepository : public Repository
{
public:
    explicit TokenRepository(Database &database);

    std::optional<Token> find(qint64 id, const QString &group = {});
    std::optional<Token> findByName(const QString &group, const QString &name);
    Page<Token> list(const TokenFilter &filter, const PageRequest &page);
    /// Inserts \a token, setting its id and creation time.
    bool insert(Token &token);
    /// Writes every column of \a token (by id); false when it does not exist or on error.
    bool update(const Token &token);
    /// Deletes the tokens with \a ids (of \a group when not empty); number deleted or -1.
    qint64 remove(const QList<qint64> &ids, const QString &group = {});
};
