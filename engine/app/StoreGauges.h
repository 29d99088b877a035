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
/// A failed refresh keeps the last values and logs once until one succeeds.
class StoreGauges
{
public:
    /// Reads through `database`; counts the sessions of every pool in `pools`; `sources` names
    /// the sources this instance runs.
    StoreGauges(Database& database, std::vector<Database*> pools,
                std::function<std::vector<std::string>()> sources, metrics::Registry& registry,
                Duration every);
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
    std::mutex _newestMutex;
    std::map<std::string, Poco::Timestamp> _newest;
    metrics::Registry::Collector _lagCollector;
    Poco::Logger& _logger;
    bool _failing = false;
    std::unique_ptr<Poco::Timer> _timer;
};

} // namespace courierd
