#pragma once

#include "MapSourceContext.h"
#include "courierd/Source.h"
#include "sources/PluginHost.h"

#include <Poco/Timestamp.h>

#include <map>
#include <memory>
#include <optional>
#include <string>

namespace courierd::test
{

/// A real plugin file, loaded by the real host from the build's plugin directory, and one
/// instance of it named `source`, configured through a MapSourceContext: every key the plugin
/// declares at its default, then `base`, then `overrides`, checked as at start-up (a bad value
/// throws ConfigException). With `now`, the context's clock
/// stands at it from before initialize(). For the plugins' own suites.
struct PluginUnderTest
{
    using Values = std::map<std::string, std::string>;

    PluginUnderTest(const std::string& plugin, const std::string& source, const Values& base,
                    const Values& overrides, std::optional<Poco::Timestamp> now = std::nullopt);

    /// Fetches, carrying the cursor on as the engine would.
    Batch fetch();

    PluginHost host;
    Source* source = nullptr;
    std::unique_ptr<MapSourceContext> context;
    std::string cursor;
};

} // namespace courierd::test
