#include "sources/SourceCatalog.h"

#include "courierd/Utf8.h"
#include "util/Exceptions.h"
#include "util/RegularFile.h"

#include <Poco/Logger.h>

#include <algorithm>
#include <cctype>
#include <set>

namespace courierd
{

const char* const SourceCatalog::NAME_RULE =
    "a source name uses lower-case letters, digits, '-' and '_', at most 100 of them";

bool SourceCatalog::validName(const std::string& name)
{
    for (unsigned char c : name)
        if (!std::islower(c) && !std::isdigit(c) && c != '-' && c != '_')
            return false;
    return !name.empty() && name.size() <= MAX_NAME;
}

namespace
{

// The keys the engine reads in every [source.NAME], bound to the entry's members.
const ConfigMap<SourceCatalog::Entry>& sourceMap()
{
    using namespace std::chrono_literals;
    using E = SourceCatalog::Entry;
    static const auto map =
        ConfigMap<E>()
            .string("plugin", &E::plugin, "",
                    "the plugin: a name looked up in plugins.dir, or a path to a .so file")
            .duration("interval", &E::interval, "5s", "time between two polls of the source", 100ms,
                      std::chrono::hours(24))
            .duration("max_clock_skew", &E::maxClockSkew, "5m",
                      "how far past now a record's created_at may be; a later one is stored "
                      "rejected",
                      0ms, std::chrono::hours(24))
            .duration("max_backoff", &E::maxBackoff, "5m",
                      "the longest wait between polls while they fail (interval x 2^n up to "
                      "this; a success goes back to interval)",
                      100ms, std::chrono::hours(24))
            .duration("recheck_interval", &E::recheckInterval, "30s",
                      "how often the source is asked again about its running deliveries (a "
                      "delivery whose order it canceled or no longer has ends, and its courier "
                      "is free); 0s: never (nor with a plugin that cannot tell)",
                      0ms, std::chrono::hours(24))
            .integer("recheck_batch", &E::recheckBatch, "500",
                     "most running deliveries, or waiting orders, asked about at once, the "
                     "longest-unchecked first",
                     1, 100000)
            .duration("recheck_after", &E::recheckAfter, "30s",
                      "a pending order passed over for lack of a courier, fetched (or last "
                      "asked about) longer ago than this, is asked about again before it is "
                      "assigned, and skipped if the source canceled it or no longer has it; 0s: "
                      "never (nor with a plugin that cannot tell)",
                      0ms, std::chrono::hours(24));
    return map;
}

std::string prefixOf(const std::string& name)
{
    return "source." + name + ".";
}

} // namespace

std::vector<ConfigKey> SourceCatalog::engineKeys(const std::string& name)
{
    return sourceMap().keys(prefixOf(name));
}

Duration SourceCatalog::longestWindow(const Settings& settings)
{
    Duration longest{0};
    for (const auto& name : settings.sourceNames())
    {
        const std::string prefix = "source." + name + ".";
        Duration window{0};
        for (const char* key : {"interval", "max_clock_skew", "lookback"})
            try
            {
                window += settings.getDuration(prefix + key);
            }
            catch (const Poco::Exception&)
            {
                // Not declared (a plugin without a look-back) or not a duration: nothing.
            }
        longest = std::max(longest, window);
    }
    return longest;
}

std::string SourceCatalog::retentionProblem(Duration inbox, Duration window)
{
    const Duration least = std::max<Duration>(std::chrono::hours(1), 2 * window);
    if (inbox.count() == 0 || inbox >= least)
        return {};
    return "retention.inbox = " + formatDuration(inbox) +
           " would delete orders a source can still send (and then turn them away as deleted): "
           "give 0 (keep for ever) or at least " +
           formatDuration(least) +
           " (1h, and twice the longest lookback + max_clock_skew + interval of the sources, " +
           formatDuration(window) + ")";
}

void SourceCatalog::readEngineKeys(Entry& entry, const Settings& settings)
{
    sourceMap().fill(entry, settings, prefixOf(entry.name));
    entry.maxBackoff = std::max(entry.maxBackoff, entry.interval);
    entry.values = settings.valuesUnder(prefixOf(entry.name));
}

void SourceCatalog::declarePluginKeys(Settings& settings, const std::string& name,
                                      const Source& source)
{
    std::vector<ConfigKey> keys = source.settings();
    for (auto& key : keys)
        key.name = prefixOf(name) + key.name;
    settings.declare(keys);
}

SourceCatalog::SourceCatalog(Settings& settings, const std::string& pluginDir,
                             const std::atomic<bool>& stopFlag, bool strictPermissions)
    : _stopFlag(stopFlag)
    , _host(pluginDir, strictPermissions)
{
    std::vector<std::string> problems;
    for (const auto& name : settings.sourceNames())
        if (EntryPtr entry = make(settings, name, problems))
            _entries.push_back(std::move(entry));
    settings.check();
    settings.addCauses(problems);
    if (settings.problems().empty())
        for (auto& entry : _entries)
            readEngineKeys(*entry, settings);
}

SourceCatalog::EntryPtr SourceCatalog::make(Settings& settings, const std::string& name,
                                            std::vector<std::string>& problems)
{
    settings.declare(engineKeys(name));
    auto entry = std::make_shared<Entry>();
    entry->name = name;
    const std::string pluginKey = "source." + name + ".plugin";
    entry->plugin = settings.getString(pluginKey);
    // Without its plugin, a section's other keys cannot be known: the cause is said alone.
    const auto without = [&](const std::string& problem)
    {
        settings.ownerMissing("source." + name);
        problems.push_back(problem);
        return nullptr;
    };
    if (!validName(name))
        return without("[source." + clipped(name, MAX_NAME) + "]: " + NAME_RULE);
    if (entry->plugin.empty())
        return without("[source." + name + "]: no plugin (set source." + name + ".plugin)");
    try
    {
        entry->info = _host.load(entry->plugin);
        entry->source = &_host.create(entry->plugin);
    }
    catch (const PluginException& e)
    {
        return without(settings.describe(pluginKey) + ": " + e.message());
    }
    declarePluginKeys(settings, name, *entry->source);
    entry->context = std::make_unique<PluginSourceContext>(name, settings, _stopFlag);
    return entry;
}

SourceCatalog::~SourceCatalog()
{
    shutdown();
    for (auto& entry : _entries)
        _host.destroy(*entry->source);
}

void SourceCatalog::initialize()
{
    for (auto& entry : _entries)
        initialize(*entry);
}

void SourceCatalog::initialize(Entry& entry)
{
    try
    {
        entry.source->initialize(*entry.context);
        entry.initialized = true;
    }
    catch (const Poco::Exception& e)
    {
        // A value the plugin found unusable: its message starts with context.describe(key),
        // which says where the value came from.
        throw ConfigException("[source." + entry.name + "] (plugin " + entry.info.name +
                              "): " + e.message());
    }
    catch (const std::exception& e)
    {
        // A plugin's own bug: still a problem of this source, never a crash of the reload.
        throw ConfigException("[source." + entry.name + "] (plugin " + entry.info.name +
                              "): initialize() failed: " + e.what());
    }
}

void SourceCatalog::release(Entry& entry)
{
    if (entry.initialized)
    {
        entry.initialized = false;
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

std::vector<std::string> SourceCatalog::names() const
{
    std::vector<std::string> out;
    for (const auto& entry : _entries)
        out.push_back(entry->name);
    return out;
}

void SourceCatalog::shutdown()
{
    for (auto& entry : _entries)
        release(*entry);
}

SourceCatalog::Change SourceCatalog::prepare(const std::shared_ptr<Settings>& next)
{
    Change change;
    std::vector<std::string> problems;
    std::vector<EntryPtr> made;
    std::map<std::string, EntryPtr> running;
    for (const auto& entry : _entries)
        running.emplace(entry->name, entry);

    for (const auto& name : next->sourceNames())
    {
        const auto old = running.find(name);
        next->declare(engineKeys(name));
        // A running build goes on without its file, but the next start would fail: say so now.
        if (old != running.end() &&
            next->getString("source." + name + ".plugin") == old->second->plugin)
            if (const std::string problem = regularFileProblem(old->second->info.path);
                !problem.empty())
            {
                problems.push_back(next->describe("source." + name + ".plugin") + ": " +
                                   old->second->info.path + " " + problem +
                                   " (the running build goes on, but a start would fail)");
                // Its keys, from the running instance: only the file's problem is said.
                declarePluginKeys(*next, name, *old->second->source);
                continue;
            }
        // A running source whose section and plugin file are as they were goes on as it is;
        // its plugin's keys are declared from its instance.
        if (old != running.end() && !PluginHost::outdated(old->second->info) &&
            next->getString("source." + name + ".plugin") == old->second->plugin)
        {
            declarePluginKeys(*next, name, *old->second->source);
            if (next->valuesUnder("source." + name + ".") == old->second->values)
                continue;
        }
        if (EntryPtr entry = make(*next, name, problems))
        {
            entry->settings = next;
            made.push_back(std::move(entry));
        }
    }
    next->check();
    next->addCauses(problems);
    if (next->problems().empty())
        for (auto& entry : made)
        {
            readEngineKeys(*entry, *next);
            try
            {
                initialize(*entry);
            }
            catch (const ConfigException& e)
            {
                next->addProblem(e.message());
            }
        }
    change.start = std::move(made);
    if (!next->problems().empty())
    {
        discard(change);
        return {};
    }

    std::set<std::string> named;
    for (const auto& name : next->sourceNames())
        named.insert(name);
    for (const auto& entry : change.start)
        (running.count(entry->name) ? change.changed : change.added).push_back(entry->name);
    for (const auto& [name, entry] : running)
        if (!named.count(name))
            change.removed.push_back(name);
    change.stop = change.changed;
    change.stop.insert(change.stop.end(), change.removed.begin(), change.removed.end());
    return change;
}

void SourceCatalog::commit(const Change& change)
{
    for (const auto& name : change.stop)
    {
        const auto it = std::find_if(_entries.begin(), _entries.end(),
                                     [&](const EntryPtr& entry) { return entry->name == name; });
        if (it == _entries.end())
            continue;
        release(**it);
        _host.destroy(*(*it)->source);
        _entries.erase(it);
    }
    _entries.insert(_entries.end(), change.start.begin(), change.start.end());
}

void SourceCatalog::discard(const Change& change)
{
    for (const auto& entry : change.start)
    {
        release(*entry);
        _host.destroy(*entry->source);
    }
}

} // namespace courierd
