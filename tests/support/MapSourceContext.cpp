#include "MapSourceContext.h"

#include "sources/SourceCatalog.h"

#include <algorithm>
#include <set>

namespace courierd::test
{

namespace
{

Settings settingsOf(const std::string& name, const std::map<std::string, std::string>& values,
                    const std::vector<ConfigKey>& keys)
{
    const std::string prefix = "source." + name + ".";
    Settings::Overrides overrides;
    for (const auto& [key, value] : values)
        overrides.emplace_back(prefix + key, value);
    Settings settings = Settings::read("", {}, overrides);
    std::vector<ConfigKey> declared = SourceCatalog::engineKeys(name);
    std::set<std::string> names;
    for (const auto& key : declared)
        names.insert(key.name);
    for (ConfigKey key : keys)
    {
        key.name = prefix + key.name;
        names.insert(key.name);
        declared.push_back(std::move(key));
    }
    // A key of a family (`query.*`) is declared by the family.
    const auto inFamily = [&](const std::string& key)
    {
        return std::any_of(keys.begin(), keys.end(),
                           [&](const ConfigKey& family)
                           {
                               const auto star = family.name.find('*');
                               return star != std::string::npos &&
                                      key.starts_with(family.name.substr(0, star)) &&
                                      key.ends_with(family.name.substr(star + 1));
                           });
    };
    for (const auto& [key, value] : values)
        if (!names.count(prefix + key) && !inFamily(key))
            declared.push_back({prefix + key, ConfigType::String, "", "undeclared"});
    settings.declare(declared);
    settings.check();
    settings.throwIfInvalid();
    return settings;
}

} // namespace

MapSourceContext::MapSourceContext(const std::string& name,
                                   const std::map<std::string, std::string>& values,
                                   const std::vector<ConfigKey>& keys)
    : MapSourceContextState{settingsOf(name, values, keys)}
    , PluginSourceContext(name, settings, stop)
{
}

} // namespace courierd::test
