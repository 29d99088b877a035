#pragma once

#include <Poco/Timestamp.h>

#include <string>
#include <vector>

namespace courierd
{

/// What the last reload did (GET /api/v1/reload and the log). A plain value type.
struct ReloadReport
{
    Poco::Timestamp at;
    bool ok = false;
    std::vector<std::string> problems;      ///< Why it failed: every problem found.
    std::vector<std::string> restartNeeded; ///< Changed keys that keep their running value.
    std::vector<std::string> added, changed, removed;
    std::vector<std::string> applied; ///< Engine keys whose new value took effect.
};

} // namespace courierd
