#pragma once

#include "PluginHost.h"
#include "PluginSourceContext.h"
#include "Settings.h"
#include "courierd/Duration.h"

#include <atomic>
#include <memory>
#include <string>
#include <vector>

namespace courierd
{

/// Every configured source: for each `[source.NAME]`, the plugin it names (loaded through the
/// PluginHost), one instance of it, and its context. Construction declares and validates the
/// engine's keys of each section (`plugin`, `interval`, `max_clock_skew`) and the plugin's own
/// keys; problems are added to the Settings, never thrown. Used from the main thread.
class SourceCatalog
{
public:
    struct Entry
    {
        std::string name;
        std::string plugin;
        PluginHost::Loaded info;
        Duration interval{0};
        Duration maxClockSkew{0};
        Source* source = nullptr; ///< Owned by the host.
        std::unique_ptr<PluginSourceContext> context;
    };

    /// The keys the engine owns in `[source.NAME]`.
    static std::vector<ConfigKey> engineKeys(const std::string& name);

    /// Loads plugins from `pluginDir`, declares what each section reads (the engine's keys and
    /// the plugin's), then checks the whole configuration once more.
    SourceCatalog(Settings& settings, const std::string& pluginDir,
                  const std::atomic<bool>& stopFlag);

    /// Shuts down initialized sources (if shutdown() was not called), then unloads plugins.
    ~SourceCatalog();

    SourceCatalog(const SourceCatalog&) = delete;
    SourceCatalog& operator=(const SourceCatalog&) = delete;

    /// Calls Source::initialize() on each source. Throws ConfigException naming the source.
    void initialize();

    /// Calls Source::shutdown() on each initialized source; logs, never throws.
    void shutdown();

    std::vector<Entry>& entries() { return _entries; }
    const std::string& pluginDir() const { return _host.directory(); }

private:
    const Settings& _settings;
    PluginHost _host;
    std::vector<Entry> _entries;
    bool _initialized = false;
};

} // namespace courierd
