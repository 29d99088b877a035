#pragma once

#include "courierd/Export.h"

#include <Poco/Timestamp.h>

#include <optional>
#include <string>

namespace courierd
{

/// Parses an RFC3339 date-time (`2026-11-24T10:15:30Z`; a fraction and an offset are allowed)
/// into UTC. Returns nothing for a date alone, a missing zone, or a space instead of `T`.
/// Pure; any thread.
COURIERD_SDK_API std::optional<Poco::Timestamp> parseRfc3339(const std::string& text);

/// `2026-11-24T10:15:30Z`: whole seconds, UTC (a fraction is dropped). Pure; any thread.
COURIERD_SDK_API std::string formatRfc3339(Poco::Timestamp time);

/// How a source writes a time: RFC3339 text, or a number of seconds or milliseconds since
/// 1970-01-01T00:00:00Z (Unix time, as many APIs send `created_at`).
enum class TimeFormat
{
    Rfc3339,
    EpochSeconds,      ///< `1764844800`, or with a fraction: `1764844800.25`
    EpochMilliseconds, ///< `1764844800250`
};

/// Parses `text` written in `format` into UTC. Returns nothing for anything else: an epoch
/// that is not a plain decimal number (no sign, no exponent; seconds may have a fraction of
/// up to 6 digits), or one past 9999-12-31. Pure; any thread.
COURIERD_SDK_API std::optional<Poco::Timestamp> parseTime(const std::string& text,
                                                          TimeFormat format);

/// `time` written in `format`: formatRfc3339(), or whole seconds, or whole milliseconds.
/// Pure; any thread.
COURIERD_SDK_API std::string formatTime(Poco::Timestamp time, TimeFormat format);

} // namespace courierd
