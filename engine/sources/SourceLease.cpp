#include "sources/SourceLease.h"

#include <Poco/Exception.h>

#include <utility>

namespace courierd
{

SourceLease::SourceLease(PollStore& store, std::string source, Poco::Logger& logger)
    : _store(store)
    , _source(std::move(source))
    , _logger(logger)
{
}

bool SourceLease::take()
{
    _lease = _store.acquire(_source);
    return _lease.has_value();
}

void SourceLease::release()
{
    if (!_lease)
        return;
    try
    {
        _store.release(*_lease);
    }
    catch (const Poco::Exception& e)
    {
        _logger.warning("source %s: could not give the lease up: %s", _source, e.displayText());
    }
    _lease.reset();
}

std::optional<std::pair<std::string, Poco::Timestamp>> SourceLease::holder()
{
    return _store.holder(_source);
}

const std::string& SourceLease::cursor()
{
    if (_cursorTerm != _lease->term)
    {
        _cursorTerm = 0;
        _cursor = _store.cursor(_source);
        _cursorTerm = _lease->term;
    }
    return _cursor;
}

void SourceLease::stored(std::string cursor)
{
    _cursor = std::move(cursor);
    _cursorTerm = _lease->term;
}

SourceLease::Polling::Polling(SourceLease& lease)
    : _lease(lease)
{
    std::lock_guard lock(_lease._mutex);
    _lease._polling = _lease._lease;
}

SourceLease::Polling::~Polling()
{
    std::lock_guard lock(_lease._mutex);
    _lease._polling.reset();
}

std::optional<Lease> SourceLease::polling() const
{
    std::lock_guard lock(_mutex);
    return _polling;
}

} // namespace courierd
