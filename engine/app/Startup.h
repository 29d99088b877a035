#pragma once

#include "config/EngineConfig.h"
#include "config/Settings.h"

#include <atomic>
#include <memory>
#include <string>

namespace courierd
{

class Database;
class SourceCatalog;

/// What courierd begins with, whatever it was asked to do (serve, or a command): the
/// configuration read and checked (file, drop-ins, COURIERD_* environment, --set), the plugins
/// of its sources loaded and initialized, and the store it names (not yet connected).
/// Construction throws ConfigException naming the key and where its value came from; warnings
/// go to stderr.
class Startup
{
public:
    /// Where the configuration is read from when `--config` is not given (if it exists).
    static const std::string DEFAULT_CONFIG;

    /// `path` empty: DEFAULT_CONFIG if it exists, else defaults and environment. `stopping` is
    /// the daemon's flag, handed to the sources; `runAsDaemon`: `--daemon` was given.
    Startup(std::string path, const Settings::Overrides& overrides,
            const std::atomic<bool>& stopping, bool runAsDaemon);
    /// The sources shut down and their plugins unloaded.
    ~Startup();

    Startup(const Startup&) = delete;
    Startup& operator=(const Startup&) = delete;

    /// The file read, or "(defaults and environment)".
    std::string describePath() const;

    /// The log as configured: `logging.*` of the file if it names a root channel, else one
    /// line per message on stderr; every message kept one line (EscapingChannel). Then the
    /// "starting" line.
    void startLogging() const;

    /// Checks the store and applies the migrations it lacks. Throws StoreException,
    /// MigrationException.
    void migrate() const;

    std::string path;
    std::shared_ptr<Settings> settings;
    EngineConfig engine;
    std::unique_ptr<SourceCatalog> sources;
    std::unique_ptr<Database> database;
};

} // namespace courierd
