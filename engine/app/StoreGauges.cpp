#include "app/StoreGauges.h"

#include "couriers/CourierRepository.h"
#include "sources/SourceStore.h"
#include "store/InboxCounts.h"

namespace courierd
{

StoreGauges::StoreGauges(Database& database, std::vector<Database*> pools,
                         std::function<std::vector<std::string>()> sources,
                         metrics::Registry& registry, Duration every)
    : _database(database)
    , _every(every)
    , _couriers(registry.gauge("courierd_couriers", "Couriers by status", {"status"}))
    , _inbox(registry.gauge("courierd_inbox_rows", "Inbox rows by source and state",
                            {"source", "state"}))
    , _sources(std::move(sources))
    , _lag(registry.gauge("courierd_source_lag_seconds",
                          "Now minus the newest created_at stored from each source (freshness)",
                          {"source"}))
    , _logger(Poco::Logger::get("courierd.metrics"))
{
    _lagCollector = registry.collect(
        [this]
        {
            std::map<std::string, Poco::Timestamp> newest;
            {
                std::lock_guard lock(_newestMutex);
                newest = _newest;
            }
            for (const auto& name : _sources())
                if (const auto it = newest.find(name); it != newest.end())
                    _lag.with({name}).set(static_cast<double>(it->second.elapsed()) / 1e6);
        });
    auto& connections = registry.gauge("courierd_db_connections",
                                       "Database sessions of this instance's pools by state: "
                                       "in_use, idle",
                                       {"state"});
    _connections = registry.collect(
        [pools, inUse = &connections.with({"in_use"}), idle = &connections.with({"idle"})]
        {
            double used = 0, free = 0;
            for (const Database* pool : pools)
            {
                const auto use = pool->poolUse();
                used += use.inUse;
                free += use.idle;
            }
            inUse->set(used);
            idle->set(free);
        });
}

StoreGauges::~StoreGauges()
{
    stop();
}

void StoreGauges::refresh()
{
    // Everything is read first, then published, the freshness before the counts: a scrape
    // between two publications never sees counts newer than the freshness beside them.
    const auto couriers = CourierRepository(_database).countByStatus();
    InboxCounts::Counts inbox;
    std::map<std::string, Poco::Timestamp> newest;
    {
        auto session = _database.session();
        inbox = InboxCounts::read(session);
        newest = SourceStore::newest(session);
    }
    {
        std::lock_guard lock(_newestMutex);
        _newest = std::move(newest);
    }
    for (const auto& [status, count] : couriers)
        _couriers.with({status}).set(static_cast<double>(count));
    for (const auto& [source, states] : inbox)
        for (const char* state : {"pending", "assigned", "skipped", "failed", "rejected"})
        {
            const auto it = states.find(state);
            _inbox.with({source, state})
                .set(it == states.end() ? 0 : static_cast<double>(it->second));
        }
}

void StoreGauges::onTimer(Poco::Timer&)
{
    try
    {
        refresh();
        if (_failing)
            _logger.information("store gauges: refreshed again");
        _failing = false;
    }
    catch (const Poco::Exception& e)
    {
        if (!_failing)
            _logger.warning("store gauges: cannot refresh (%s); they keep their last values",
                            _database.explain(e.displayText()));
        _failing = true;
    }
}

void StoreGauges::start()
{
    const long ms = static_cast<long>(_every.count());
    _timer = std::make_unique<Poco::Timer>(0, ms);
    _timer->start(Poco::TimerCallback<StoreGauges>(*this, &StoreGauges::onTimer));
}

void StoreGauges::stop()
{
    if (_timer)
        _timer->stop();
    _timer.reset();
}

} // namespace courierd
