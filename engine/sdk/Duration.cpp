#include "courierd/Duration.h"

#include <cstdint>
#include <limits>

namespace courierd
{

std::optional<Duration> parseDuration(std::string_view text)
{
    if (text.empty())
        return std::nullopt;
    if (text == "0")
        return Duration(0); // nothing needs a unit

    std::int64_t total = 0;
    std::size_t pos = 0;
    while (pos < text.size())
    {
        std::int64_t number = 0;
        std::size_t digits = 0;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9')
        {
            if (number > (std::numeric_limits<std::int64_t>::max() - 9) / 10)
                return std::nullopt;
            number = number * 10 + (text[pos] - '0');
            ++pos;
            ++digits;
        }
        if (digits == 0)
            return std::nullopt;

        std::int64_t unit = 0;
        if (text.substr(pos, 2) == "ms")
        {
            unit = 1;
            pos += 2;
        }
        else if (pos < text.size() && text[pos] == 's')
        {
            unit = MS_PER_SECOND;
            ++pos;
        }
        else if (pos < text.size() && text[pos] == 'm')
        {
            unit = MS_PER_MINUTE;
            ++pos;
        }
        else if (pos < text.size() && text[pos] == 'h')
        {
            unit = MS_PER_HOUR;
            ++pos;
        }
        else if (pos < text.size() && text[pos] == 'd')
        {
            unit = MS_PER_DAY;
            ++pos;
        }
        else
            return std::nullopt;

        if (number > (std::numeric_limits<std::int64_t>::max() - total) / unit)
            return std::nullopt;
        total += number * unit;
    }
    return Duration(total);
}

std::string formatDuration(Duration duration)
{
    const std::int64_t ms = duration.count();
    if (ms == 0)
        return "0s";
    // The magnitude as unsigned: negating INT64_MIN would overflow.
    std::uint64_t rest =
        ms < 0 ? 0 - static_cast<std::uint64_t>(ms) : static_cast<std::uint64_t>(ms);
    std::string out(ms < 0 ? 1 : 0, '-');
    const struct
    {
        std::uint64_t size;
        const char* name;
    } units[] = {{MS_PER_HOUR, "h"}, {MS_PER_MINUTE, "m"}, {MS_PER_SECOND, "s"}, {1, "ms"}};
    for (const auto& unit : units)
    {
        if (rest >= unit.size)
        {
            out += std::to_string(rest / unit.size);
            out += unit.name;
            rest %= unit.size;
        }
    }
    return out;
}

} // namespace courierd
