#include "app/StoreGauges.h"

#include "couriers/CourierRepository.h"
#include "sources/SourceStore.h"
#include "store/InboxCounts.h"

#include <utility>

namespace courierd
{

StoreGauges::StoreGauges(Database& database, std::function<std::vector<std::string>()> sources,
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
    _publisher = registry.collect(
        [this]
        {
            std::lock_guard lock(_readMutex);
            for (const auto& [status, count] : _read.couriers)
                _couriers.with({status}).set(static_cast<double>(count));
            for (const auto& [source, states] : _read.inbox)
                for (const char* state : {"pending", "assigned", "skipped", "failed", "rejected"})
                {
                    const auto it = states.find(state);
                    _inbox.with({source, state})
                        .set(it == states.end() ? 0 : static_cast<double>(it->second));
                }
            for (const auto& name : _sources())
                if (const auto it = _read.newest.find(name); it != _read.newest.end())
                    _lag.with({name}).set(static_cast<double>(it->second.elapsed()) / 1e6);
        });
    auto& connections = registry.gauge("courierd_db_connections",
                                       "Database sessions of this instance's pools by state: "
                                       "in_use, idle",
                                       {"state"});
    _connections = registry.collect(
        [&database, inUse = &connections.with({"in_use"}), idle = &connections.with({"idle"})]
        {
            const auto use = database.poolUse();
            inUse->set(use.inUse);
            idle->set(use.idle);
        });
}

StoreGauges::~StoreGauges()
{
    stop();
}

void StoreGauges::refresh()
{
    Read read;
    read.couriers = CourierRepository(_database).countByStatus();
    {
        auto session = _database.session();
        read.inbox = InboxCounts::read(session);
        read.newest = SourceStore::newest(session);
    }
    std::lock_guard lock(_readMutex);
    _read = std::move(read);
}

void StoreGauges::onTimer(Poco::Timer&)
{
    _database.reserveThisThread(); // the timer's own thread, which does nothing else
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
