#include "channeltestrepository.h"

ChannelTestRepository::ChannelTestRepository(Database &database)
    : Repository(database)
{
}

bool ChannelTestRepository::save(const ChannelTestResult &r)
{
    // ON CONFLICT ... DO UPDATE is understood by SQLite (>= 3.24) and PostgreSQL alike.
    QSqlQuery query(m_db);
    return exec(query,
                QStringLiteral(
                    "INSERT INTO channel_tests (channel_id, model, actual_model, channel_name, "
                    "channel_type, mode, success, code, response, took_ms, test_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT (channel_id, model) DO UPDATE SET "
                    "actual_model = excluded.actual_model, channel_name = excluded.channel_name, "
                    "channel_type = excluded.channel_type, mode = excluded.mode, "
                    "success = excluded.success, code = excluded.code, "
                    "response = excluded.response, took_ms = excluded.took_ms, "
                    "test_at = excluded.test_at"),
                {r.channelId, r.model, r.actualModel, r.channelName, r.channelType, r.mode,
                 int(r.success), r.code, r.response, r.tookMs, r.testAtMs});
}

QList<ChannelTestResult> ChannelTestRepository::forChannel(qint64 channelId)
{
    return select<ChannelTestResult>(
        QStringLiteral("SELECT * FROM channel_tests WHERE channel_id = ? ORDER BY model"),
        {channelId});
}

qint64 ChannelTestRepository::removeForChannels(const QList<qint64> &ids)
{
    SqlWhere where;
    where.in(QStringLiteral("channel_id"), QVariantList(ids.begin(), ids.end()));
    return execAffected(QStringLiteral("DELETE FROM channel_tests") + where.sql(), where.values());
}
