#pragma once

#include "model/channeltestresult.h"
#include "repository.h"

/// The `channel_tests` table: the last test of each (channel, model).
class ChannelTestRepository : public Repository
{
public:
    explicit ChannelTestRepository(Database &database);

    /// Stores \a result, replacing the row of its (channel, model).
    bool save(const ChannelTestResult &result);
    /// The stored tests of \a channelId, by model.
    QList<ChannelTestResult> forChannel(qint64 channelId);
    /// Deletes the tests of the channels with \a ids; number deleted or -1.
    qint64 removeForChannels(const QList<qint64> &ids);
};
