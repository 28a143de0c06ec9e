// AdminService: token use cases. Only creation and single reads return the full key.
#include "adminjson.h"
#include "adminservice.h"
#include "storage/grouprepository.h"
#include "storage/tokenrepository.h"

namespace {

QJsonObject maskedJson(const Token &token)
{
    return token.toJson(false);
}

AdminService::Result notFound(qint64 id)
{
    return AdminService::Result::error(404, QStringLiteral("token %1 not found").arg(id));
}

AdminService::Result nameTaken(const QString &name, const QString &group)
{
    return AdminService::Result::error(
        409, QStringLiteral("invalid field 'name': token '%1' already exists in group '%2'")
                 .arg(name, group));
}

} // namespace

AdminService::Result AdminService::createToken(const QString &group, const QJsonObject &body,
                                               bool autoCreateGroup, bool ignoreExist)
{
    Token token;
    token.groupId = group;
    const QString error = token.applyJson(body);
    if (!error.isEmpty())
        return Result::error(400, error);

    GroupRepository groups(*m_main);
    const std::optional<Group> existingGroup = groups.find(group);
    if (groups.hasError())
        return storageError(groups);
    if (!existingGroup && !autoCreateGroup)
        return Result::error(404, QStringLiteral("group '%1' not found").arg(group));

    TokenRepository tokens(*m_main);
    if (existingGroup) {
        const std::optional<Token> sameName = tokens.findByName(group, token.name);
        if (tokens.hasError())
            return storageError(tokens);
        if (sameName)
            return ignoreExist ? Result::ok(sameName->toJson(true)) : nameTaken(token.name, group);
    } else {
        const Result created = createGroup(group, {});
        if (!created.isOk())
            return created;
    }

    token.key = Token::generateKey();
    if (!tokens.insert(token))
        return storageError(tokens);
    changed();
    return Result::ok(token.toJson(true));
}

AdminService::Result AdminService::token(qint64 id, const QString &group)
{
    TokenRepository repository(*m_main);
    const auto fullJson = [](const Token &token) { return token.toJson(true); };
    return foundOr(repository, repository.find(id, group), fullJson, notFound(id));
}

AdminService::Result AdminService::listTokens(const TokenFilter &filter, const PageRequest &page)
{
    TokenRepository repository(*m_main);
    const Page<Token> tokens = repository.list(filter, page);
    return okUnlessFailed(repository,
                          AdminJson::page(QStringLiteral("tokens"), tokens, maskedJson));
}

AdminService::Result AdminService::updateToken(qint64 id, const QString &group,
                                               const QJsonObject &body)
{
    TokenRepository repository(*m_main);
    std::optional<Token> token = repository.find(id, group);
    if (repository.hasError())
        return storageError(repository);
    if (!token)
        return notFound(id);
    const QString previousName = token->name;
    const QString error = token->applyJson(body);
    if (!error.isEmpty())
        return Result::error(400, error);
    if (token->name != previousName) {
        const std::optional<Token> sameName = repository.findByName(token->groupId, token->name);
        if (repository.hasError())
            return storageError(repository);
        if (sameName)
            return nameTaken(token->name, token->groupId);
    }
    if (!repository.update(*token))
        return repository.hasError() ? storageError(repository) : notFound(id);
    changed();
    return Result::ok(maskedJson(*token));
}

AdminService::Result AdminService::deleteToken(qint64 id, const QString &group)
{
    return requireOne(deleteTokens({id}, group), notFound(id));
}

AdminService::Result AdminService::deleteTokens(const QList<qint64> &ids, const QString &group)
{
    TokenRepository repository(*m_main);
    return writeResult(repository, repository.remove(ids, group));
}
