#pragma once

#include "config/Settings.h"
#include "courierd/ConfigKey.h"
#include "sources/PluginSourceContext.h"

#include <atomic>
#include <map>
#include <string>
#include <vector>

namespace courierd::test
{

namespace detail
{
// What a MapSourceContext owns, made before the PluginSourceContext that refers to it.
struct MapSourceContextState
{
    Settings settings;
    std::atomic<bool> stop{false};
};
} // namespace detail

/// The engine's own SourceContext over a Settings made from a plain map, for driving a plugin
/// directly in a test: `values` (short names) are checked by the host's rules against `keys`
/// (the plugin's settings()) and the engine's keys of a section, as at start-up; a value no
/// key declares is taken as a string. Throws ConfigException with every problem, as start-up
/// would stop. Its clock can be fixed.
class MapSourceContext : private detail::MapSourceContextState, public PluginSourceContext
{
public:
    MapSourceContext(const std::string& name, const std::map<std::string, std::string>& values,
                     const std::vector<ConfigKey>& keys = {});

    /// The real time, unless setNow() fixed it.
    Poco::Timestamp now() const override
    {
        const Poco::Int64 fixed = _now;
        return fixed ? Poco::Timestamp(fixed) : Poco::Timestamp();
    }
    void setNow(Poco::Timestamp now) { _now = now.epochMicroseconds(); }

private:
    std::atomic<Poco::Int64> _now{0};
};

} // namespace courierd::test
