#include "sources/LeaseKeeper.h"

#include <Poco/Exception.h>

#include <algorithm>
#include <utility>

namespace courierd
{

LeaseKeeper::LeaseKeeper(PollStore& store, std::function<std::vector<Lease>()> polling,
                         Poco::Logger& logger)
    : _store(store)
    , _polling(std::move(polling))
    , _logger(logger)
{
}

LeaseKeeper::~LeaseKeeper()
{
    stop();
}

Duration LeaseKeeper::period() const
{
    return std::max(Duration(10), _store.ttl() / 3);
}

void LeaseKeeper::start(Poco::ThreadPool& threads)
{
    const long every = period().count();
    _timer = std::make_unique<Poco::Timer>(every, every);
    _timer->start(Poco::TimerCallback<LeaseKeeper>(*this, &LeaseKeeper::onTimer), threads);
}

void LeaseKeeper::stop()
{
    if (_timer)
        _timer->stop();
}

void LeaseKeeper::renewAll()
{
    for (const Lease& lease : _polling())
    {
        try
        {
            if (!_store.renew(lease))
                _logger.warning("source %s: lease term %Ld expired while polling; the poll will "
                                "store nothing and step down",
                                lease.source, lease.term);
        }
        catch (const Poco::Exception& e)
        {
            _logger.warning("source %s: could not renew the lease: %s", lease.source,
                            e.displayText());
        }
    }
}

} // namespace courierd
