#pragma once

#include "sources/Cursor.h"
#include "store/Database.h"

#include <Poco/Timestamp.h>

#include <optional>
#include <string>
#include <vector>

namespace courierd
{

/// Operators' reads and changes of the stored cursors (the admin API's
/// `/api/v1/sources/{name}/cursor`): a change is made only while the source is paused, and
/// writes its audit row in the same transaction. A change raises the cursor's version, so a
/// tick that read the cursor before it cannot store over it (the ingest's compare-and-set).
/// Thread-safe; the store's failures throw StoreException or Poco::Data exceptions.
class CursorStore
{
public:
    static constexpr std::size_t MAX_CURSOR_BYTES = 64 * 1024;
    static constexpr std::size_t MAX_REASON_BYTES = 1000;

    explicit CursorStore(Database& database);

    std::optional<StoredCursor> read(const std::string& source);

    /// Sets `cursor` (empty: reset) while `source` is paused, with its audit row; nothing when
    /// the source is not paused (then nothing was written). Throws ValidationException for a
    /// cursor or reason PostgreSQL cannot hold or over the limits.
    std::optional<CursorChange> set(const std::string& source, const std::string& cursor,
                                    const std::string& remote, const std::string& reason);

    /// The changes of `source`, newest first: at most `limit`, older than change `before`.
    std::vector<CursorChange> history(const std::string& source, int limit,
                                      std::optional<Poco::Int64> before);

    std::optional<CursorChange> change(const std::string& source, Poco::Int64 id);

    /// The newest created_at retention has deleted from `source` (none before any): a cursor
    /// move or a replay from that time or before is refused, `out_of_retention`.
    std::optional<Poco::Timestamp> retentionHorizon(const std::string& source);

private:
    Database& _database;
};

} // namespace courierd
