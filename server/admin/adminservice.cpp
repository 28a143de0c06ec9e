#include "adminservice.h"

#include "config/gatewayconfig.h"
#include "gateway/configsnapshot.h"

AdminService::AdminService(const GatewayConfig &config, Database *mainDb, Database *logDb,
                           LogWriter *logs, SnapshotStore *snapshots, QObject *parent)
    : QObject(parent)
    , m_config(config)
    , m_main(mainDb)
    , m_log(logDb)
    , m_logs(logs)
    , m_snapshots(snapshots)
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
