#pragma once

#include "sources/Replay.h"
#include "store/Database.h"

#include <Poco/Timestamp.h>

#include <optional>
#include <string>
#include <vector>

namespace courierd
{

/// The replays' rows: started and canceled by operators (any instance), run by the instance
/// holding the source's lease (SourceScheduler). Thread-safe; store errors throw
/// StoreException or Poco::Data exceptions.
class ReplayStore final : public ReplayRows
{
public:
    explicit ReplayStore(Database& database);

    /// A running replay of [from, to] starting at `cursor`; nothing when `source` has a
    /// running replay already.
    std::optional<Replay> start(const std::string& source, Poco::Timestamp from, Poco::Timestamp to,
                                const std::string& cursor, const std::string& remote);
    std::optional<Replay> get(const std::string& source, Poco::Int64 id) override;
    /// `source`'s replays, newest first: at most `limit`, older than `before`.
    std::vector<Replay> list(const std::string& source, int limit,
                             std::optional<Poco::Int64> before);
    /// Cancels it if it runs; the replay as it is now (nothing for an unknown id).
    std::optional<Replay> cancel(const std::string& source, Poco::Int64 id);
    /// Every running replay.
    std::vector<Replay> running();
    /// Ends a running replay `done` or `failed` (with `error`).
    void end(Poco::Int64 id, const std::string& state, const std::string& error) override;

private:
    Database& _database;
};

} // namespace courierd
