#pragma once

#include <Poco/Timestamp.h>
#include <Poco/Types.h>

#include <optional>
#include <string>

namespace courierd
{

/// A replay of a time range of one source (a row of `replays`).
struct Replay
{
    Poco::Int64 id = 0;
    std::string source;
    Poco::Timestamp from{0};
    Poco::Timestamp to{0};
    std::string state; ///< running, done, failed, canceled
    std::string cursor;
    Poco::Int64 recordsRead = 0; ///< Records in the range the source sent.
    Poco::Int64 recordsNew = 0;  ///< Of those, not in the inbox before: ingested.
    std::optional<std::string> error;
    std::optional<std::string> holder; ///< The instance that ran its last step.
    Poco::Timestamp createdAt{0};
    Poco::Timestamp updatedAt{0};
    std::optional<Poco::Timestamp> finishedAt;
};

/// What a replay's runner (ReplayRunner) asks of the replays' rows: ReplayStore over
/// PostgreSQL, one in memory in the runner's unit tests. Thread-safe.
class ReplayRows
{
public:
    virtual ~ReplayRows() = default;
    /// Replay `id` of `source` as stored now; nothing for an unknown id.
    virtual std::optional<Replay> get(const std::string& source, Poco::Int64 id) = 0;
    /// Ends a running replay `done` or `failed` (with `error`).
    virtual void end(Poco::Int64 id, const std::string& state, const std::string& error) = 0;
};

} // namespace courierd
