#include "sources/PluginSourceContext.h"

namespace courierd
{

PluginSourceContext::PluginSourceContext(std::string sourceName, const Settings& settings,
                                         const std::atomic<bool>& stopFlag)
    : _name(std::move(sourceName))
    , _settings(settings)
    , _stop(stopFlag)
    , _logger(Poco::Logger::get("courierd.source." + _name))
{
}

std::string PluginSourceContext::getString(const std::string& name) const
{
    return _settings.getString(key(name));
}

std::int64_t PluginSourceContext::getInt(const std::string& name) const
{
    return _settings.getInt(key(name));
}

Duration PluginSourceContext::getDuration(const std::string& name) const
{
    return _settings.getDuration(key(name));
}

} // namespace courierd
