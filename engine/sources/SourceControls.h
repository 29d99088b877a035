#pragma once

#include "store/Database.h"

#include <Poco/Timestamp.h>

#include <map>
#include <optional>
#include <string>

namespace courierd
{

/// What operators asked of one source (table `source_controls`).
struct SourceControl
{
    bool paused = false;
    std::optional<Poco::Timestamp> triggeredAt; ///< The last "poll now".
    Poco::Timestamp updatedAt{0};
};

/// Operators' control of the sources, kept in PostgreSQL so that every instance, and every
/// restart, obeys it: paused or running, and "poll now". A source without a row runs.
/// Thread-safe.
class SourceControls
{
public:
    explicit SourceControls(Database& database);

    /// Every source with a row. Throws StoreException or Poco::Data exceptions.
    std::map<std::string, SourceControl> read();

    /// No instance polls `source` from its next tick on, until resume().
    SourceControl pause(const std::string& source);
    SourceControl resume(const std::string& source);
    /// The instance holding the lease polls `source` within a second, whatever its interval.
    SourceControl trigger(const std::string& source);

private:
    SourceControl write(const std::string& sql, const std::string& source);

    Database& _database;
};

} // namespace courierd
