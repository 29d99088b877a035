#pragma once

#include "config/Settings.h"
#include "courierd/Duration.h"

#include <string>
#include <vector>

namespace courierd
{

/// Where and how the store connects.
struct StoreConfig
{
    std::string url;         ///< libpq URI, key=value string, or empty (libpq's PG* variables).
    int poolSize = 8;        ///< Most connections open at once.
    Duration connectTimeout; ///< How long one connection attempt may take.
    std::string password;    ///< From store.password_file; replaces the url's. Never log it.
};

/// Where plugins are looked up.
struct PluginsConfig
{
    std::string dir; ///< As configured; empty means defaultPluginDir().
    /// Refuse plugin files (and their directory) others may change (`plugins.strict_permissions`).
    bool strictPermissions = true;

    /// `plugins.*` of `settings` (declared). Throws ConfigException naming a bad value's origin.
    static PluginsConfig from(const Settings& settings);

    /// `<dir of courierd>/../plugins` when that exists (a build tree), else
    /// `<dir of courierd>/../lib/courierd/plugins` (an installation: /usr/lib/courierd/plugins).
    static std::string defaultPluginDir();

    /// `dir`, or the default when it is empty.
    std::string resolvedDir() const;
};

/// How the pipeline runs.
struct PipelineConfig
{
    int workers = 4;      ///< Threads assigning at once: in-flight work is at most this.
    int batchSize = 500;  ///< Most rows one worker claims and assigns in one statement.
    int maxAttempts = 10; ///< Failures (not waits for a courier) before a row ends `failed`.
    /// Longest an idle worker sleeps before looking again: rows another instance ingested
    /// wake nobody here.
    Duration idlePoll = std::chrono::seconds(1);
};

/// The rules of the assignment use case.
struct AssignmentConfig
{
    Duration deadlineOnFoot;
    Duration deadlineScooter;
    Duration deadlineCar;
    Duration releaseInterval; ///< How often the delivery monitor frees couriers.
    int demoCouriers = 0;     ///< `demo.couriers`: demo couriers added at start when missing.
};

/// How long finished rows are kept (`retention.*`); zero keeps them for ever.
struct RetentionConfig
{
    Duration inbox = std::chrono::hours(24 * 30);          ///< Finished inbox rows, by fetched_at.
    Duration deliveries = std::chrono::hours(24 * 90);     ///< Past deliveries, by assigned_at.
    Duration replays = std::chrono::hours(24 * 30);        ///< Finished replays, by finished_at.
    Duration cursorHistory = std::chrono::hours(24 * 365); ///< Cursor changes, by at.
    Duration interval = std::chrono::minutes(1);           ///< How often a sweep runs.
};

/// The admin HTTP endpoint.
struct AdminConfig
{
    std::string listen; ///< `host:port`; empty: no endpoint.
    /// When any, every /api/v1 request needs `Authorization: Bearer <one of them>`: admin.token,
    /// or the one or two lines of admin.token_file (two while a token is rotated).
    std::vector<std::string> tokens;
    /// `admin.allowed_hosts`: Host names answered besides the listen address and localhost.
    std::vector<std::string> allowedHosts;

    /// True when the endpoint listens beyond the loopback interface without a token.
    bool openBeyondLoopback() const;
};

/// The process as a whole.
struct DaemonConfig
{
    std::string instanceId;   ///< Names this instance in source leases (default host:pid).
    Duration shutdownTimeout; ///< Longest a graceful stop may take before courierd exits anyway.
    Duration leaseTtl;        ///< How long a source lease lasts unrenewed.
};

/// The engine's own configuration, typed. The keys, defaults and limits are declared once in
/// schema(); from() reads values that Settings::load has already validated.
struct EngineConfig
{
    StoreConfig store;
    PluginsConfig plugins;
    PipelineConfig pipeline;
    AssignmentConfig assignment;
    DaemonConfig daemon;
    AdminConfig admin;
    RetentionConfig retention;
    /// What from() found worth saying without refusing it (a secret file every user may read).
    std::vector<std::string> warnings;

    /// Every key the engine owns, with its default and limits.
    static const std::vector<ConfigKey>& schema();

    /// Reads the typed configuration. Throws ConfigException when settings has problems.
    static EngineConfig from(const Settings& settings);
};

} // namespace courierd
