// AdminService: group (tenant) use cases.
#include "adminjson.h"
#include "adminservice.h"
#include "storage/grouprepository.h"

namespace {

constexpr int kMaxGroupIdLength = 64;

QJsonObject groupJson(const Group &group)
{
    return group.toJson();
}

AdminService::Result notFound(const QString &id)
{
    return AdminService::Result::error(404, QStringLiteral("group '%1' not found").arg(id));
}

} // namespace

AdminService::Result AdminService::group(const QString &id)
{
    GroupRepository repository(*m_main);
    return foundOr(repository, repository.find(id), groupJson, notFound(id));
}

AdminService::Result AdminService::listGroups(const GroupFilter &filter, const PageRequest &page)
{
    GroupRepository repository(*m_main);
    const Page<Group> groups = repository.list(filter, page);
    return okUnlessFailed(repository, AdminJson::page(QStringLiteral("groups"), groups, groupJson));
}

AdminService::Result AdminService::createGroup(const QString &id, const QJsonObject &body)
{
    const QString trimmed = id.trimmed();
    if (trimmed.isEmpty() || trimmed.size() > kMaxGroupIdLength)
        return Result::error(400,
                             QStringLiteral("invalid field 'group': 1 to %1 characters required")
                                 .arg(kMaxGroupIdLength));
    GroupRepository repository(*m_main);
    const std::optional<Group> existing = repository.find(trimmed);
    if (repository.hasError())
        return storageError(repository);
    if (existing)
        return Result::error(409, QStringLiteral("group '%1' already exists").arg(trimmed));
    Group group;
    group.id = trimmed;
    const QString error = group.applyJson(body);
    if (!error.isEmpty())
        return Result::error(400, error);
    if (!repository.insert(group))
        return storageError(repository);
    changed();
    return Result::ok(groupJson(group));
}

AdminService::Result AdminService::updateGroup(const QString &id, const QJsonObject &body)
{
    GroupRepository repository(*m_main);
    std::optional<Group> group = repository.find(id);
    if (repository.hasError())
        return storageError(repository);
    if (!group)
        return notFound(id);
    const QString error = group->applyJson(body);
    if (!error.isEmpty())
        return Result::error(400, error);
    if (!repository.update(*group))
        return repository.hasError() ? storageError(repository) : notFound(id);
    changed();
    return Result::ok(groupJson(*group));
}

AdminService::Result AdminService::deleteGroup(const QString &id)
{
    return requireOne(deleteGroups({id}), notFound(id));
}

AdminService::Result AdminService::deleteGroups(const QStringList &ids)
{
    GroupRepository repository(*m_main);
    return writeResult(repository, repository.remove(ids));
}

AdminService::Result AdminService::setGroupsStatus(const QStringList &ids, int status)
{
    if (status < Group::Enabled || status > Group::Internal)
        return Result::error(400, QStringLiteral("invalid field 'status': must be 1, 2 or 3"));
    GroupRepository repository(*m_main);
    return writeResult(repository, repository.setStatus(ids, status));
}
