#pragma once

#include "store/Database.h"

#include <Poco/Timestamp.h>

#include <optional>
#include <string>
#include <vector>

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

/// The replays' rows: started and canceled by operators (any instance), run by the instance
/// holding the source's lease (SourceScheduler). Thread-safe; store errors throw
/// StoreException or Poco::Data exceptions.
class ReplayStore
{
public:
    explicit ReplayStore(Database& database);

    /// A running replay of [from, to] starting at `cursor`; nothing when `source` has a
    /// running replay already.
    std::optional<Replay> start(const std::string& source, Poco::Timestamp from, Poco::Timestamp to,
                                const std::string& cursor, const std::string& remote);
    std::optional<Replay> get(const std::string& source, Poco::Int64 id);
    /// Cancels it if it runs; the replay as it is now (nothing for an unknown id).
    std::optional<Replay> cancel(const std::string& source, Poco::Int64 id);
    /// Every running replay.
    std::vector<Replay> running();
    /// Ends a running replay `done` or `failed` (with `error`).
    void end(Poco::Int64 id, const std::string& state, const std::string& error);

private:
    Database& _database;
};

} // namespace courierd
