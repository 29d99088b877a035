#include "SourceCatalog.h"

#include "Exceptions.h"

#include <Poco/Logger.h>

#include <cctype>

namespace courierd
{

namespace
{

bool validName(const std::string& name)
{
    for (unsigned char c : name)
        if (!std::islower(c) && !std::isdigit(c) && c != '-' && c != '_')
            return false;
    return !name.empty();
}

} // namespace

std::vector<ConfigKey> SourceCatalog::engineKeys(const std::string& name)
{
    const std::string prefix = "source." + name + ".";
    return {
        {prefix + "plugin", ConfigType::String, "",
         "the plugin: a name looked up in plugins.dir, or a path to a .so file"},
        {prefix + "interval", ConfigType::Duration, "5s", "time between two polls of the source",
         100, MS_PER_DAY},
        {prefix + "max_clock_skew", ConfigType::Duration, "5m",
         "how far past now a record's created_at may be; a later one is stored rejected", 0,
         MS_PER_DAY},
    };
}

SourceCatalog::SourceCatalog(Settings& settings, const std::string& pluginDir,
                             const std::atomic<bool>& stopFlag)
    : _settings(settings)
    , _host(pluginDir)
{
    std::vector<std::string> problems;
    for (const auto& name : settings.sourceNames())
    {
        settings.declare(engineKeys(name));
        Entry entry;
        entry.name = name;
        const std::string pluginKey = "source." + name + ".plugin";
        entry.plugin = settings.getString(pluginKey);
        if (!validName(name))
        {
            problems.push_back("[source." + name +
                               "]: a source name uses lower-case letters, digits, '-' and '_'");
            continue;
        }
        if (entry.plugin.empty())
        {
            problems.push_back("[source." + name + "]: no plugin (set source." + name + ".plugin)");
            continue;
        }
        try
        {
            entry.info = _host.load(entry.plugin);
            entry.source = &_host.create(entry.plugin);
        }
        catch (const PluginException& e)
        {
            problems.push_back(settings.describe(pluginKey) + ": " + e.message());
            continue;
        }
        std::vector<ConfigKey> pluginKeys = entry.source->settings();
        for (auto& key : pluginKeys)
            key.name = "source." + name + "." + key.name;
        settings.declare(pluginKeys);
        entry.context = std::make_unique<PluginSourceContext>(name, settings, stopFlag);
        _entries.push_back(std::move(entry));
    }
    settings.check();
    for (const auto& problem : problems)
        settings.addProblem(problem);
    if (settings.problems().empty())
        for (auto& entry : _entries)
        {
            entry.interval = settings.getDuration("source." + entry.name + ".interval");
            entry.maxClockSkew = settings.getDuration("source." + entry.name + ".max_clock_skew");
        }
}

SourceCatalog::~SourceCatalog()
{
    shutdown();
}

void SourceCatalog::initialize()
{
    for (auto& entry : _entries)
    {
        try
        {
            entry.source->initialize(*entry.context);
        }
        catch (const Poco::Exception& e)
        {
            // Plugins start the message with `key = 'value'`: say where that value came from.
            const std::string message = e.message();
            const std::string key =
                "source." + entry.name + "." + message.substr(0, message.find(" = "));
            std::string origin;
            try
            {
                origin = _settings.origin(key) + ": ";
            }
            catch (const Poco::NotFoundException&)
            {
            }
            throw ConfigException(origin + "[source." + entry.name + "] (plugin " +
                                  entry.info.name + "): " + message);
        }
    }
    _initialized = true;
}

void SourceCatalog::shutdown()
{
    if (!_initialized)
        return;
    _initialized = false;
    for (auto& entry : _entries)
    {
        try
        {
            entry.source->shutdown();
        }
        catch (const Poco::Exception& e)
        {
            Poco::Logger::get("courierd")
                .error("source %s: shutdown failed: %s", entry.name, e.displayText());
        }
    }
}

} // namespace courierd
