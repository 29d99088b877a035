#pragma once

#include "metrics/Registry.h"
#include "sources/ControlWatcher.h"
#include "sources/LeaseKeeper.h"
#include "sources/OperatorAsks.h"
#include "sources/PollStore.h"
#include "sources/PollTimer.h"
#include "sources/RecheckRows.h"
#include "sources/Rechecker.h"
#include "sources/ReplayRunner.h"
#include "sources/SourceCatalog.h"
#include "sources/SourceLease.h"
#include "sources/SourceMetrics.h"
#include "sources/SourcePoll.h"
#include "sources/SourceStatus.h"
#include "sources/TickLog.h"

#include <Poco/Logger.h>
#include <Poco/ThreadPool.h>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace courierd
{

class ReplayStore;
class SourceControls;

/// Runs the sources: for each, its timer (PollTimer: beat, backoff, stall check) on a thread
/// pool of the scheduler's own, what operators asked of it (OperatorAsks, read by the
/// ControlWatcher), its lease (SourceLease, renewed during a poll by the LeaseKeeper), the poll
/// itself (SourcePoll), its replays and the rechecks of its orders between polls
/// (ReplayRunner, Rechecker), what its ticks log (TickLog)
/// and its metrics and status. A beat polls when the source is due; a paused source is not
/// polled (its pending orders are still assigned); a trigger polls it at the next beat,
/// whatever the wait; a resume polls it at once. A source's ticks never overlap, and a slow
/// tick delays the next one.
class SourceScheduler
{
public:
    /// `wake` is called after an ingest that stored rows. `stopping` is the daemon's flag.
    /// Its metrics (courierd_source_*) go to `metrics`. With `controls`, operators' pause,
    /// resume and trigger (SourceControls) are obeyed; without, every source runs. With
    /// `replays`, the running replays of the sources whose lease this instance holds are read
    /// between polls (runReplayStep()). With `rechecks`, the running deliveries and the orders
    /// waiting for a courier of those sources are asked about again between polls (Rechecker).
    SourceScheduler(SourceCatalog& sources, PollStore& store, std::function<void()> wake,
                    const std::atomic<bool>& stopping,
                    metrics::Registry& metrics = metrics::Registry::unused(),
                    SourceControls* controls = nullptr, ReplayStore* replays = nullptr,
                    RecheckRows* rechecks = nullptr);
    ~SourceScheduler();

    /// Starts every source's timer. Call once, from the main thread.
    void start();

    /// Stops the timers, waiting for running ticks to finish, and gives the leases up.
    /// Idempotent; never from a tick.
    void stop();

    /// A reload added `entry`: its timer starts, with a first tick at once. Main thread.
    void add(const SourceCatalog::EntryPtr& entry);

    /// A reload removed source `name` (or is replacing it): its plugin is asked to stop, its
    /// running tick finishes, its timer stops and its lease is given up, so that another
    /// instance, or this source's next instance, takes it at once. Its cursor and inbox rows
    /// stay. Main thread, never from a tick.
    void remove(const std::string& name);

    /// A snapshot of every source's status. Any thread.
    std::vector<SourceStatus> status() const;

    /// Reads the operators' controls now (they are read every CONTROL_POLL anyway): a pause
    /// or a trigger takes effect at the source's next beat. Any thread. Throws store errors.
    void readControls();

    /// How often the controls are read, and how often each source's timer beats (at most):
    /// a trigger is obeyed within the two, well under a second.
    static constexpr Duration CONTROL_POLL = ControlWatcher::CONTROL_POLL;
    static constexpr Duration BEAT = PollTimer::BEAT;

    /// Empty while every source's timer keeps firing: each source is in a tick, or its timer
    /// beat less than a beat + `limit` ago. Otherwise names the first source whose timer stopped.
    /// A tick that runs long is not a stall: plugins bound their own requests (service-order's
    /// `poll_timeout`), and one slow source must not get the whole daemon restarted. For the
    /// systemd watchdog. Any thread.
    std::string stalled(Duration limit) const;

    /// The sources whose orders passed over for lack of a courier are asked about again before
    /// they are assigned, each with its `recheck_after` (for the assignment pipeline). Any
    /// thread.
    std::vector<std::pair<std::string, Duration>> waitingRechecks() const;

    /// The cursor of source `name`'s plugin at `time` (Source::cursorAt(): UnsupportedException
    /// when it has none). Throws Poco::NotFoundException for a source this scheduler does not
    /// run. Any thread.
    std::string cursorAt(const std::string& name, const Poco::Timestamp& time) const;

private:
    // One source and the parts that run it.
    struct Runner
    {
        Runner(SourceScheduler& scheduler, SourceCatalog::EntryPtr entry);

        SourceCatalog::EntryPtr entry;
        TickLog log;                         // touched by the tick only
        SourceLease lease;                   // touched by the beat only, but for polling()
        PollTimer timer;                     // thread-safe where it says so
        OperatorAsks asks;                   // thread-safe
        SourcePoll poll;                     // touched by the beat only
        std::optional<ReplayRunner> replays; // touched by the beat only
        std::optional<Rechecker> rechecker;  // touched by the beat only
        mutable std::mutex mutex;            // guards status
        SourceStatus status;
    };

    void beat(Runner& runner);
    void tick(Runner& runner);
    // One step of the source's running replay, between polls.
    void replayStep(Runner& runner);
    // The rechecks of the source's waiting orders and running deliveries, when their time has
    // come.
    void recheckStep(Runner& runner);
    // What the control watcher read, handed to each source.
    void apply(const ControlWatcher::Asks& asks);
    // The state GET /api/v1/sources shows; under the runner's mutex.
    static std::string stateOf(const Runner& runner);
    void startTimer(Runner& runner);
    std::vector<std::shared_ptr<Runner>> runners() const;

    PollStore& _store;
    std::function<void()> _wake;
    SourceMetrics _metrics;
    const std::atomic<bool>& _stopping;
    Poco::Logger& _logger;
    ReplayStore* _replays;
    RecheckRows* _rechecks;
    mutable std::mutex _runnersMutex; // guards _runners (the list; each runner guards itself)
    std::vector<std::shared_ptr<Runner>> _runners;
    std::unique_ptr<Poco::ThreadPool> _threads;
    LeaseKeeper _keeper;
    std::optional<ControlWatcher> _watcher;
    bool _started = false;
};

} // namespace courierd
