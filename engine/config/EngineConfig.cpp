#include "config/EngineConfig.h"

#include "courierd/Utf8.h"
#include "util/Exceptions.h"
#include "util/RegularFile.h"

#include <Poco/Environment.h>
#include <Poco/File.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/NumberParser.h>
#include <Poco/Path.h>
#include <Poco/Process.h>
#include <Poco/String.h>
#include <Poco/StringTokenizer.h>

#include <cstdio>
#include <filesystem>
#include <sys/stat.h>

namespace courierd
{

const std::vector<ConfigKey>& EngineConfig::schema()
{
    static const std::vector<ConfigKey> keys = {
        {"store.url", ConfigType::String, "",
         "PostgreSQL to use: a libpq URI (postgresql://user:pass@host:port/db?...), a key=value "
         "string, or empty for libpq's PG* environment variables"},
        {"store.password_file", ConfigType::String, "",
         "file holding the database password (replaces the url's); a relative path is looked up "
         "in $CREDENTIALS_DIRECTORY (systemd's LoadCredential=)"},
        {"store.pool_size", ConfigType::Integer, "8", "most database connections open at once", 1,
         256},
        {"store.connect_timeout", ConfigType::Duration, "5s",
         "how long one connection attempt may take", MS_PER_SECOND, MS_PER_HOUR},
        {"config.include_dir", ConfigType::String, "",
         "directory of drop-in configuration files (*.ini, *.properties) read after this file, "
         "in name order; relative to this file; empty: conf.d beside it"},
        {"plugins.dir", ConfigType::String, "",
         "directory of plugin files; empty: ../plugins beside a courierd in a build tree, else "
         "../lib/courierd/plugins (/usr/lib/courierd/plugins when installed in /usr)"},
        {"plugins.strict_permissions", ConfigType::String, "true",
         "true: refuse a plugin file, or the directory holding it, owned by a user other than "
         "root or courierd's, or writable by others (as sshd's StrictModes); false: load it"},
        {"pipeline.workers", ConfigType::Integer, "4",
         "threads assigning orders at once (each holds one database connection)", 1, 64},
        {"pipeline.batch_size", ConfigType::Integer, "500",
         "most orders one worker claims and assigns in one statement (1: one at a time)", 1, 10000},
        {"pipeline.max_attempts", ConfigType::Integer, "10",
         "failed assignment attempts (errors, not waits for a courier) before an order ends "
         "failed",
         1, 1000},
        {"pipeline.idle_poll", ConfigType::Duration, "1s",
         "longest an idle worker sleeps before looking for rows other instances ingested", 10,
         MS_PER_MINUTE},
        {"assignment.deadline.on_foot", ConfigType::Duration, "30m",
         "time a courier on foot has for one delivery", 1, 7 * MS_PER_DAY},
        {"assignment.deadline.scooter", ConfigType::Duration, "15m",
         "time a courier on a scooter has for one delivery", 1, 7 * MS_PER_DAY},
        {"assignment.deadline.car", ConfigType::Duration, "5m",
         "time a courier in a car has for one delivery", 1, 7 * MS_PER_DAY},
        {"assignment.release_interval", ConfigType::Duration, "10s",
         "how often couriers whose delivery deadline has passed are made available again", 10,
         MS_PER_HOUR},
        {"retention.inbox", ConfigType::Duration, "30d",
         "finished inbox rows (assigned, skipped, failed, rejected) fetched longer ago are "
         "deleted, in small batches; 0: kept for ever",
         0, 100 * 365 * MS_PER_DAY},
        {"retention.deliveries", ConfigType::Duration, "90d",
         "past deliveries assigned longer ago are deleted, in small batches; 0: kept for ever", 0,
         100 * 365 * MS_PER_DAY},
        {"retention.replays", ConfigType::Duration, "30d",
         "finished replays (done, failed, canceled) that ended longer ago are deleted; 0: kept "
         "for ever",
         0, 100 * 365 * MS_PER_DAY},
        {"retention.cursor_history", ConfigType::Duration, "365d",
         "operators' cursor changes made longer ago are deleted from the audit trail; 0: kept "
         "for ever",
         0, 100 * 365 * MS_PER_DAY},
        {"retention.interval", ConfigType::Duration, "1m",
         "how often the retention sweep runs (one instance at a time)", 100, MS_PER_DAY},
        {"demo.couriers", ConfigType::Integer, "0",
         "demo couriers kept present: `demo courier 1`…N are added at start when missing (0: "
         "none; never changes or removes a courier)",
         0, 1000},
        {"admin.listen", ConfigType::String, "127.0.0.1:8081",
         "host:port of the admin HTTP endpoint (port 0: any free port); empty: no endpoint"},
        {"admin.token", ConfigType::String, "",
         "when set, every /api/v1 request needs Authorization: Bearer <token>"},
        {"admin.token_file", ConfigType::String, "",
         "file holding admin.token (set one of the two), or two tokens, one a line, while "
         "rotating it; relative: in $CREDENTIALS_DIRECTORY"},
        {"admin.allowed_hosts", ConfigType::String, "",
         "comma-separated Host names the /api/v1 routes answer besides the listen address, "
         "localhost and IP addresses (case-insensitive, port ignored)"},
        {"daemon.instance_id", ConfigType::String, "",
         "this instance's name in source leases; empty: host name and admin.listen's port "
         "(the same across restarts, distinct on one host), or host name and process id "
         "without a fixed port"},
        {"daemon.shutdown_timeout", ConfigType::Duration, "30s",
         "longest a graceful stop may take; then courierd exits anyway (nothing half-done: "
         "every change is one transaction)",
         MS_PER_SECOND, MS_PER_HOUR},
        {"daemon.lease_ttl", ConfigType::Duration, "30s",
         "how long a source lease lasts unrenewed: another instance takes a source over this "
         "long after its poller died",
         MS_PER_SECOND, MS_PER_HOUR},
    };
    return keys;
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

// The content of the secret file `key` names (empty when the key is unset), its trailing
// newline dropped, with a warning in `warnings` when every user may read it. Errors name the
// key and the path, never what the file holds.
std::string secretFrom(const Settings& settings, const std::string& key,
                       std::vector<std::string>& warnings)
{
    std::string path = settings.getString(key);
    if (path.empty())
        return {};
    if (path.front() != '/')
    {
        const std::string credentials = Poco::Environment::get("CREDENTIALS_DIRECTORY", "");
        if (credentials.empty())
            throw ConfigException(settings.describe(key) +
                                  ": a relative path is looked up in $CREDENTIALS_DIRECTORY "
                                  "(systemd's LoadCredential=), which is not set");
        path = credentials + "/" + path;
    }
    std::string secret;
    try
    {
        secret = readRegularFile(path, 4096);
    }
    catch (const Poco::Exception& e)
    {
        throw ConfigException(settings.describe(key) + ": " + e.message());
    }
    struct stat status
    {
    };
    if (::stat(path.c_str(), &status) == 0 && (status.st_mode & S_IROTH))
    {
        char mode[8];
        std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(status.st_mode & 07777));
        warnings.push_back(settings.describe(key) + ": " + path +
                           " can be read by every user (mode " + mode +
                           "); make it readable by root and courierd only (chmod o-r)");
    }
    if (!secret.empty() && secret.back() == '\n')
        secret.pop_back();
    if (!secret.empty() && secret.back() == '\r')
        secret.pop_back();
    if (secret.empty())
        throw ConfigException(settings.describe(key) + ": " + path + " is empty");
    return secret;
}

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

// admin.allowed_hosts: comma-separated host names (the admin endpoint drops their ports).
std::vector<std::string> hostsIn(const Settings& settings, const std::string& text)
{
    std::vector<std::string> hosts;
    for (const auto& host : Poco::StringTokenizer(text, ",", TOKENS))
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
    EngineConfig config;
    config.store.url = settings.getString("store.url");
    config.store.poolSize = static_cast<int>(settings.getInt("store.pool_size"));
    config.store.connectTimeout = settings.getDuration("store.connect_timeout");
    config.plugins = PluginsConfig::from(settings);
    config.pipeline.workers = static_cast<int>(settings.getInt("pipeline.workers"));
    config.pipeline.batchSize = static_cast<int>(settings.getInt("pipeline.batch_size"));
    config.pipeline.maxAttempts = static_cast<int>(settings.getInt("pipeline.max_attempts"));
    config.pipeline.idlePoll = settings.getDuration("pipeline.idle_poll");
    config.retention.inbox = settings.getDuration("retention.inbox");
    config.retention.deliveries = settings.getDuration("retention.deliveries");
    config.retention.replays = settings.getDuration("retention.replays");
    config.retention.cursorHistory = settings.getDuration("retention.cursor_history");
    config.retention.interval = settings.getDuration("retention.interval");
    config.admin.listen = settings.getString("admin.listen");
    if (!config.admin.listen.empty())
        checkListen(settings, config.admin.listen);
    config.daemon.instanceId = settings.getString("daemon.instance_id");
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
    config.store.password = secretFrom(settings, "store.password_file", config.warnings);
    if (std::string token = settings.getString("admin.token"); !token.empty())
        config.admin.tokens.push_back(std::move(token));
    if (const std::string file = secretFrom(settings, "admin.token_file", config.warnings);
        !file.empty())
    {
        if (!config.admin.tokens.empty())
            throw ConfigException(settings.describe("admin.token_file") +
                                  ": admin.token is set too; set one of the two");
        config.admin.tokens = tokensIn(settings, file);
    }
    config.admin.allowedHosts = hostsIn(settings, settings.getString("admin.allowed_hosts"));
    if (config.admin.openBeyondLoopback())
        config.warnings.push_back(settings.describe("admin.listen") +
                                  ": listens beyond the loopback interface without admin.token: "
                                  "anyone who reaches it can read the orders and steer courierd; "
                                  "set admin.token_file");
    config.daemon.shutdownTimeout = settings.getDuration("daemon.shutdown_timeout");
    config.daemon.leaseTtl = settings.getDuration("daemon.lease_ttl");
    config.assignment.deadlineOnFoot = settings.getDuration("assignment.deadline.on_foot");
    config.assignment.deadlineScooter = settings.getDuration("assignment.deadline.scooter");
    config.assignment.deadlineCar = settings.getDuration("assignment.deadline.car");
    config.assignment.releaseInterval = settings.getDuration("assignment.release_interval");
    config.assignment.demoCouriers = static_cast<int>(settings.getInt("demo.couriers"));
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
    PluginsConfig config;
    config.dir = settings.getString("plugins.dir");
    const std::string strict = settings.getString("plugins.strict_permissions");
    if (strict != "true" && strict != "false")
        throw ConfigException(settings.describe("plugins.strict_permissions") +
                              ": expected true or false");
    config.strictPermissions = strict == "true";
    return config;
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
