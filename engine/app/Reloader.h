#pragma once

#include "config/EngineConfig.h"
#include "config/ReloadReport.h"
#include "config/Settings.h"
#include "metrics/Registry.h"

#include <Poco/Logger.h>
#include <Poco/Timestamp.h>

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace courierd
{

class InstanceHeartbeat;
class SourceCatalog;
class SourceScheduler;
class Subsystems;

/// Live reload (SIGHUP, `systemctl reload`, POST /api/v1/reload): reads and validates the
/// whole configuration first, sources and their plugins included; on any problem it logs
/// every one, changes nothing and reports the failure. Otherwise it applies the difference:
/// sources added (their first tick at once), removed (their lease given up, cursor and inbox
/// kept), changed (only they restart, from their stored cursor; a new build of a plugin file
/// counts as a change for the sources using it); pipeline workers, batch size, attempts and
/// idle poll, deadlines, the release interval, the admin tokens (a token file's content
/// too), `admin.allowed_hosts` and log levels take effect.
/// Keys that need a restart (`store.*`, `admin.listen`, `daemon.instance_id`,
/// `daemon.lease_ttl`, `plugins.*`) are reported and keep their running value.
/// reload() runs on the main thread; report() from any.
class Reloader
{
public:
    struct Parts
    {
        SourceCatalog& sources;
        SourceScheduler& scheduler;
        InstanceHeartbeat& heartbeat;
        /// The daemon's parts, each handed the engine keys a reload applies.
        Subsystems& subsystems;
    };

    /// `current` is the configuration running now, read from `path` with `overrides`.
    Reloader(Parts parts, std::string path, Settings::Overrides overrides,
             std::shared_ptr<Settings> current, EngineConfig engine,
             metrics::Registry& metrics = metrics::Registry::unused());

    /// Reads, validates and applies the configuration. Never throws.
    ReloadReport reload();

    /// The last reload, if there was one.
    std::optional<ReloadReport> report() const;

    /// Whether a reload applies engine key `key` (else it needs a restart). A source's keys
    /// always apply: the source restarts with them.
    static bool appliesLive(const std::string& key);

    /// Sets the levels `logging.loggers.*` in `settings`' file name (POCO's LoggingConfigurator
    /// keys), for a reload; channels need a restart.
    static void applyLogLevels(const Settings& settings);

private:
    ReloadReport attempt();

    Parts _parts;
    std::string _path;
    Settings::Overrides _overrides;
    std::shared_ptr<const Settings> _started; // what the restart-only keys run with
    std::shared_ptr<Settings> _current;
    EngineConfig _engine;
    Poco::Logger& _log;
    mutable std::mutex _mutex;
    std::optional<ReloadReport> _last;
    metrics::Family<metrics::Counter>& _reloads;
};

} // namespace courierd
