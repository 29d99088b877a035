// A configuration file (INI or .properties) with any content, read with the engine's keys and,
// for every [source.NAME] it holds, the engine's and service-order's keys of that source (or
// http-json's, with its key families, for a NAME starting with j): Settings either lists
// problems or yields values that EngineConfig, ServiceOrderSettings and HttpJsonSettings read
// without surprise. Only ConfigException is ever thrown (the daemon's exit 78).
#include "HttpJsonSettings.h"
#include "ServiceOrderSettings.h"
#include "config/EngineConfig.h"
#include "config/Settings.h"
#include "courierd/Exceptions.h"
#include "sources/PluginSourceContext.h"
#include "sources/SourceCatalog.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <unistd.h>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace courierd;
    if (size == 0)
        return 0;
    static const std::string base = "/tmp/courierd-settings-fuzz-" + std::to_string(getpid());
    const std::string path = base + (data[0] % 2 == 0 ? ".ini" : ".properties");
    {
        std::ofstream file(path, std::ios::binary | std::ios::trunc);
        file.write(reinterpret_cast<const char*>(data) + 1, static_cast<std::streamsize>(size - 1));
    }
    try
    {
        Settings settings = Settings::read(path, {}, {});
        settings.declare(EngineConfig::schema());
        const auto names = settings.sourceNames();
        for (const auto& name : names)
        {
            settings.declare(SourceCatalog::engineKeys(name));
            settings.declare(
                name.starts_with("j")
                    ? http_json::HttpJsonSettings::map().keys("source." + name + ".")
                    : service_order::ServiceOrderSettings::map().keys("source." + name + "."));
        }
        settings.check();
        if (!settings.problems().empty())
            return 0;
        EngineConfig::from(settings);
        const std::atomic<bool> stop{false};
        for (const auto& name : names)
            if (name.starts_with("j"))
                http_json::HttpJsonSettings::map().read(PluginSourceContext(name, settings, stop));
            else
                service_order::ServiceOrderSettings::read(
                    PluginSourceContext(name, settings, stop));
    }
    catch (const ConfigException&)
    {
    }
    return 0;
}
