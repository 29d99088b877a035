#pragma once

#include "CourierAssigner.h"
#include "Database.h"
#include "EngineConfig.h"

#include <Poco/Logger.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace courierd
{

/// Workers that take pending inbox rows (oldest first, `FOR UPDATE SKIP LOCKED`, so any number
/// of workers and instances can share one inbox) and run the assignment use case: claim,
/// assign and mark the row `assigned` in one transaction. With no courier free the row stays
/// pending, untouched, and the workers wait for wake() (new capacity or new rows) or a
/// growing backoff; a real error counts an attempt, keeps the error and retries later, ending
/// `failed` after maxAttempts. Workers sleep when there is nothing to do: no busy polling.
class AssignmentPipeline
{
public:
    AssignmentPipeline(Database& database, CourierAssigner& assigner, PipelineConfig config,
                       Poco::Logger& logger);
    ~AssignmentPipeline();

    /// Starts the workers. Call once, from the main thread.
    void start();

    /// Something may be assignable now (rows were ingested, a courier became free). Any thread.
    void wake();

    /// Lets each worker finish the row it holds, then joins them. Idempotent.
    void stop();

    /// Rows assigned and failed since start (for logs and the admin API).
    long assigned() const { return _assigned; }
    long failed() const { return _failed; }
    /// Times a worker found a due row but no free courier.
    long waits() const { return _waits; }

private:
    enum class Step
    {
        Done,    ///< A row was settled (assigned, failed, or rescheduled after an error).
        Idle,    ///< No pending row is due.
        Starved, ///< A row is due but no courier is free.
    };

    void work();
    Step step();
    void recordFailure(const std::string& source, const std::string& recordId,
                       const std::string& error);
    std::chrono::milliseconds untilNextDue();
    // Waits until wake(), stop(), or `limit`; returns at once if a wake came since `seen`.
    void waitFor(std::chrono::milliseconds limit, unsigned long seen);

    Database& _database;
    CourierAssigner& _assigner;
    PipelineConfig _config;
    Poco::Logger& _logger;
    std::vector<std::thread> _threads;
    std::mutex _mutex;
    std::condition_variable _changed;
    unsigned long _generation = 0;
    bool _stopping = false;
    std::atomic<long> _assigned{0};
    std::atomic<long> _failed{0};
    std::atomic<long> _waits{0};
};

} // namespace courierd
