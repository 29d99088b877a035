#include "courierd/Rfc3339.h"

#include <Poco/DateTime.h>
#include <Poco/Timespan.h>

#include <cstdint>
#include <cstdio>

namespace courierd
{

namespace
{

// Reads `count` digits at `at` into `value`; false if any is not a digit.
bool digits(const std::string& text, std::size_t at, std::size_t count, int& value)
{
    if (at + count > text.size())
        return false;
    value = 0;
    for (std::size_t i = at; i < at + count; ++i)
    {
        if (text[i] < '0' || text[i] > '9')
            return false;
        value = value * 10 + (text[i] - '0');
    }
    return true;
}

bool is(const std::string& text, std::size_t at, char c)
{
    return at < text.size() && text[at] == c;
}

} // namespace

// The shape and every field's range are checked here, because POCO's ISO 8601 parser is
// lenient (it accepts an offset of +99:99 and years that format past 9999).
std::optional<Poco::Timestamp> parseRfc3339(const std::string& text)
{
    int year, month, day, hour, minute, second;
    if (!digits(text, 0, 4, year) || !is(text, 4, '-') || !digits(text, 5, 2, month) ||
        !is(text, 7, '-') || !digits(text, 8, 2, day) ||
        !(is(text, 10, 'T') || is(text, 10, 't')) || !digits(text, 11, 2, hour) ||
        !is(text, 13, ':') || !digits(text, 14, 2, minute) || !is(text, 16, ':') ||
        !digits(text, 17, 2, second))
        return std::nullopt;
    if (year < 1 || !Poco::DateTime::isValid(year, month, day, hour, minute, second))
        return std::nullopt;

    std::size_t at = 19;
    int micros = 0;
    if (is(text, at, '.'))
    {
        std::size_t fraction = 0;
        for (++at; at < text.size() && text[at] >= '0' && text[at] <= '9'; ++at, ++fraction)
            if (fraction < 6)
                micros = micros * 10 + (text[at] - '0');
        if (fraction == 0 || fraction > 9)
            return std::nullopt;
        for (; fraction < 6; ++fraction)
            micros *= 10;
    }

    int offsetMinutes = 0;
    if (is(text, at, 'Z') || is(text, at, 'z'))
        ++at;
    else if (is(text, at, '+') || is(text, at, '-'))
    {
        int hours, minutes;
        if (!digits(text, at + 1, 2, hours) || !is(text, at + 3, ':') ||
            !digits(text, at + 4, 2, minutes) || hours > 23 || minutes > 59)
            return std::nullopt;
        offsetMinutes = (hours * 60 + minutes) * (text[at] == '-' ? -1 : 1);
        at += 6;
    }
    else
        return std::nullopt;
    if (at != text.size())
        return std::nullopt;

    Poco::DateTime local(year, month, day, hour, minute, second, micros / 1000, micros % 1000);
    const Poco::Timestamp utc =
        local.timestamp() - Poco::Timespan(0, 0, offsetMinutes, 0, 0).totalMicroseconds();
    // Still a time that RFC3339 can write once in UTC: years 0001 to 9999.
    static const Poco::Timestamp FIRST = Poco::DateTime(1, 1, 1).timestamp();
    static const Poco::Timestamp LAST =
        Poco::DateTime(9999, 12, 31, 23, 59, 59, 999, 999).timestamp();
    if (utc < FIRST || utc > LAST)
        return std::nullopt;
    return utc;
}

std::string formatRfc3339(Poco::Timestamp time)
{
    // Whole seconds, split with floor division: POCO's DateTime gets the time of day wrong for
    // times before 1970 that are not whole days (0025-09-01T12:05:34Z came out as
    // 0025-09-01T-11:-54:-26Z; found by fuzz/rfc3339_fuzzer). The date is taken from a whole
    // day, which it gets right.
    constexpr std::int64_t DAY = 86400;
    const std::int64_t us = time.epochMicroseconds();
    const std::int64_t seconds = us / 1000000 - (us % 1000000 < 0 ? 1 : 0);
    const std::int64_t days = seconds / DAY - (seconds % DAY < 0 ? 1 : 0);
    const std::int64_t ofDay = seconds - days * DAY;
    const Poco::DateTime date(Poco::Timestamp::fromEpochTime(static_cast<std::time_t>(days * DAY)));
    char text[48]; // 20 in practice; room for any int the format could be given
    std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02dZ", date.year(), date.month(),
                  date.day(), static_cast<int>(ofDay / 3600), static_cast<int>(ofDay / 60 % 60),
                  static_cast<int>(ofDay % 60));
    return text;
}

std::optional<Poco::Timestamp> parseTime(const std::string& text, TimeFormat format)
{
    if (format == TimeFormat::Rfc3339)
        return parseRfc3339(text);
    // 9999-12-31T23:59:59Z: no time a source sends is later, and the microseconds fit.
    constexpr std::int64_t LAST_SECOND = 253402300799;
    const std::size_t point = text.find('.');
    const std::string whole = text.substr(0, point);
    const std::string fraction = point == std::string::npos ? "" : text.substr(point + 1);
    if (whole.empty() || whole.size() > 16 ||
        (point != std::string::npos &&
         (format != TimeFormat::EpochSeconds || fraction.empty() || fraction.size() > 6)))
        return std::nullopt;
    std::int64_t units = 0;
    for (const char c : whole)
    {
        if (c < '0' || c > '9')
            return std::nullopt;
        units = units * 10 + (c - '0');
    }
    std::int64_t micros = 0;
    for (std::size_t i = 0; i < 6; ++i)
    {
        const char c = i < fraction.size() ? fraction[i] : '0';
        if (c < '0' || c > '9')
            return std::nullopt;
        micros = micros * 10 + (c - '0');
    }
    const std::int64_t perUnit = format == TimeFormat::EpochSeconds ? 1000000 : 1000;
    if (units > LAST_SECOND * (1000000 / perUnit) + (1000000 / perUnit - 1))
        return std::nullopt;
    return Poco::Timestamp(units * perUnit + micros);
}

std::string formatTime(Poco::Timestamp time, TimeFormat format)
{
    switch (format)
    {
    case TimeFormat::EpochSeconds:
        return std::to_string(time.epochMicroseconds() / 1000000);
    case TimeFormat::EpochMilliseconds:
        return std::to_string(time.epochMicroseconds() / 1000);
    case TimeFormat::Rfc3339:
        break;
    }
    return formatRfc3339(time);
}

} // namespace courierd
