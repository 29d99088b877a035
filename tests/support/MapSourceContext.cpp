#include "MapSourceContext.h"

#include <Poco/Exception.h>

namespace courierd::test
{

std::string MapSourceContext::getString(const std::string& key) const
{
    auto it = _values.find(key);
    if (it == _values.end())
        throw Poco::NotFoundException("setting", key);
    return it->second;
}

std::int64_t MapSourceContext::getInt(const std::string& key) const
{
    return std::stoll(getString(key));
}

Duration MapSourceContext::getDuration(const std::string& key) const
{
    const auto duration = parseDuration(getString(key));
    if (!duration)
        throw Poco::SyntaxException("not a duration", key);
    return *duration;
}

} // namespace courierd::test
