#pragma once

#include "config/Settings.h"
#include "courierd/ConfigMap.h"
#include "courierd/Duration.h"

#include <string>
#include <vector>

namespace courierd
{

// The engine's configuration, one struct a section. Every key, with its default, limits and
// help, is bound to its member once, in EngineConfig::map(); the members have no defaults of
// their own (EngineConfig::defaults() holds the declared ones).

/// Where and how the store connects.
struct StoreConfig
{
    std::string url;           ///< libpq URI, key=value string, or empty (libpq's PG* variables).
    int poolSize{};            ///< Most connections open at once.
    Duration connectTimeout{}; ///< How long one connection attempt may take.
    std::string password;      ///< From store.password_file; replaces the url's. Never log it.
};

/// Where plugins are looked up.
struct PluginsConfig
{
    std::string dir; ///< As configured; empty means defaultPluginDir().
    /// Refuse plugin files (and their directory) others may change (`plugins.strict_permissions`).
    bool strictPermissions{};

    /// `plugins.*` of `settings` (declared; read before the plugins' keys can be checked).
    /// Throws ConfigException naming a bad value's origin.
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
    int workers{};     ///< Threads assigning at once: in-flight work is at most this.
    int batchSize{};   ///< Most rows one worker claims and assigns in one statement.
    int maxAttempts{}; ///< Failures (not waits for a courier) before a row ends `failed`.
    /// Longest an idle worker sleeps before looking again: rows another instance ingested
    /// wake nobody here.
    Duration idlePoll{};
};

/// The rules of the assignment use case.
struct AssignmentConfig
{
    Duration deadlineOnFoot{};
    Duration deadlineScooter{};
    Duration deadlineCar{};
    Duration releaseInterval{}; ///< How often the delivery monitor frees couriers.
    int demoCouriers{};         ///< `demo.couriers`: demo couriers added at start when missing.
};

/// How long finished rows are kept (`retention.*`); zero keeps them for ever.
struct RetentionConfig
{
    Duration inbox{};         ///< Finished inbox rows, by fetched_at.
    Duration deliveries{};    ///< Past deliveries, by assigned_at.
    Duration replays{};       ///< Finished replays, by finished_at.
    Duration cursorHistory{}; ///< Cursor changes, by at.
    Duration interval{};      ///< How often a sweep runs.
};

/// The admin HTTP endpoint.
struct AdminConfig
{
    std::string listen;    ///< `host:port`; empty: no endpoint.
    std::string token;     ///< `admin.token`; from() moves it into tokens.
    std::string tokenFile; ///< What `admin.token_file` names holds; from() splits it into tokens.
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
    std::string instanceId;     ///< Names this instance in source leases (default host:pid).
    Duration shutdownTimeout{}; ///< Longest a graceful stop may take before courierd exits anyway.
    Duration leaseTtl{};        ///< How long a source lease lasts unrenewed.
};

/// The engine's own configuration, typed. Every key, its default, limits and help, is declared
/// once in map(), bound to its member; from() fills the struct from values that Settings has
/// already validated, then checks what one key alone cannot say.
struct EngineConfig
{
    StoreConfig store;
    std::string includeDir; ///< `config.include_dir`: Settings reads the drop-ins itself.
    PluginsConfig plugins;
    PipelineConfig pipeline;
    AssignmentConfig assignment;
    DaemonConfig daemon;
    AdminConfig admin;
    RetentionConfig retention;
    /// What from() found worth saying without refusing it (a secret file every user may read).
    std::vector<std::string> warnings;

    /// Every key the engine owns, bound to its member.
    static const ConfigMap<EngineConfig>& map();

    /// map()'s keys, with their defaults and limits.
    static const std::vector<ConfigKey>& schema();

    /// Reads the typed configuration. Throws ConfigException when settings has problems.
    /// warnings holds settings' own (a secret file every user may read) and from()'s.
    static EngineConfig from(const Settings& settings);

    /// The configuration of no file, no environment and no --set: every declared default.
    static const EngineConfig& defaults();
};

} // namespace courierd
