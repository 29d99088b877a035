#include "config/EngineConfig.h"

#include "courierd/Utf8.h"
#include "util/Exceptions.h"

#include <Poco/Environment.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/NumberParser.h>
#include <Poco/Process.h>
#include <Poco/String.h>
#include <Poco/StringTokenizer.h>

#include <filesystem>

namespace courierd
{

namespace
{

using namespace std::chrono_literals;
constexpr auto DAY = std::chrono::hours(24);
constexpr auto FOR_EVER = 100 * 365 * DAY; // the longest retention written

const ConfigMap<StoreConfig>& storeMap()
{
    using C = StoreConfig;
    static const auto map =
        ConfigMap<C>()
            .string("store.url", &C::url, "",
                    "PostgreSQL to use: a libpq URI (postgresql://user:pass@host:port/db?...), a "
                    "key=value string, or empty for libpq's PG* environment variables")
            .secret("store.password_file", &C::password,
                    "file holding the database password (replaces the url's); a relative path "
                    "is looked up in $CREDENTIALS_DIRECTORY (systemd's LoadCredential=)")
            .integer("store.pool_size", &C::poolSize, "8", "most database connections open at once",
                     1, 256)
            .duration("store.connect_timeout", &C::connectTimeout, "5s",
                      "how long one connection attempt may take", 1s, 1h);
    return map;
}

const ConfigMap<PipelineConfig>& pipelineMap()
{
    using C = PipelineConfig;
    static const auto map =
        ConfigMap<C>()
            .integer("pipeline.workers", &C::workers, "4",
                     "threads assigning orders at once (each holds one database connection)", 1, 64)
            .integer("pipeline.batch_size", &C::batchSize, "500",
                     "most orders one worker claims and assigns in one statement (1: one at a "
                     "time)",
                     1, 10000)
            .integer("pipeline.max_attempts", &C::maxAttempts, "10",
                     "failed assignment attempts (errors, not waits for a courier) before an "
                     "order ends failed",
                     1, 1000)
            .duration("pipeline.idle_poll", &C::idlePoll, "1s",
                      "longest an idle worker sleeps before looking for rows other instances "
                      "ingested",
                      10ms, 1min);
    return map;
}

const ConfigMap<AssignmentConfig>& assignmentMap()
{
    using C = AssignmentConfig;
    static const auto map =
        ConfigMap<C>()
            .duration("assignment.deadline.on_foot", &C::deadlineOnFoot, "30m",
                      "time a courier on foot has for one delivery", 1ms, 7 * DAY)
            .duration("assignment.deadline.scooter", &C::deadlineScooter, "15m",
                      "time a courier on a scooter has for one delivery", 1ms, 7 * DAY)
            .duration("assignment.deadline.car", &C::deadlineCar, "5m",
                      "time a courier in a car has for one delivery", 1ms, 7 * DAY)
            .duration("assignment.release_interval", &C::releaseInterval, "10s",
                      "how often couriers whose delivery deadline has passed are made available "
                      "again",
                      10ms, 1h);
    return map;
}

// Listed after retention.
const ConfigMap<AssignmentConfig>& demoMap()
{
    static const auto map = ConfigMap<AssignmentConfig>().integer(
        "demo.couriers", &AssignmentConfig::demoCouriers, "0",
        "demo couriers kept present: `demo courier 1`…N are added at start when missing (0: "
        "none; never changes or removes a courier)",
        0, 1000);
    return map;
}

const ConfigMap<RetentionConfig>& retentionMap()
{
    using C = RetentionConfig;
    static const auto map =
        ConfigMap<C>()
            .duration("retention.inbox", &C::inbox, "30d",
                      "finished inbox rows (assigned, skipped, failed, rejected) fetched longer "
                      "ago are deleted, in small batches; 0: kept for ever",
                      0ms, FOR_EVER)
            .duration("retention.deliveries", &C::deliveries, "90d",
                      "past deliveries assigned longer ago are deleted, in small batches; 0: "
                      "kept for ever",
                      0ms, FOR_EVER)
            .duration("retention.replays", &C::replays, "30d",
                      "finished replays (done, failed, canceled) that ended longer ago are "
                      "deleted; 0: kept for ever",
                      0ms, FOR_EVER)
            .duration("retention.cursor_history", &C::cursorHistory, "365d",
                      "operators' cursor changes and unassigns made longer ago are deleted "
                      "from the audit trail; 0: kept for ever",
                      0ms, FOR_EVER)
            .duration("retention.interval", &C::interval, "1m",
                      "how often the retention sweep runs (one instance at a time)", 100ms, DAY);
    return map;
}

const ConfigMap<AdminConfig>& adminMap()
{
    using C = AdminConfig;
    static const auto map =
        ConfigMap<C>()
            .string("admin.listen", &C::listen, "127.0.0.1:8081",
                    "host:port of the admin HTTP endpoint (port 0: any free port); empty: no "
                    "endpoint")
            .string("admin.token", &C::token, "",
                    "when set, every /api/v1 request needs Authorization: Bearer <token>")
            .secret("admin.token_file", &C::tokenFile,
                    "file holding admin.token (set one of the two), or two tokens, one a line, "
                    "while rotating it; relative: in $CREDENTIALS_DIRECTORY")
            .list("admin.allowed_hosts", &C::allowedHosts, "",
                  "comma-separated Host names the /api/v1 routes answer besides the listen "
                  "address, localhost and IP addresses (case-insensitive, port ignored)");
    return map;
}

const ConfigMap<DaemonConfig>& daemonMap()
{
    using C = DaemonConfig;
    static const auto map =
        ConfigMap<C>()
            .string("daemon.instance_id", &C::instanceId, "",
                    "this instance's name in source leases; empty: host name and admin.listen's "
                    "port (the same across restarts, distinct on one host), or host name and "
                    "process id without a fixed port")
            .duration("daemon.shutdown_timeout", &C::shutdownTimeout, "30s",
                      "longest a graceful stop may take; then courierd exits anyway (nothing "
                      "half-done: every change is one transaction)",
                      1s, 1h)
            .duration("daemon.lease_ttl", &C::leaseTtl, "30s",
                      "how long a source lease lasts unrenewed: another instance takes a source "
                      "over this long after its poller died",
                      1s, 1h);
    return map;
}

const ConfigMap<PluginsConfig>& pluginsMap()
{
    using C = PluginsConfig;
    static const auto map =
        ConfigMap<C>()
            .string("plugins.dir", &C::dir, "",
                    "directory of plugin files; empty: ../plugins beside a courierd in a build "
                    "tree, else ../lib/courierd/plugins (/usr/lib/courierd/plugins when "
                    "installed in /usr)")
            .boolean("plugins.strict_permissions", &C::strictPermissions, "true",
                     "true: refuse a plugin file, or the directory holding it, owned by a user "
                     "other than root or courierd's, or writable by others (as sshd's "
                     "StrictModes); false: load it");
    return map;
}

} // namespace

const ConfigMap<EngineConfig>& EngineConfig::map()
{
    using C = EngineConfig;
    // In the order of --help and the documentation.
    static const auto map =
        ConfigMap<C>()
            .include(&C::store, storeMap())
            .string("config.include_dir", &C::includeDir, "",
                    "directory of drop-in configuration files (*.ini, *.properties) read after "
                    "this file, in name order; relative to this file; empty: conf.d beside it")
            .include(&C::plugins, pluginsMap())
            .include(&C::pipeline, pipelineMap())
            .include(&C::assignment, assignmentMap())
            .include(&C::retention, retentionMap())
            .include(&C::assignment, demoMap())
            .include(&C::admin, adminMap())
            .include(&C::daemon, daemonMap());
    return map;
}

const std::vector<ConfigKey>& EngineConfig::schema()
{
    static const std::vector<ConfigKey> keys = map().keys();
    return keys;
}

const EngineConfig& EngineConfig::defaults()
{
    static const EngineConfig config = from(Settings::load("", schema(), {}, {}));
    return config;
}

namespace
{

// host:port, with a port of 0-65535 and a host that is an address or resolves: a typo must
// fail --check-config, not the start.
void checkListen(const Settings& settings, const std::string& listen)
{
    const auto colon = listen.rfind(':');
    const std::string port = colon == std::string::npos ? "" : listen.substr(colon + 1);
    unsigned value = 0;
    if (port.empty() || port.size() > 5 || !Poco::NumberParser::tryParseUnsigned(port, value) ||
        port.find_first_not_of("0123456789") != std::string::npos || value > 65535)
        throw ConfigException(settings.describe("admin.listen") +
                              ": not host:port with a port of 0-65535");
    try
    {
        Poco::Net::SocketAddress address(listen);
    }
    catch (const Poco::Exception& e)
    {
        throw ConfigException(settings.describe("admin.listen") + ": " + e.displayText());
    }
}

constexpr int TOKENS = Poco::StringTokenizer::TOK_TRIM | Poco::StringTokenizer::TOK_IGNORE_EMPTY;

// The tokens of admin.token_file: one a line, at most two (the old and the new one while a
// token is rotated); blank lines aside.
std::vector<std::string> tokensIn(const Settings& settings, const std::string& text)
{
    const Poco::StringTokenizer lines(text, "\n", TOKENS);
    if (lines.count() == 0 || lines.count() > 2)
        throw ConfigException(settings.describe("admin.token_file") + ": holds " +
                              std::to_string(lines.count()) +
                              " tokens; give one, or two (one a line) while rotating");
    return {lines.begin(), lines.end()};
}

// admin.allowed_hosts: host names (the admin endpoint drops their ports), lower-cased.
std::vector<std::string> hostsIn(const Settings& settings, const std::vector<std::string>& names)
{
    std::vector<std::string> hosts;
    for (const auto& host : names)
    {
        if (host.find_first_of(" /\\@") != std::string::npos)
            throw ConfigException(settings.describe("admin.allowed_hosts") + ": '" +
                                  clipped(host, 100) + "' is not a host name");
        hosts.push_back(Poco::toLower(host));
    }
    return hosts;
}

} // namespace

EngineConfig EngineConfig::from(const Settings& settings)
{
    settings.throwIfInvalid();
    EngineConfig config = map().read(settings);
    config.warnings = settings.warnings();
    if (!config.admin.listen.empty())
        checkListen(settings, config.admin.listen);
    if (config.daemon.instanceId.empty())
    {
        // Stable across restarts, so that a restarted instance takes its own lease at once
        // rather than waiting it out; two instances on one host cannot share a port.
        const std::string port =
            config.admin.listen.empty()
                ? std::string()
                : config.admin.listen.substr(config.admin.listen.rfind(':') + 1);
        config.daemon.instanceId =
            Poco::Environment::nodeName() + ":" +
            (port.empty() || port == "0" ? "pid-" + std::to_string(Poco::Process::id())
                                         : "admin-" + port);
    }
    if (!config.admin.token.empty())
        config.admin.tokens.push_back(std::move(config.admin.token));
    if (!config.admin.tokenFile.empty())
    {
        if (!config.admin.tokens.empty())
            throw ConfigException(settings.describe("admin.token_file") +
                                  ": admin.token is set too; set one of the two");
        config.admin.tokens = tokensIn(settings, config.admin.tokenFile);
    }
    config.admin.token.clear();
    config.admin.tokenFile.clear();
    config.admin.allowedHosts = hostsIn(settings, config.admin.allowedHosts);
    if (config.admin.openBeyondLoopback())
        config.warnings.push_back(settings.describe("admin.listen") +
                                  ": listens beyond the loopback interface without admin.token: "
                                  "anyone who reaches it can read the orders and steer courierd; "
                                  "set admin.token_file");
    return config;
}

bool AdminConfig::openBeyondLoopback() const
{
    if (listen.empty() || !tokens.empty())
        return false;
    const std::string host = Poco::toLower(listen.substr(0, listen.rfind(':')));
    return host != "localhost" && host != "[::1]" && host.rfind("127.", 0) != 0;
}

PluginsConfig PluginsConfig::from(const Settings& settings)
{
    return pluginsMap().read(settings);
}

std::string PluginsConfig::defaultPluginDir()
{
    std::error_code error;
    const auto exe = std::filesystem::read_symlink("/proc/self/exe", error);
    const auto prefix = error ? std::filesystem::path("/usr/sbin") : exe.parent_path();
    const auto buildTree = prefix.parent_path() / "plugins";
    if (std::filesystem::is_directory(buildTree, error))
        return buildTree.string();
    return (prefix.parent_path() / COURIERD_PLUGIN_INSTALL_DIR).string();
}

std::string PluginsConfig::resolvedDir() const
{
    return dir.empty() ? defaultPluginDir() : dir;
}

} // namespace courierd
