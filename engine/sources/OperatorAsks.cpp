#include "sources/OperatorAsks.h"

#include <algorithm>
#include <utility>

namespace courierd
{

bool OperatorAsks::read(const Asked& asked)
{
    std::lock_guard lock(_mutex);
    if (!_read)
        _triggerSeen = asked.trigger; // a trigger from before this start is done
    _read = true;
    const bool changed = asked.paused != _paused;
    // A resumed source polls at once; a trigger while paused is dropped.
    _resumed = _resumed || (_paused && !asked.paused);
    if (asked.paused)
        _triggerSeen = asked.trigger;
    _paused = asked.paused;
    _trigger = asked.trigger;
    _replay = asked.replay;
    return changed;
}

OperatorAsks::Now OperatorAsks::take()
{
    std::lock_guard lock(_mutex);
    Now now;
    now.paused = _paused;
    now.triggered = _trigger > _triggerSeen;
    _triggerSeen = std::max(_triggerSeen, _trigger);
    now.resumed = std::exchange(_resumed, false);
    return now;
}

bool OperatorAsks::paused() const
{
    std::lock_guard lock(_mutex);
    return _paused;
}

std::optional<Replay> OperatorAsks::replay() const
{
    std::lock_guard lock(_mutex);
    return _replay;
}

void OperatorAsks::replayEnded()
{
    std::lock_guard lock(_mutex);
    _replay.reset();
}

} // namespace courierd
