#pragma once

#include "courierd/Source.h"
#include "sources/RecheckRows.h"
#include "sources/SourceMetrics.h"
#include "util/Clock.h"

#include <Poco/Logger.h>

#include <cstddef>
#include <string>

namespace courierd
{

/// Asks one source again, every `interval`, about at most `batch` of its running deliveries,
/// the longest-unchecked first (Source::recheck()), and ends those whose order the source
/// calls canceled or gone: their couriers are available at once. A canceled order's courier
/// therefore comes back within ceil(running deliveries / batch) x interval plus a beat. Runs
/// on the source's timer thread between polls, by the instance holding the source's lease, and
/// not while an operator has paused the source (the scheduler sees to all three). The answer is
/// outside input: an answer for an order not asked, a second one for an order, or none at all
/// changes nothing but the counts and one log line. Not thread-safe: one source's beat.
class Rechecker
{
public:
    /// `interval` 0 turns it off, as does a plugin whose rechecks() says false.
    Rechecker(std::string name, Source& source, Duration interval, std::size_t batch,
              RecheckRows& rows, SourceMetrics& metrics, Poco::Logger& logger,
              const Clock& clock = Clock::system());

    /// Asks when an interval has passed since the last time; never throws. True when it asked.
    bool step();

    /// Whether it asks at all.
    bool enabled() const { return _enabled; }

private:
    // One batch: ask, then apply what the source said.
    void recheck();

    std::string _name;
    Source& _source;
    Duration _interval;
    std::size_t _batch;
    RecheckRows& _rows;
    SourceMetrics& _metrics;
    Poco::Logger& _logger;
    const Clock& _clock;
    bool _enabled;
    Poco::Timestamp _next; // when the next batch is due
    bool _failing = false; // the last batch failed: said once until one succeeds
};

} // namespace courierd
