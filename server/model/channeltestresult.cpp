#include "channeltestresult.h"

#include <QSqlRecord>
#include <QVariant>

ChannelTestResult ChannelTestResult::fromRecord(const QSqlRecord &r)
{
    ChannelTestResult t;
    t.channelId = r.value(QStringLiteral("channel_id")).toLongLong();
    t.channelName = r.value(QStringLiteral("channel_name")).toString();
    t.channelType = r.value(QStringLiteral("channel_type")).toInt();
    t.model = r.value(QStringLiteral("model")).toString();
    t.actualModel = r.value(QStringLiteral("actual_model")).toString();
    t.mode = r.value(QStringLiteral("mode")).toInt();
    t.success = r.value(QStringLiteral("success")).toInt() != 0;
    t.code = r.value(QStringLiteral("code")).toInt();
    t.response = r.value(QStringLiteral("response")).toString();
    t.tookMs = r.value(QStringLiteral("took_ms")).toLongLong();
    t.testAtMs = r.value(QStringLiteral("test_at")).toLongLong();
    return t;
}

QJsonObject ChannelTestResult::toJson() const
{
    return {{QStringLiteral("test_at"), testAtMs},
            {QStringLiteral("model"), model},
            {QStringLiteral("actual_model"), actualModel},
            {QStringLiteral("response"), response},
            {QStringLiteral("channel_name"), channelName},
            {QStringLiteral("channel_type"), channelType},
            {QStringLiteral("channel_id"), channelId},
            {QStringLiteral("took"), double(tookMs) / 1000.0},
            {QStringLiteral("success"), success},
            {QStringLiteral("mode"), mode},
            {QStringLiteral("code"), code}};
}
