#pragma once

#include "config/EngineConfig.h"
#include "couriers/CourierAssigner.h"
#include "metrics/Registry.h"
#include "store/Database.h"

#include <Poco/Logger.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace courierd
{

/// Workers that take pending inbox rows, up to `batchSize` at a time (oldest first, `FOR UPDATE
/// SKIP LOCKED`, so any number of workers and instances can share one inbox), and assign them
/// as a set: claim, assign and mark the rows `assigned` in one transaction. Rows with no
/// courier free stay pending, stamped `passed_over_at` the first time, and the worker waits for
/// wake() (new capacity or new rows) or a growing backoff. A passed-over row of a source that
/// rechecks waiting orders (holdForRechecks()) is not claimed once it was fetched, or last
/// rechecked, longer ago than the source's `recheck_after`, until its source has been asked
/// about it again (the Rechecker), or for at most recheckHold() of it: the source is the truth
/// about an order that waited. A failed batch is retried one row at a time, so that a real
/// error counts an attempt against its own row only; that row keeps the error, is retried
/// later, and ends `failed` after maxAttempts. Workers sleep when there is nothing to do: no
/// busy polling.
class AssignmentPipeline
{
public:
    /// Its metrics (courierd_assignment*) go to `metrics`.
    AssignmentPipeline(Database& database, CourierAssigner& assigner, PipelineConfig config,
                       Poco::Logger& logger,
                       metrics::Registry& metrics = metrics::Registry::unused());
    ~AssignmentPipeline();

    /// A source whose waiting orders are asked about again after `after` (its recheck_after).
    struct RecheckHold
    {
        std::string source;
        Duration after{0};
    };
    using Holds = std::function<std::vector<RecheckHold>()>;

    /// The sources whose passed-over orders wait for their recheck, read at every claim (the
    /// scheduler's, which a reload changes). Thread-safe; none until called.
    void holdForRechecks(Holds holds);

    /// The longest a passed-over order waits for a recheck that does not come: its source's
    /// `after`, and at least 15 s (a beat or two of a busy source's timer, under load).
    static Duration recheckHold(Duration after);

    /// Starts the workers. Call once, from the main thread.
    void start();

    /// Something may be assignable now (rows were ingested, a courier became free). Any thread.
    void wake();

    /// Lets each worker finish the rows it holds, then joins them. Idempotent.
    void stop();

    /// A reload: batch size, attempts and idle poll apply from each worker's next step; more
    /// workers start at once, fewer stop after their current step (joined here). Main thread.
    void reconfigure(const PipelineConfig& config);

    /// Rows assigned and failed since start (for logs and the admin API).
    long assigned() const { return _assigned; }
    long failed() const { return _failed; }
    /// Times a worker found due rows but no free courier for some of them.
    long waits() const { return _waits; }

    /// Empty while every worker is waiting or has been at its current step for less than
    /// `limit`; otherwise says which worker has been busy how long (wedged on a lock, a hung
    /// connection). For the systemd watchdog. Any thread.
    std::string stalled(Duration limit) const;

private:
    enum class Step
    {
        Done,    ///< A row was settled (assigned, failed, or rescheduled after an error).
        Idle,    ///< No pending row is due.
        Starved, ///< A row is due but no courier is free.
    };

    struct Worker
    {
        std::thread thread;
        // When its current step began (µs since the epoch), 0 while it waits.
        std::atomic<Poco::Int64> busySince{0};
        bool retire = false; // guarded by _mutex
    };

    void work(Worker& me);
    void startWorker();
    PipelineConfig config() const;
    // `isolate`: this worker's count of rows still to take one at a time after a failed batch.
    Step step(int& isolate);
    // Logs a settled set: one line, and one per order at debug level.
    // `created`: each order's created_at (epoch µs), for the latency histogram.
    void report(const std::vector<OrderRef>& orders, const std::vector<AssignOutcome>& outcomes,
                const std::vector<Poco::Int64>& created);
    void recordFailure(const OrderRef& order, const std::string& error);
    std::chrono::milliseconds untilNextDue();
    // The holds as CLAIM's arrays: names, after_ms, hold_ms.
    struct HoldArrays
    {
        std::string names, afters, holds;
    };
    HoldArrays holdArrays() const;
    // Waits until wake(), stop(), or `limit`; returns at once if a wake came since `seen`.
    void waitFor(std::chrono::milliseconds limit, unsigned long seen);

    Database& _database;
    CourierAssigner& _assigner;
    mutable std::mutex _configMutex;
    PipelineConfig _config;
    Holds _holds; // guarded by _configMutex
    Poco::Logger& _logger;
    std::vector<std::unique_ptr<Worker>> _workers; // changed on the main thread only
    std::mutex _mutex;
    std::condition_variable _changed;
    unsigned long _generation = 0;
    bool _stopping = false;
    std::atomic<long> _assigned{0};
    std::atomic<long> _failed{0};
    std::atomic<long> _waits{0};
    metrics::Family<metrics::Counter>& _outcomes;
    metrics::Histogram& _latency;
};

} // namespace courierd
