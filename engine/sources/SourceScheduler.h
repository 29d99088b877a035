#pragma once

#include "metrics/Registry.h"
#include "sources/Ingestor.h"
#include "sources/ReplayStore.h"
#include "sources/SourceCatalog.h"
#include "sources/SourceControls.h"
#include "sources/SourceMetrics.h"
#include "sources/SourceStatus.h"
#include "sources/TickLog.h"

#include <Poco/Logger.h>
#include <Poco/ThreadPool.h>
#include <Poco/Timer.h>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

namespace courierd
{

/// One Poco::Timer per source, on a thread pool of the scheduler's own, beating every BEAT (or
/// its interval, if shorter); a beat polls when the source is due. The first poll runs at
/// start, then one every interval; while polls fail, the wait doubles with each failure
/// (interval x 2^n) up to `max_backoff`, and a success goes back to the interval. A paused
/// source is not polled (its pending orders are still assigned); a trigger polls it at the
/// next beat, whatever the wait. A source's ticks never overlap, and a slow tick delays the
/// next one. A tick: take or renew the lease → read the cursor → fetch (more pages while the plugin
/// says more is ready) → ingest each batch in one fenced transaction → wake the pipeline.
/// While a tick runs, a keeper renews its lease every third of the TTL, so a tick longer than
/// the TTL still stores its cursor; a holder that stalls (SIGSTOP, a frozen VM) stops renewing
/// and loses the lease as before.
///
/// The log says what changed, not every tick (TickLog).
class SourceScheduler
{
public:
    /// `wake` is called after an ingest that stored rows. `stopping` is the daemon's flag.
    /// Its metrics (courierd_source_*) go to `metrics`. With `controls`, operators' pause,
    /// resume and trigger (SourceControls) are obeyed; without, every source runs. With
    /// `replays`, the running replays of the sources whose lease this instance holds are read
    /// between polls (runReplayStep()).
    SourceScheduler(SourceCatalog& sources, Ingestor& ingestor, std::function<void()> wake,
                    const std::atomic<bool>& stopping,
                    metrics::Registry& metrics = metrics::Registry::unused(),
                    SourceControls* controls = nullptr, ReplayStore* replays = nullptr);
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
    static constexpr Duration CONTROL_POLL{500};
    static constexpr Duration BEAT{200};

    /// Empty while every source's timer keeps firing: each source is in a tick, or its timer
    /// beat less than a beat + `limit` ago. Otherwise names the first source whose timer stopped.
    /// A tick that runs long is not a stall: plugins bound their own requests (service-order's
    /// `poll_timeout`), and one slow source must not get the whole daemon restarted. For the
    /// systemd watchdog. Any thread.
    std::string stalled(Duration limit) const;

    /// The cursor of source `name`'s plugin at `time` (Source::cursorAt(): UnsupportedException
    /// when it has none). Throws Poco::NotFoundException for a source this scheduler does not
    /// run. Any thread.
    std::string cursorAt(const std::string& name, const Poco::Timestamp& time) const;

private:
    struct Runner
    {
        Runner(SourceScheduler* scheduler, SourceCatalog::EntryPtr entry, Poco::Logger& logger)
            : scheduler(scheduler)
            , entry(std::move(entry))
            , log(this->entry->name, logger)
        {
        }

        void onTimer(Poco::Timer&) { scheduler->beat(*this); }

        SourceScheduler* scheduler = nullptr;
        SourceCatalog::EntryPtr entry;
        // What the ticks say in the log, and their failures in a row; touched by the tick only.
        TickLog log;
        std::unique_ptr<Poco::Timer> timer;
        std::optional<Lease> lease;   // touched by the tick only
        std::optional<Lease> polling; // the lease of a tick in progress, for the keeper
        // The cursor this instance stored last, under lease term `cursorTerm`: while the term
        // is unchanged nobody else can have stored one, so the tick need not read it back.
        std::string cursor;
        Poco::Int64 cursorTerm = 0;
        mutable std::mutex mutex; // guards status, polling, ticking, beatAt and the controls
        SourceStatus status;
        bool ticking = false;
        Poco::Timestamp beatAt; // when its timer last fired (or started)
        // What operators asked (read by readControls()): paused; the last trigger (epoch µs).
        // The trigger obeyed (or dropped, while paused) last; whether it was resumed since
        // the last beat.
        bool paused = false;
        Poco::Int64 trigger = 0;
        Poco::Int64 triggerSeen = 0;
        bool resumed = false;
        bool controlsRead = false;
        // The running replay of this source (read with the controls; a step reads its row
        // again), if any; its failed steps in a row are touched by the beat only.
        std::optional<Replay> replay;
        int replayFailures = 0;
        // Touched by the beat only: when the next poll is due (the interval after a poll,
        // longer while polls fail).
        Poco::Timestamp nextDue{0};
    };

    void beat(Runner& runner);
    // One step of the source's running replay, on its timer thread between polls: one fetch
    // on the replay's cursor, the records of its range stored with its progress.
    void replayStep(Runner& runner);
    void tick(Runner& runner);
    // readControls(), a failure logged once until it reads again.
    void readControlsLogged();
    void onControlTimer(Poco::Timer&);
    // The state GET /api/v1/sources shows; under the runner's mutex.
    static std::string stateOf(const Runner& runner);
    void poll(Runner& runner, IngestResult& total);
    void renewLeases(Poco::Timer&);
    std::shared_ptr<Runner> runnerFor(const SourceCatalog::EntryPtr& entry);
    void startTimer(Runner& runner);
    void release(Runner& runner);
    std::vector<std::shared_ptr<Runner>> runners() const;

    Ingestor& _ingestor;
    std::function<void()> _wake;
    SourceMetrics _metrics;
    const std::atomic<bool>& _stopping;
    Poco::Logger& _logger;
    mutable std::mutex _runnersMutex; // guards _runners (the list; each runner guards itself)
    std::vector<std::shared_ptr<Runner>> _runners;
    std::unique_ptr<Poco::ThreadPool> _threads;
    std::unique_ptr<Poco::Timer> _keeper;
    std::unique_ptr<Poco::Timer> _controlTimer;
    SourceControls* _controls;
    ReplayStore* _replays;
    bool _controlsFailing = false; // touched by the control timer only
    bool _started = false;
};

} // namespace courierd
