// AdminService: request log use cases (log database).
#include "adminjson.h"
#include "adminservice.h"
#include "storage/logrepository.h"
#include "storage/logwriter.h"

namespace {

QJsonObject logJson(const LogRecord &record)
{
    return record.toJson();
}

QJsonArray idArray(const QList<qint64> &ids)
{
    return AdminJson::array(ids, [](qint64 id) { return QJsonValue(id); });
}

} // namespace

AdminService::Result AdminService::logs(const LogFilter &filter, const PageRequest &page)
{
    m_logs->flushNow();
    LogRepository repository(*m_log);
    QJsonObject data =
        AdminJson::page(QStringLiteral("logs"), repository.list(filter, page), logJson);
    data.insert(QStringLiteral("models"),
                QJsonArray::fromStringList(repository.distinctModels(filter.scope())));
    data.insert(QStringLiteral("channels"), idArray(repository.distinctChannels(filter.scope())));
    if (repository.hasError())
        return storageError(repository);
    return Result::ok(data);
}

AdminService::Result AdminService::groupLogs(const QString &group, const LogFilter &filter,
                                             const PageRequest &page)
{
    if (group.isEmpty())
        return Result::error(400, QStringLiteral("invalid field 'group': required"));
    LogFilter restricted = filter;
    restricted.group = group; // A tenant's query never reaches another group's rows.
    Result result = logs(restricted, page);
    if (!result.isOk())
        return result;
    LogRepository repository(*m_log);
    QJsonObject data = result.data.toObject();
    data.insert(QStringLiteral("token_names"),
                QJsonArray::fromStringList(repository.distinctTokenNames(restricted.scope())));
    if (repository.hasError())
        return storageError(repository);
    return Result::ok(data);
}

AdminService::Result AdminService::deleteLogsBefore(qint64 timestampMs)
{
    if (timestampMs <= 0)
        return Result::error(
            400,
            QStringLiteral(
                "invalid field 'timestamp': a positive Unix time in milliseconds is required"));
    m_logs->flushNow();
    LogRepository repository(*m_log);
    const qint64 removed = repository.removeBefore(timestampMs);
    if (removed < 0)
        return storageError(repository);
    return Result::ok(removed);
}
