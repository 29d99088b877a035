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

bool PluginSourceContext::getBool(const std::string& name) const
{
    return _settings.getBool(key(name));
}

Poco::Timestamp PluginSourceContext::getTime(const std::string& name) const
{
    return _settings.getTime(key(name));
}

std::vector<std::string> PluginSourceContext::getList(const std::string& name) const
{
    return _settings.getList(key(name));
}

std::string PluginSourceContext::getSecret(const std::string& name) const
{
    return _settings.getSecret(key(name));
}

std::string PluginSourceContext::describe(const std::string& name) const
{
    return _settings.describe(key(name));
}

std::vector<std::string> PluginSourceContext::keysOf(const std::string& family) const
{
    std::vector<std::string> keys = _settings.keysOf(key(family));
    for (auto& name : keys)
        name.erase(0, key("").size());
    return keys;
}

} // namespace courierd
