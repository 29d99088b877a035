#pragma once

#include "config/Settings.h"
#include "courierd/ConfigMap.h"
#include "courierd/Duration.h"
#include "sources/PluginHost.h"
#include "sources/PluginSourceContext.h"

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace courierd
{

/// Every configured source: for each `[source.NAME]`, the plugin it names (loaded through the
/// PluginHost), one instance of it, and its context. Construction declares and validates the
/// engine's keys of each section (`plugin`, `interval`, `max_clock_skew`, `max_backoff`) and the
/// plugin's own keys; problems are added to the Settings, never thrown. A reload prepare()s the
/// sources of a new configuration beside the running ones, then commit()s them. Used from the main
/// thread.
class SourceCatalog
{
public:
    /// One source. `plugin`, `interval`, `max_clock_skew`, `max_backoff`, `recheck_interval`,
    /// `recheck_batch` and `recheck_after` are the engine's keys of its section, bound to these
    /// members in one table (engineKeys()).
    struct Entry
    {
        std::string name;
        std::string plugin;
        PluginHost::Loaded info;
        Duration interval{0};
        Duration maxClockSkew{0};
        Duration maxBackoff{0};       ///< The longest wait between failing polls (≥ interval).
        Duration recheckInterval{0};  ///< How often running deliveries are asked about again.
        std::size_t recheckBatch = 0; ///< Most asked about at once.
        Duration recheckAfter{0};     ///< Waiting orders older are asked about before assignment.
        Source* source = nullptr;     ///< Owned by the host.
        /// The settings it was made from, when a reload made it (kept alive for the context).
        std::shared_ptr<const Settings> settings;
        std::unique_ptr<PluginSourceContext> context;
        /// Every key of its section with its value: a reload restarts the source when they
        /// differ.
        std::map<std::string, std::string> values;
        bool initialized = false;
    };
    using EntryPtr = std::shared_ptr<Entry>;

    /// What a reload changes: the sources to start (new ones, and new instances of changed
    /// ones) and the names of those to stop (removed and changed).
    struct Change
    {
        std::vector<EntryPtr> start;
        std::vector<std::string> stop;
        std::vector<std::string> added, changed, removed; ///< Names, for the log.
        bool empty() const { return start.empty() && stop.empty(); }
    };

    /// Whether `name` may name a source: NAME_RULE.
    static bool validName(const std::string& name);
    static constexpr std::size_t MAX_NAME = 100;
    static const char* const NAME_RULE;

    /// The longest `lookback + max_clock_skew + interval` of the sources in `settings` (their
    /// keys declared; a plugin without `lookback` counts 0): how far back a source may still
    /// send an order it has sent before. Pure.
    static Duration longestWindow(const Settings& settings);

    /// What is wrong with `retention.inbox` = `inbox` for sources whose longestWindow() is
    /// `window`, or an empty string: it is 0 (keep for ever), or at least 1 h and at least twice
    /// the window, so that retention never deletes an order the source can still send.
    static std::string retentionProblem(Duration inbox, Duration window);

    /// The keys the engine owns in `[source.NAME]`.
    static std::vector<ConfigKey> engineKeys(const std::string& name);

    /// Loads plugins from `pluginDir`, declares what each section reads (the engine's keys and
    /// the plugin's), then checks the whole configuration once more. `strictPermissions`: see
    /// PluginHost.
    SourceCatalog(Settings& settings, const std::string& pluginDir,
                  const std::atomic<bool>& stopFlag, bool strictPermissions = true);

    /// Shuts down initialized sources (if shutdown() was not called), then unloads plugins.
    ~SourceCatalog();

    SourceCatalog(const SourceCatalog&) = delete;
    SourceCatalog& operator=(const SourceCatalog&) = delete;

    /// Calls Source::initialize() on each source. Throws ConfigException naming the source.
    void initialize();

    /// The sources' names, in the configuration's order.
    std::vector<std::string> names() const;

    /// Calls Source::shutdown() on each initialized source; logs, never throws.
    void shutdown();

    /// For a reload: declares in `next` what it reads (the engine's keys of every section and
    /// its plugin's), checks it, and makes and initializes an entry for every source that is
    /// new or differs from the running one (another value in its section, or a new build of
    /// its plugin's file). Problems go into `next`; when it has any, nothing is kept. The
    /// running sources are untouched either way.
    Change prepare(const std::shared_ptr<Settings>& next);

    /// Makes a prepared change the catalog's: shuts down and destroys the entries named in
    /// `change.stop` (stop them in the scheduler first) and takes `change.start`.
    void commit(const Change& change);

    /// Throws away what prepare() made, when the reload does not go ahead.
    void discard(const Change& change);

    std::vector<EntryPtr>& entries() { return _entries; }
    const std::string& pluginDir() const { return _host.directory(); }

private:
    static void readEngineKeys(Entry& entry, const Settings& settings);
    // An entry for [source.NAME] of `settings`, its keys declared there; nothing (and a
    // problem in `problems`) when it cannot be made.
    EntryPtr make(Settings& settings, const std::string& name, std::vector<std::string>& problems);
    // Source::initialize(); throws ConfigException naming the source.
    void initialize(Entry& entry);
    // Declares the keys `source` reads in [source.NAME].
    static void declarePluginKeys(Settings& settings, const std::string& name,
                                  const Source& source);
    void release(Entry& entry);

    const std::atomic<bool>& _stopFlag;
    PluginHost _host;
    std::vector<EntryPtr> _entries;
};

} // namespace courierd
