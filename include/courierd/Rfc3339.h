#pragma once

#include <Poco/Timestamp.h>

#include <optional>
#include <string>

namespace courierd
{

/// Parses an RFC3339 date-time (`2026-11-24T10:15:30Z`; a fraction and an offset are allowed)
/// into UTC. Returns nothing for a date alone, a missing zone, or a space instead of `T`.
/// Pure; any thread.
std::optional<Poco::Timestamp> parseRfc3339(const std::string& text);

/// `2026-11-24T10:15:30Z`: whole seconds, UTC (a fraction is dropped). Pure; any thread.
std::string formatRfc3339(Poco::Timestamp time);

} // namespace courierd
