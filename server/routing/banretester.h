#pragma once

#include <QObject>
#include <QSet>
#include <QString>

#include <functional>

class ChannelTester;
class SnapshotStore;
class QTimer;
struct RelayState;

/// Re-tests banned (channel, model) pairs in the background and lifts their bans.
///
/// Each pass (every interval, and on demand) tests every pair banned at that moment with a real
/// minimal request (ChannelTester): success lifts the ban ("unban" event); failure renews it
/// for a full ban period ("retest_failed"), so a broken pair gets no traffic until a re-test
/// passes. A pair whose channel is gone, disabled or no longer lists the model is unbanned at
/// once (as aiproxy). A pair whose mode has no test request keeps its ban until it expires.
/// At most one test per pair is in flight.
///
/// Threading: lives on the admin thread with its ChannelTester; used only there.
class BanRetester : public QObject
{
    Q_OBJECT
public:
    BanRetester(RelayState *state, SnapshotStore *snapshots, ChannelTester *tester,
                QObject *parent = nullptr);

    /// Starts the periodic passes, one every \a intervalMs.
    void start(int intervalMs);
    /// One pass now; \a done (optional) once all its tests have ended.
    void retestBanned(std::function<void()> done = {});

private:
    RelayState *m_state;
    SnapshotStore *m_snapshots;
    ChannelTester *m_tester;
    QTimer *m_timer = nullptr;
    QSet<QString> m_inFlight; ///< "<channel id> <model>".
};
