#pragma once

#include "store/Database.h"

#include <map>
#include <optional>
#include <string>

namespace courierd
{

/// What the store holds about one source, for operators.
struct StoredSource
{
    std::optional<std::string> cursor;
    std::map<std::string, Poco::Int64>
        records; ///< Inbox rows by state; states without rows absent.
};

/// The sources' rows operators read: stored cursors and inbox counts (from the deltas the
/// triggers keep, never a count of the whole inbox). Thread-safe.
class SourceStore
{
public:
    explicit SourceStore(Database& database);

    /// Every source the store knows of, by name. Throws StoreException or Poco::Data
    /// exceptions.
    std::map<std::string, StoredSource> read();

private:
    Database& _database;
};

} // namespace courierd
