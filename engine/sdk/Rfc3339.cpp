#include "courierd/Rfc3339.h"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/DateTimeParser.h>

#include <regex>

namespace courierd
{

std::optional<Poco::Timestamp> parseRfc3339(const std::string& text)
{
    // POCO's ISO 8601 parser is lenient; the shape is checked first.
    static const std::regex RFC3339(
        R"(\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2}))");
    if (!std::regex_match(text, RFC3339))
        return std::nullopt;
    Poco::DateTime time;
    int tzd = 0;
    if (!Poco::DateTimeParser::tryParse(Poco::DateTimeFormat::ISO8601_FRAC_FORMAT, text, time, tzd))
        return std::nullopt;
    time.makeUTC(tzd);
    return time.timestamp();
}

std::string formatRfc3339(Poco::Timestamp time)
{
    return Poco::DateTimeFormatter::format(time, "%Y-%m-%dT%H:%M:%SZ");
}

} // namespace courierd
