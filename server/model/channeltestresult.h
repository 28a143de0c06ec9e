#pragma once

#include <QJsonObject>
#include <QString>

class QSqlRecord;

/// The outcome of one channel test (aiproxy's ChannelTest): a minimal real request for one
/// model sent to one channel. Stored per (channel, model), the last test replacing the former.
struct ChannelTestResult
{
    qint64 channelId = 0;
    QString channelName;
    int channelType = 0;
    QString model;       ///< As the channel lists it.
    QString actualModel; ///< Sent upstream (after model_mapping).
    int mode = 0;        ///< RelayMode id of the request sent.
    bool success = false;
    int code = 0;     ///< HTTP status of the answer; 0 when none came (transport error, timeout).
    QString response; ///< The answer or the error, truncated; never contains the channel key.
    qint64 tookMs = 0;
    qint64 testAtMs = 0; ///< Unix ms when the test started.
    /// Set when nothing was sent because the pair cannot be tested (its mode has no test
    /// request, or the channel type does not serve it). Such results are not stored.
    QString refused;

    static ChannelTestResult fromRecord(const QSqlRecord &record);
    /// aiproxy's JSON: test_at (Unix ms), took (seconds), the other fields by their names.
    QJsonObject toJson() const;
};
