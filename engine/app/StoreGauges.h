#pragma once

#include "metrics/Registry.h"
#include "store/Database.h"

#include <Poco/Logger.h>
#include <Poco/Timer.h>

#include <memory>
#include <vector>

namespace courierd
{

/// The gauges that need the database — couriers by status, inbox rows by source and state —
/// refreshed on a timer of their own, so that a scrape never waits on the database and costs
/// it nothing; and the sessions of the pools (`courierd_db_connections`), read at each scrape.
/// A failed refresh keeps the last values and logs once until one succeeds.
class StoreGauges
{
public:
    /// Reads through `database`; counts the sessions of every pool in `pools`.
    StoreGauges(Database& database, std::vector<Database*> pools, metrics::Registry& registry,
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
    Poco::Logger& _logger;
    bool _failing = false;
    std::unique_ptr<Poco::Timer> _timer;
};

} // namespace courierd
