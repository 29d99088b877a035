#pragma once

#include "courierd/Source.h"
#include "sources/PollStore.h"
#include "sources/Replay.h"

#include <Poco/Logger.h>

#include <atomic>
#include <functional>
#include <string>

namespace courierd
{

/// Runs one source's replays, a step at a time, on the source's timer between polls, by the
/// instance holding its lease (the lease fences the rows). A step reads the replay's row
/// afresh (another instance may have moved it on, or an operator canceled it), fetches once
/// from the replay's cursor, and stores the records of its range with its progress; the
/// source's own cursor is never touched. The step after which the plugin has no more ends the
/// replay done; REPLAY_ATTEMPTS failed steps in a row end it failed.
class ReplayRunner
{
public:
    /// What a step leaves: the replay goes on, has ended (or was found ended: forget it), or
    /// the lease was lost (the new holder goes on from the replay's stored cursor).
    enum class Step
    {
        Goes,
        Ended,
        LeaseLost,
    };

    ReplayRunner(std::string name, Source& source, Duration maxClockSkew, PollStore& store,
                 ReplayRows& rows, std::function<void()> wake, const std::atomic<bool>& stopping,
                 Poco::Logger& logger);

    /// One step of replay `id` under `lease`. Never throws.
    Step step(Poco::Int64 id, const Lease& lease);

    static constexpr int REPLAY_ATTEMPTS = 3;

private:
    // A failed step: the replay ends failed after REPLAY_ATTEMPTS in a row.
    Step failed(const Replay& replay, const std::string& error);

    std::string _name;
    Source& _source;
    Duration _maxClockSkew;
    PollStore& _store;
    ReplayRows& _rows;
    std::function<void()> _wake;
    const std::atomic<bool>& _stopping;
    Poco::Logger& _logger;
    int _failures = 0; // failed steps in a row
};

} // namespace courierd
