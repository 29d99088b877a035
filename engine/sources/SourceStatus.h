#pragma once

#include "courierd/Duration.h"

#include <Poco/Timestamp.h>

#include <optional>
#include <string>

namespace courierd
{

/// What an operator wants to know about one source (GET /api/v1/sources).
struct SourceStatus
{
    std::string name;
    std::string plugin;
    std::string pluginVersion;
    Duration interval{0};
    /// `running`; `paused` (by an operator); `backing_off` (polls failing, waiting longer);
    /// `standby` (another instance holds the lease).
    std::string state = "running";
    int failures = 0;                          ///< Consecutive failed polls.
    std::optional<Poco::Timestamp> nextPollAt; ///< While backing off: the next attempt.
    bool leaseHeld = false;
    std::optional<Poco::Timestamp> lastTickAt;
    std::optional<Poco::Timestamp> lastSuccessAt; ///< The last tick that polled without error.
    std::string lastOutcome; ///< `ok`, `error`, `standby` (another instance holds the lease)
    std::string lastError;
    long ticks = 0;
    long records = 0; ///< New inbox rows stored by this process.
    long rejects = 0;
};

} // namespace courierd
