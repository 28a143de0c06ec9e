#include "relaycontext.h"

#include <QDateTime>

LogRecord RelayContext::logRecord(int status, const QString &errorText) const
{
    LogRecord record;
    record.requestId = QString::fromLatin1(requestId);
    record.requestAt = requestAtMs;
    record.createdAt = QDateTime::currentMSecsSinceEpoch();
    record.latencyMs = record.createdAt - requestAtMs;
    record.groupId = groupId;
    record.tokenId = tokenId;
    record.tokenName = tokenName;
    record.channelId = channel.id;
    record.model = model;
    record.mode = int(mode);
    record.endpoint = endpoint;
    record.stream = stream;
    record.code = status;
    record.content = errorText;
    record.ip = clientIp;
    record.retryTimes = retryTimes;
    record.user = user;
    record.metadata = metadata;
    return record;
}
