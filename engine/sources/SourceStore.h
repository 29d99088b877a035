#pragma once

#include "store/Database.h"

#include <Poco/Timestamp.h>

#include <map>
#include <optional>
#include <string>

namespace courierd
{

/// What the store holds about one source, for operators.
struct StoredSource
{
    std::optional<std::string> cursor;
    /// Inbox rows by state; states without rows absent.
    std::map<std::string, Poco::Int64> records;
    std::optional<Poco::Timestamp> newestCreatedAt; ///< Of the records stored (not rejected).
};

/// The sources' rows operators read: stored cursors, inbox counts (from the deltas the
/// triggers keep, never a count of the whole inbox) and the newest created_at stored (kept by
/// the ingest). Every read costs the same at any inbox size. Thread-safe.
class SourceStore
{
public:
    explicit SourceStore(Database& database);

    /// Every source the store knows of, by name. Throws StoreException or Poco::Data
    /// exceptions.
    std::map<std::string, StoredSource> read();

    /// The newest created_at stored from each source (for the lag gauge: no cursors read).
    std::map<std::string, Poco::Timestamp> newest();
    /// The same through `session`.
    static std::map<std::string, Poco::Timestamp> newest(Poco::Data::Session& session);

    /// What a rename moved.
    struct Renamed
    {
        Poco::Int64 inbox = 0;
        Poco::Int64 deliveries = 0;
        Poco::Int64 busyCouriers = 0;
        bool cursor = false;
    };
    /// Moves every row of source `from` to the name `to` in one transaction: inbox, deliveries,
    /// busy couriers, cursor and its history, controls, freshness, retention horizon and
    /// replays; leases are dropped and `from` is left paused (an instance still configured with
    /// it polls nothing). Throws ConflictException, changing nothing, while an instance whose
    /// last beat (table `instances`) is younger than its own TTL has either name configured,
    /// while one holds either name's lease, or when `to` already holds anything;
    /// Poco::NotFoundException when `from` holds nothing (a typo); ValidationException for a
    /// name against the source-name rules or two equal names. `courierd --rename-source FROM=TO`.
    Renamed rename(const std::string& from, const std::string& to);

private:
    Database& _database;
};

} // namespace courierd
