#pragma once

#include "courierd/Duration.h"
#include "util/Clock.h"

#include <Poco/Logger.h>
#include <Poco/Message.h>
#include <Poco/Timestamp.h>

#include <optional>
#include <string>
#include <utility>

namespace courierd
{

/// What one source's ticks say in the log: what changed, not every tick. A failure is logged
/// when it starts or its message changes, then again every REPEAT_FAILURE_LOG while it lasts
/// (on `clock`), and its end once; a standby is logged when it starts or the holder changes,
/// and the end of a standby once. It also counts the failed ticks in a row, which the source's
/// backoff and status read: a failure with a new message counts from 1 again. Used by the
/// source's tick only (one thread at a time), not thread-safe.
class TickLog
{
public:
    TickLog(std::string source, Poco::Logger& logger, const Clock& clock = Clock::system());

    /// A tick that polled: `error` empty when it succeeded, else what failed, logged at
    /// `priority`.
    void polled(const std::string& error,
                Poco::Message::Priority priority = Poco::Message::PRIO_ERROR);

    /// Another instance holds the lease: `holder` is it and until when, when known.
    void standby(const std::optional<std::pair<std::string, Poco::Timestamp>>& holder);

    /// This instance holds the lease (at the start of each tick that polls).
    void leaseTaken();

    /// Failed ticks in a row (since the message last changed).
    int failures() const { return _failures; }

    static constexpr Duration REPEAT_FAILURE_LOG = std::chrono::minutes(5);

private:
    std::string _source;
    Poco::Logger& _logger;
    const Clock& _clock;
    std::string _standbyHolder;
    std::string _failing;
    int _failures = 0;
    Poco::Timestamp _failingSince;
    Poco::Timestamp _failureLogged;
};

} // namespace courierd
