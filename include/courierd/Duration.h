#pragma once

#include "courierd/Export.h"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace courierd
{

using Duration = std::chrono::milliseconds;

/// Milliseconds in a unit: for ConfigKey limits, which are in milliseconds.
constexpr std::int64_t MS_PER_SECOND = 1000;
constexpr std::int64_t MS_PER_MINUTE = 60 * MS_PER_SECOND;
constexpr std::int64_t MS_PER_HOUR = 60 * MS_PER_MINUTE;
constexpr std::int64_t MS_PER_DAY = 24 * MS_PER_HOUR;

/// Parses a duration written as one or more `<integer><unit>` parts, unit one of
/// `ms`, `s`, `m`, `h`, `d`: `250ms`, `5s`, `10m`, `1h`, `1h30m`, `30d`; or `0`. Returns nothing
/// for anything else (no unit, a sign, a fraction, spaces, an overflow). Pure; never throws;
/// any thread.
COURIERD_SDK_API std::optional<Duration> parseDuration(std::string_view text);

/// Formats a duration the way parseDuration reads it, with the largest exact units
/// (`90000ms` → `1m30s`, `0ms` → `0s`). Pure; never throws; any thread.
COURIERD_SDK_API std::string formatDuration(Duration duration);

} // namespace courierd
