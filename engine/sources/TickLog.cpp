#include "sources/TickLog.h"

#include "courierd/Rfc3339.h"
#include "courierd/Utf8.h"

namespace courierd
{

TickLog::TickLog(std::string source, Poco::Logger& logger, const Clock& clock)
    : _source(std::move(source))
    , _logger(logger)
    , _clock(clock)
{
}

void TickLog::polled(const std::string& error, Poco::Message::Priority priority)
{
    const Poco::Timestamp now = _clock.now();
    if (error.empty())
    {
        if (_failures > 0)
            _logger.information("source %s: polled again after %d failed tick(s) since %s", _source,
                                _failures, formatRfc3339(_failingSince));
        _failures = 0;
        _failing.clear();
        return;
    }
    if (_failures == 0 || error != _failing)
    {
        _logger.log(Poco::Message(_logger.name(),
                                  "source " + _source + ": tick failed: " + error +
                                      " (the same failure again is logged every " +
                                      formatDuration(REPEAT_FAILURE_LOG) + ")",
                                  priority));
        _failing = error;
        _failures = 1;
        _failingSince = now;
        _failureLogged = now;
        return;
    }
    ++_failures;
    if (now - _failureLogged >= REPEAT_FAILURE_LOG.count() * 1000)
    {
        _logger.log(Poco::Message(_logger.name(),
                                  "source " + _source + ": still failing, " +
                                      std::to_string(_failures) + " tick(s) since " +
                                      formatRfc3339(_failingSince) + ": " + error,
                                  priority));
        _failureLogged = now;
    }
    else
        _logger.debug("source %s: tick failed again: %s", _source, error);
}

void TickLog::standby(const std::optional<std::pair<std::string, Poco::Timestamp>>& holder)
{
    if (!holder || holder->first == _standbyHolder)
        return;
    _standbyHolder = holder->first;
    _logger.information("source %s: standby: instance %s holds its lease (until %s, renewed while "
                        "it polls); this instance takes over if it lapses",
                        _source, clipped(holder->first), formatRfc3339(holder->second));
}

void TickLog::leaseTaken()
{
    if (!_standbyHolder.empty())
        _logger.information("source %s: this instance polls it now (was %s)", _source,
                            _standbyHolder);
    _standbyHolder.clear();
}

} // namespace courierd
