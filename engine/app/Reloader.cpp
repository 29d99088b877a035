#include "app/Reloader.h"

#include "app/ServiceManager.h"
#include "app/Subsystems.h"
#include "sources/InstanceHeartbeat.h"
#include "sources/SourceCatalog.h"
#include "sources/SourceScheduler.h"
#include "util/Names.h"

#include <Poco/Exception.h>

#include <algorithm>

namespace courierd
{

namespace
{

// Keys read once at start: a reload reports a change to them and keeps the running value.
const std::vector<std::string> RESTART_PREFIXES = {"store.", "admin.listen", "daemon.instance_id",
                                                   "daemon.lease_ttl", "plugins."};

// Engine keys a reload applies, by prefix, for the report.
const std::vector<std::string> LIVE_PREFIXES = {"pipeline.",
                                                "assignment.",
                                                "admin.token",
                                                "admin.allowed_hosts",
                                                "demo.",
                                                "retention.",
                                                "daemon.shutdown_timeout"};

// The keys under `prefixes` whose value differs between the two configurations.
std::vector<std::string> differing(const Settings& before, const Settings& after,
                                   const std::vector<std::string>& prefixes)
{
    std::vector<std::string> keys;
    for (const auto& prefix : prefixes)
    {
        const auto old = before.valuesUnder(prefix);
        const auto now = after.valuesUnder(prefix);
        for (const auto& [key, value] : now)
            if (const auto it = old.find(key); it == old.end() || it->second != value)
                keys.push_back(key);
    }
    return keys;
}

} // namespace

Reloader::Reloader(Parts parts, std::string path, Settings::Overrides overrides,
                   std::shared_ptr<Settings> current, EngineConfig engine,
                   metrics::Registry& metrics)
    : _parts(std::move(parts))
    , _path(std::move(path))
    , _overrides(std::move(overrides))
    , _started(current)
    , _current(std::move(current))
    , _engine(std::move(engine))
    , _log(Poco::Logger::get("courierd"))
    , _reloads(metrics.counter(
          "courierd_reloads_total",
          "Configuration reloads by outcome: applied, failed (nothing changed)", {"outcome"}))
{
    // Both series from the start, so that an alert on failures sees 0 rather than nothing.
    _reloads.with({"applied"});
    _reloads.with({"failed"});
}

std::optional<ReloadReport> Reloader::report() const
{
    std::lock_guard lock(_mutex);
    return _last;
}

ReloadReport Reloader::reload()
{
    ServiceManager::reloading();
    _log.information("reloading the configuration from %s",
                     _path.empty() ? std::string("(defaults and environment)") : _path);
    ReloadReport report;
    try
    {
        report = attempt();
    }
    catch (const std::exception& e)
    {
        report.ok = false;
        report.problems.push_back(e.what());
    }
    // The outcome line comes last: what a reader waits for.
    for (const auto& key : report.restartNeeded)
        _log.warning("reload: %s changed, which needs a restart; it keeps its running value "
                     "until then",
                     key);
    if (report.ok)
        _log.information("reload applied: sources added: %s; changed: %s; removed: %s; engine "
                         "keys applied: %s",
                         joined(report.added, "none"), joined(report.changed, "none"),
                         joined(report.removed, "none"), joined(report.applied, "none"));
    else
    {
        for (const auto& problem : report.problems)
            _log.error("reload: %s", problem);
        _log.error("reload failed (%z problem(s)); the running configuration is unchanged",
                   report.problems.size());
    }
    _reloads.with({report.ok ? "applied" : "failed"}).inc();
    {
        std::lock_guard lock(_mutex);
        _last = report;
    }
    ServiceManager::ready(report.ok ? "reloaded" : "reload failed; running unchanged");
    return report;
}

ReloadReport Reloader::attempt()
{
    ReloadReport report;
    std::shared_ptr<Settings> next;
    try
    {
        next = std::make_shared<Settings>(
            Settings::read(_path, Settings::currentEnvironment(), _overrides));
    }
    catch (const Poco::Exception& e)
    {
        report.problems.push_back(e.message());
        return report;
    }
    next->declare(EngineConfig::schema());
    SourceCatalog::Change change = _parts.sources.prepare(next);
    EngineConfig engine;
    if (next->problems().empty())
    {
        try
        {
            engine = EngineConfig::from(*next);
            if (const std::string problem = SourceCatalog::retentionProblem(
                    engine.retention.inbox, SourceCatalog::longestWindow(*next));
                !problem.empty())
                next->addProblem(next->origin("retention.inbox") + ": " + problem);
        }
        catch (const Poco::Exception& e)
        {
            next->addProblem(e.message());
        }
    }
    if (!next->problems().empty())
    {
        _parts.sources.discard(change);
        report.problems = next->problems();
        return report;
    }

    // Valid: apply. Sources first: the stopped ones give their leases up before their new
    // instances start.
    // Against what runs: the configuration read at start, not the last file a reload read.
    report.restartNeeded = differing(*_started, *next, RESTART_PREFIXES);
    if (engine.store.password != _engine.store.password)
        report.restartNeeded.push_back("store.password_file (its content)");
    report.applied = differing(*_current, *next, LIVE_PREFIXES);
    // The instance's row names a source before its first poll and after its last one.
    if (!change.added.empty())
    {
        auto both = _parts.sources.names();
        both.insert(both.end(), change.added.begin(), change.added.end());
        _parts.heartbeat.setSources(both);
    }
    for (const auto& name : change.stop)
        _parts.scheduler.remove(name);
    _parts.sources.commit(change);
    for (const auto& entry : change.start)
        _parts.scheduler.add(entry);
    if (!change.added.empty() || !change.removed.empty())
        _parts.heartbeat.setSources(_parts.sources.names());
    report.added = change.added;
    report.changed = change.changed;
    report.removed = change.removed;

    // Engine keys that apply live; the rest keep their running value.
    engine.store = _engine.store;
    engine.admin.listen = _engine.admin.listen;
    engine.daemon.instanceId = _engine.daemon.instanceId;
    engine.daemon.leaseTtl = _engine.daemon.leaseTtl;
    engine.plugins = _engine.plugins;
    _parts.subsystems.reconfigure(engine);
    applyLogLevels(*next);
    for (const auto& warning : engine.warnings)
        _log.warning("reload: %s", warning);
    _engine = engine;
    _current = next;
    report.ok = true;
    return report;
}

bool Reloader::appliesLive(const std::string& key)
{
    return std::any_of(LIVE_PREFIXES.begin(), LIVE_PREFIXES.end(),
                       [&key](const std::string& prefix) { return key.rfind(prefix, 0) == 0; });
}

void Reloader::applyLogLevels(const Settings& settings)
{
    const auto file = settings.file();
    if (!file)
        return;
    // (has() knows only whole keys: "logging.loggers" is a prefix.)
    Poco::Util::AbstractConfiguration::Keys loggers;
    file->keys("logging.loggers", loggers);
    for (const auto& logger : loggers)
    {
        const std::string prefix = "logging.loggers." + logger + ".";
        if (!file->has(prefix + "level"))
            continue;
        const std::string name = file->getString(prefix + "name", "");
        try
        {
            // The named logger and every logger below it.
            Poco::Logger::setLevel(name,
                                   Poco::Logger::parseLevel(file->getString(prefix + "level")));
        }
        catch (const Poco::Exception& e)
        {
            Poco::Logger::get("courierd").warning("reload: %slevel: %s", prefix, e.displayText());
        }
    }
}

} // namespace courierd
