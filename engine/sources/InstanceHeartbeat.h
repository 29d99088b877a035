#pragma once

#include "courierd/Duration.h"
#include "store/Database.h"

#include <Poco/Logger.h>
#include <Poco/ThreadPool.h>
#include <Poco/Timer.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace courierd
{

/// This instance's row in table `instances`: its id, the sources it has configured (paused
/// ones included) and its `daemon.lease_ttl`, written at start and beaten every third of that
/// TTL on a timer of its own, removed at a clean stop. An instance is alive while its beat is
/// younger than its own TTL; `courierd --rename-source` is refused while one that has either name
/// configured is (SourceStore::rename()). A lease shows only the sources polled right now; this row
/// shows what an instance may poll next. Thread-safe.
class InstanceHeartbeat
{
public:
    InstanceHeartbeat(Database& database, std::string instanceId, Duration ttl,
                      Poco::Logger& logger);
    ~InstanceHeartbeat();

    InstanceHeartbeat(const InstanceHeartbeat&) = delete;
    InstanceHeartbeat& operator=(const InstanceHeartbeat&) = delete;

    /// Writes the row with `sources` (a new started_at) and starts the timer. Call before the
    /// sources' timers start, so that no source is polled before its row says so. A failed
    /// write is logged, never thrown: every beat writes the row again.
    void start(const std::vector<std::string>& sources);

    /// The sources configured now (a reload): written at once, and by every beat after. A
    /// failed write is logged; the next beat writes them again. Call with the sources before
    /// and after a reload while it adds any, so that no poll ever runs outside the row.
    void setSources(const std::vector<std::string>& sources);

    /// Stops the timer and removes the row; a failure is logged (the row then dies with its
    /// beat). Idempotent.
    void stop();

private:
    void onTimer(Poco::Timer&);
    void write(const std::string& statement);

    Database& _database;
    const std::string _instanceId;
    const Duration _ttl;
    const Duration _every;
    Poco::Logger& _logger;
    std::mutex _mutex; // guards _sources and _failing
    std::vector<std::string> _sources;
    bool _failing = false;
    Poco::ThreadPool _threads;
    std::unique_ptr<Poco::Timer> _timer;
};

} // namespace courierd
