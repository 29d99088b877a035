#pragma once

#include "courierd/Duration.h"
#include "store/Database.h"

#include <Poco/Logger.h>
#include <Poco/ThreadPool.h>
#include <Poco/Timer.h>

#include <atomic>
#include <functional>

namespace courierd
{

/// Every `interval`, makes available again every busy courier whose delivery deadline has
/// passed, in one statement, and folds the inbox count deltas (InboxCounts). Runs on a timer
/// thread of its own.
class DeliveryMonitor
{
public:
    /// Called after a run that freed at least one courier, with how many (on the timer thread).
    using FreedCallback = std::function<void(int)>;

    DeliveryMonitor(Database& database, Duration interval, Poco::Logger& logger);
    ~DeliveryMonitor();

    DeliveryMonitor(const DeliveryMonitor&) = delete;
    DeliveryMonitor& operator=(const DeliveryMonitor&) = delete;

    /// Starts the timer; the first run is immediate. Call once, from the main thread.
    void start(FreedCallback onFreed = {});

    /// Stops the timer and waits for a run in progress. Idempotent; not from the callback.
    void stop();

    /// Runs every `interval` from the next run on (a reload). Any thread.
    void setInterval(Duration interval);

    /// Frees expired couriers now, through `session` (so it can join a caller's transaction).
    /// Returns how many were freed. Throws Poco::Data exceptions.
    static int releaseExpired(Poco::Data::Session& session);

    /// Runs that failed (the database was unreachable, …) since start.
    long failures() const { return _failures; }

private:
    void onTimer(Poco::Timer& timer);

    Database& _database;
    Duration _interval;
    Poco::Logger& _logger;
    Poco::ThreadPool _threads;
    Poco::Timer _timer;
    FreedCallback _onFreed;
    std::atomic<long> _failures{0};
    bool _started = false;
};

} // namespace courierd
