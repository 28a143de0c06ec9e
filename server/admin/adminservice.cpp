#include "adminservice.h"

#include "config/gatewayconfig.h"
#include "gateway/configsnapshot.h"
#include "storage/repository.h"

#include <QDebug>

AdminService::AdminService(const GatewayConfig &config, Database *mainDb, Database *logDb,
                           LogWriter *logs, SnapshotStore *snapshots, RelayState *relayState,
                           QObject *parent)
    : QObject(parent)
    , m_config(config)
    , m_main(mainDb)
    , m_log(logDb)
    , m_logs(logs)
    , m_snapshots(snapshots)
    , m_relayState(relayState)
{
}

bool AdminService::reloadSnapshot(QString *error)
{
    auto snapshot = ConfigSnapshot::load(*m_main, m_config.disableModelConfig, error);
    if (!snapshot)
        return false;
    m_snapshots->publish(std::move(snapshot));
    return true;
}

AdminService::Result AdminService::storageError(const Repository &repository)
{
    qWarning().noquote() << "admin: storage error:" << repository.lastError();
    return Result::error(500, QStringLiteral("database error: %1").arg(repository.lastError()));
}

AdminService::Result AdminService::okUnlessFailed(const Repository &repository, QJsonValue data)
{
    return repository.hasError() ? storageError(repository) : Result::ok(std::move(data));
}

AdminService::Result AdminService::writeResult(const Repository &repository, qint64 rows)
{
    if (rows < 0)
        return storageError(repository);
    if (rows > 0)
        changed();
    return Result::ok(rows);
}

AdminService::Result AdminService::requireOne(const Result &batch, Result notFound)
{
    if (!batch.isOk())
        return batch;
    return batch.data.toInteger() == 0 ? std::move(notFound) : Result::ok();
}

void AdminService::changed()
{
    QString error;
    if (!reloadSnapshot(&error))
        qWarning().noquote() << "admin: snapshot reload failed, the relay keeps the previous one:"
                             << error;
}
