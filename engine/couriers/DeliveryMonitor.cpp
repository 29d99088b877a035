#include "couriers/DeliveryMonitor.h"

#include "couriers/Sql.h"
#include "store/InboxCounts.h"

#include <Poco/Data/Session.h>

namespace courierd
{

using namespace sql::couriers;

using namespace Poco::Data::Keywords;

DeliveryMonitor::DeliveryMonitor(Database& database, Duration interval, Poco::Logger& logger)
    : _database(database)
    , _interval(interval)
    , _logger(logger)
    , _threads("delivery-monitor", 1, 1)
    , _timer(0, interval.count())
{
}

DeliveryMonitor::~DeliveryMonitor()
{
    stop();
}

void DeliveryMonitor::start(FreedCallback onFreed)
{
    _onFreed = std::move(onFreed);
    _started = true;
    _timer.start(Poco::TimerCallback<DeliveryMonitor>(*this, &DeliveryMonitor::onTimer), _threads);
}

void DeliveryMonitor::setInterval(Duration interval)
{
    _timer.setPeriodicInterval(static_cast<long>(interval.count()));
}

void DeliveryMonitor::stop()
{
    if (_started)
    {
        _timer.stop();
        _started = false;
    }
}

int DeliveryMonitor::releaseExpired(Poco::Data::Session& session)
{
    Poco::Data::Statement release(session);
    release << RELEASE;
    return static_cast<int>(release.execute());
}

void DeliveryMonitor::onTimer(Poco::Timer&)
{
    try
    {
        auto session = _database.session();
        InboxCounts::fold(session);
        const int freed = releaseExpired(session);
        if (freed > 0)
        {
            _logger.information("delivery monitor: %d courier(s) available again", freed);
            if (_onFreed)
                _onFreed(freed);
        }
    }
    catch (const Poco::Exception& e)
    {
        ++_failures;
        _logger.error("delivery monitor: %s", _database.explain(e.displayText()));
    }
    catch (const std::exception& e)
    {
        ++_failures;
        _logger.error("delivery monitor: %s", std::string(e.what()));
    }
}

} // namespace courierd
