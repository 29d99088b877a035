#pragma once

#include "metrics/Registry.h"
#include "store/Database.h"

#include <Poco/Logger.h>
#include <Poco/Timer.h>

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

namespace courierd
{

/// The gauges that need the database — couriers by status, inbox rows by source and state, the
/// newest record stored of each source — refreshed on a timer of their own, so that a scrape
/// never waits on the database and costs it nothing; at each scrape, the freshness lag of the
/// sources this instance runs (now − their newest created_at) and the sessions of the pools.
/// A refresh only keeps what it read; each scrape publishes the last one whole, counts and
/// freshness together, so that no scrape sees counts newer than the freshness beside them. A
/// failed refresh keeps the last values and logs once until one succeeds.
class StoreGauges
{
public:
    /// Reads through `database`, on its reserved sessions (as the admin's requests do, so that
    /// the refresh never takes a worker's), and counts all its sessions; `sources` names the
    /// sources this instance runs.
    StoreGauges(Database& database, std::function<std::vector<std::string>()> sources,
                metrics::Registry& registry, Duration every);
    ~StoreGauges();

    void start();
    void stop();

    /// Reads the store now. Throws what the store throws.
    void refresh();

    /// How often start() refreshes unless told otherwise.
    static constexpr Duration DEFAULT_EVERY{5000};

private:
    void onTimer(Poco::Timer&);

    Database& _database;
    Duration _every;
    metrics::Family<metrics::Gauge>& _couriers;
    metrics::Family<metrics::Gauge>& _inbox;
    metrics::Registry::Collector _connections;
    std::function<std::vector<std::string>()> _sources;
    metrics::Family<metrics::Gauge>& _lag;
    // What the last refresh read, published at each scrape.
    struct Read
    {
        std::map<std::string, Poco::Int64> couriers;
        std::map<std::string, std::map<std::string, Poco::Int64>> inbox;
        std::map<std::string, Poco::Timestamp> newest;
    };
    std::mutex _readMutex;
    Read _read;
    metrics::Registry::Collector _publisher;
    Poco::Logger& _logger;
    bool _failing = false;
    std::unique_ptr<Poco::Timer> _timer;
};

} // namespace courierd
