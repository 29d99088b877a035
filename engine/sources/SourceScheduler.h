#pragma once

#include "metrics/Registry.h"
#include "sources/Ingestor.h"
#include "sources/SourceCatalog.h"
#include "sources/SourceStatus.h"

#include <Poco/Logger.h>
#include <Poco/Message.h>
#include <Poco/ThreadPool.h>
#include <Poco/Timer.h>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

namespace courierd
{

/// One Poco::Timer per source at its interval, on a thread pool of the scheduler's own. The
/// first tick runs at start; a source's ticks never overlap, and a slow tick delays the next
/// one. A tick: take or renew the lease → read the cursor → fetch (more pages while the plugin
/// says more is ready) → ingest each batch in one fenced transaction → wake the pipeline.
/// While a tick runs, a keeper renews its lease every third of the TTL, so a tick longer than
/// the TTL still stores its cursor; a holder that stalls (SIGSTOP, a frozen VM) stops renewing
/// and loses the lease as before.
///
/// The log says what changed, not every tick: a failure is logged when it starts or its message
/// changes, then again every REPEAT_FAILURE_LOG while it lasts, and its end once; a standby is
/// logged when it starts or the holder changes.
class SourceScheduler
{
public:
    /// `wake` is called after an ingest that stored rows. `stopping` is the daemon's flag.
    /// Its metrics (courierd_source_*) go to `metrics`.
    SourceScheduler(SourceCatalog& sources, Ingestor& ingestor, std::function<void()> wake,
                    const std::atomic<bool>& stopping,
                    metrics::Registry& metrics = metrics::Registry::unused());
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

    /// Empty while every source's timer keeps firing: each source is in a tick, or ticked less
    /// than its interval + `limit` ago. Otherwise names the first source whose timer stopped.
    /// A tick that runs long is not a stall: plugins bound their own requests (service-order's
    /// `poll_timeout`), and one slow source must not get the whole daemon restarted. For the
    /// systemd watchdog. Any thread.
    std::string stalled(Duration limit) const;

private:
    struct Runner
    {
        void onTimer(Poco::Timer&) { scheduler->tick(*this); }

        SourceScheduler* scheduler = nullptr;
        SourceCatalog::EntryPtr entry;
        std::unique_ptr<Poco::Timer> timer;
        std::optional<Lease> lease;   // touched by the tick only
        std::optional<Lease> polling; // the lease of a tick in progress, for the keeper
        // The cursor this instance stored last, under lease term `cursorTerm`: while the term
        // is unchanged nobody else can have stored one, so the tick need not read it back.
        std::string cursor;
        Poco::Int64 cursorTerm = 0;
        mutable std::mutex mutex; // guards status, polling and ticking
        SourceStatus status;
        bool ticking = false;
        Poco::Timestamp since; // when its timer started: stalled() counts from here at first
        // Touched by the tick only: what the log last said, so that a source failing the same
        // way every tick, or waiting on another instance, says so once rather than every tick.
        std::string standbyHolder;
        std::string failing;
        int failures = 0;
        Poco::Timestamp failingSince;
        Poco::Timestamp failureLogged;
    };

    void tick(Runner& runner);
    void standby(Runner& runner);
    void report(Runner& runner, const std::string& error, Poco::Message::Priority priority);
    void poll(Runner& runner, IngestResult& total);
    void renewLeases(Poco::Timer&);
    std::shared_ptr<Runner> runnerFor(const SourceCatalog::EntryPtr& entry);
    void startTimer(Runner& runner);
    void release(Runner& runner);
    std::vector<std::shared_ptr<Runner>> runners() const;

    void count(Runner& runner, const std::string& outcome, const IngestResult& total,
               double seconds);

    Ingestor& _ingestor;
    std::function<void()> _wake;
    metrics::Family<metrics::Counter>& _polls;
    metrics::Family<metrics::Histogram>& _pollSeconds;
    metrics::Family<metrics::Counter>& _records;
    metrics::Family<metrics::Gauge>& _lastSuccess;
    metrics::Family<metrics::Gauge>& _leaseHeld;
    const std::atomic<bool>& _stopping;
    Poco::Logger& _logger;
    mutable std::mutex _runnersMutex; // guards _runners (the list; each runner guards itself)
    std::vector<std::shared_ptr<Runner>> _runners;
    std::unique_ptr<Poco::ThreadPool> _threads;
    std::unique_ptr<Poco::Timer> _keeper;
    bool _started = false;
};

} // namespace courierd
