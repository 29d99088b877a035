#pragma once

#include "config/EngineConfig.h"
#include "metrics/Registry.h"
#include "store/Database.h"

#include <Poco/Logger.h>
#include <Poco/ThreadPool.h>
#include <Poco/Timer.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>

namespace courierd
{

/// Deletes finished rows older than `retention.inbox`, `retention.deliveries`,
/// `retention.replays` (finished replays) and `retention.cursor_history`, in batches
/// of BATCH rows, each its own short transaction (no long lock, no table rewrite), on a timer
/// of its own. One instance sweeps at a time (a transaction-level advisory lock per batch);
/// the others skip that round. Each source's horizon (the newest created_at deleted) is kept
/// in `source_retention`: the ingest stores an order created at or before it as skipped, so
/// retention can never make an order be assigned twice, and operators' moves into that range
/// are refused (CursorStore::retentionHorizon()). Counts `courierd_retention_deleted_total{table}`.
class Retention
{
public:
    static constexpr int BATCH = 1000;
    /// The most batches of each table one sweep deletes; the rest waits for the next sweep.
    static constexpr int MAX_BATCHES = 100;

    struct Swept
    {
        Poco::Int64 inbox = 0;
        Poco::Int64 deliveries = 0;
        Poco::Int64 replays = 0;
        Poco::Int64 cursorHistory = 0;
        bool skipped = false; ///< Another instance was sweeping.
    };

    Retention(Database& database, RetentionConfig config, Poco::Logger& logger,
              metrics::Registry& metrics = metrics::Registry::unused());
    ~Retention();

    void start();
    void stop();
    /// New limits and interval (a reload). Any thread.
    void setConfig(const RetentionConfig& config);

    /// One sweep now, on the caller's thread. Throws StoreException or Poco::Data exceptions.
    Swept sweep();

private:
    void onTimer(Poco::Timer&);
    // One batch of `statement`: rows deleted, or nothing when another instance holds the lock.
    std::optional<int> batch(const std::string& statement, Duration age);

    Database& _database;
    Poco::Logger& _logger;
    metrics::Family<metrics::Counter>& _deleted;
    mutable std::mutex _mutex; // guards _config
    RetentionConfig _config;
    Poco::ThreadPool _threads;
    std::unique_ptr<Poco::Timer> _timer;
    bool _failing = false;              // touched by the timer only
    std::atomic<bool> _stopping{false}; // a sweep in progress ends after its batch
};

} // namespace courierd
