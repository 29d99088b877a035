#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace courierd
{

using Duration = std::chrono::milliseconds;

/// Parses a duration written as one or more `<integer><unit>` parts, unit one of
/// `ms`, `s`, `m`, `h`: `250ms`, `5s`, `10m`, `1h`, `1h30m`. Returns nothing for anything
/// else (no unit, a sign, a fraction, spaces, an overflow).
std::optional<Duration> parseDuration(std::string_view text);

/// Formats a duration the way parseDuration reads it, with the largest exact units
/// (`90000ms` → `1m30s`, `0ms` → `0s`).
std::string formatDuration(Duration duration);

} // namespace courierd
