#include "sources/InstanceHeartbeat.h"

#include "sources/Sql.h"

#include <Poco/Data/Session.h>

#include <algorithm>

namespace courierd
{

using namespace sql::sources;

using namespace Poco::Data::Keywords;

InstanceHeartbeat::InstanceHeartbeat(Database& database, std::string instanceId, Duration ttl,
                                     Poco::Logger& logger)
    : _database(database)
    , _instanceId(std::move(instanceId))
    , _ttl(ttl)
    , _every(std::max<Duration>(ttl / 3, Duration(100)))
    , _logger(logger)
    , _threads("heartbeat", 1, 1)
{
}

InstanceHeartbeat::~InstanceHeartbeat()
{
    if (_timer)
        _timer->stop();
}

void InstanceHeartbeat::write(const std::string& statement)
{
    std::string id = _instanceId;
    Poco::Int64 ttl = _ttl.count();
    std::string names;
    {
        std::lock_guard lock(_mutex);
        for (const auto& name : _sources)
            names += (names.empty() ? "" : ",") + name;
    }
    auto session = _database.session();
    session << statement, use(id), use(names), use(ttl), now;
}

void InstanceHeartbeat::start(const std::vector<std::string>& sources)
{
    {
        std::lock_guard lock(_mutex);
        _sources = sources;
    }
    try
    {
        write(REGISTER_INSTANCE);
        auto session = _database.session();
        session << PRUNE_INSTANCES, now;
    }
    catch (const Poco::Exception& e)
    {
        // Not a reason to stop: every beat writes the row (behind a pooler in transaction
        // mode, say, a statement fails by chance), and the instance polls nothing meanwhile
        // either, since its leases need the same database.
        std::lock_guard lock(_mutex);
        _logger.warning("instance heartbeat: cannot write this instance's row yet (every beat "
                        "tries again; until one does, a rename cannot see this instance): %s",
                        _database.explain(e.displayText()));
        _failing = true;
    }
    const long every = static_cast<long>(_every.count());
    _timer = std::make_unique<Poco::Timer>(every, every);
    _timer->start(Poco::TimerCallback<InstanceHeartbeat>(*this, &InstanceHeartbeat::onTimer),
                  _threads);
}

void InstanceHeartbeat::setSources(const std::vector<std::string>& sources)
{
    {
        std::lock_guard lock(_mutex);
        _sources = sources;
    }
    try
    {
        write(BEAT_INSTANCE);
    }
    catch (const Poco::Exception& e)
    {
        _logger.warning("instance heartbeat: cannot write the sources of this instance now (the "
                        "next beat tries again): %s",
                        _database.explain(e.displayText()));
    }
}

void InstanceHeartbeat::onTimer(Poco::Timer&)
{
    try
    {
        write(BEAT_INSTANCE);
        std::lock_guard lock(_mutex);
        if (_failing)
            _logger.information("instance heartbeat: beating again");
        _failing = false;
    }
    catch (const Poco::Exception& e)
    {
        std::lock_guard lock(_mutex);
        if (!_failing)
            _logger.warning("instance heartbeat: %s (logged once until it beats again)",
                            _database.explain(e.displayText()));
        _failing = true;
    }
}

void InstanceHeartbeat::stop()
{
    if (!_timer)
        return;
    _timer->stop();
    _timer.reset();
    try
    {
        std::string id = _instanceId;
        auto session = _database.session();
        session << REMOVE_INSTANCE, use(id), now;
    }
    catch (const Poco::Exception& e)
    {
        _logger.warning("instance heartbeat: cannot remove this instance's row (it is taken for "
                        "dead once its beat is older than daemon.lease_ttl): %s",
                        _database.explain(e.displayText()));
    }
}

} // namespace courierd
