#include "app/CourierDaemon.h"

#include "app/AdminEndpoint.h"
#include "app/Commands.h"
#include "app/HttpMetrics.h"
#include "app/Rechecks.h"
#include "app/Reloader.h"
#include "app/ServiceManager.h"
#include "app/ShutdownWatchdog.h"
#include "app/Startup.h"
#include "app/StatusLine.h"
#include "app/StoreGauges.h"
#include "app/Subsystems.h"
#include "app/Version.h"
#include "config/EngineConfig.h"
#include "config/Settings.h"
#include "courierd/Rfc3339.h"
#include "courierd/Utf8.h"
#include "couriers/CourierAssigner.h"
#include "couriers/CourierRepository.h"
#include "couriers/DeliveryMonitor.h"
#include "ledger/Retention.h"
#include "metrics/ProcessMetrics.h"
#include "pipeline/AssignmentPipeline.h"
#include "sources/Ingestor.h"
#include "sources/InstanceHeartbeat.h"
#include "sources/ReplayStore.h"
#include "sources/SourceCatalog.h"
#include "sources/SourceControls.h"
#include "sources/SourceScheduler.h"
#include "store/Database.h"
#include "util/Exceptions.h"

#include <Poco/NumberParser.h>
#include <Poco/Util/HelpFormatter.h>
#include <Poco/Util/Option.h>
#include <Poco/Util/OptionCallback.h>

#include <csignal>
#include <iostream>
#include <libpq-fe.h>
#include <pthread.h>

namespace courierd
{

using Poco::Util::Option;
using Poco::Util::OptionCallback;

namespace
{

sigset_t waitedSignals()
{
    sigset_t set;
    sigemptyset(&set);
    for (int sig : {SIGTERM, SIGINT, SIGQUIT, SIGHUP})
        sigaddset(&set, sig);
    return set;
}

} // namespace

void CourierDaemon::blockSignals()
{
    const sigset_t set = waitedSignals();
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

void CourierDaemon::initialize(Poco::Util::Application& self)
{
    // Configuration is read in main(), where its errors can set the exit code.
    ServerApplication::initialize(self);
}

void CourierDaemon::defineOptions(Poco::Util::OptionSet& options)
{
    ServerApplication::defineOptions(options);
    options.addOption(
        Option("help", "h", "print this help and exit")
            .callback(OptionCallback<CourierDaemon>(this, &CourierDaemon::handleHelp)));
    options.addOption(
        Option("version", "", "print the version and exit")
            .callback(OptionCallback<CourierDaemon>(this, &CourierDaemon::handleHelp)));
    options.addOption(
        Option("config", "c", "read the configuration from FILE (.ini or .properties)")
            .argument("FILE")
            .repeatable(false)
            .callback(OptionCallback<CourierDaemon>(this, &CourierDaemon::handleHelp)));
    options.addOption(
        Option("check-config", "",
               "validate the configuration, print what is wrong, "
               "exit non-zero on error; touches nothing")
            .callback(OptionCallback<CourierDaemon>(this, &CourierDaemon::handleHelp)));
    options.addOption(
        Option("migrate", "", "apply database migrations and exit")
            .callback(OptionCallback<CourierDaemon>(this, &CourierDaemon::handleHelp)));
    options.addOption(
        Option("rename-source", "",
               "with every courierd stopped and [source.FROM] renamed [source.TO] in the "
               "configuration: move source FROM's orders, deliveries and cursor to TO, and exit")
            .argument("FROM=TO")
            .repeatable(false)
            .callback(OptionCallback<CourierDaemon>(this, &CourierDaemon::handleHelp)));
    options.addOption(
        Option("describe-plugin", "",
               "print the plugin's name, version, ABI and the keys of its [source.NAME] "
               "section (type, default, limits, help), and exit; NAME_OR_PATH: a name in "
               "plugins.dir, or a .so file")
            .argument("NAME_OR_PATH")
            .repeatable(false)
            .callback(OptionCallback<CourierDaemon>(this, &CourierDaemon::handleHelp)));
    options.addOption(
        Option("preview-source", "",
               "fetch once from the configured source NAME and print what would be stored "
               "(records with their verdicts, rejects with their reasons) and the next "
               "cursor, and exit; stores nothing and moves no cursor")
            .argument("NAME")
            .repeatable(false)
            .callback(OptionCallback<CourierDaemon>(this, &CourierDaemon::handleHelp)));
    options.addOption(
        Option("cursor", "", "--preview-source: fetch from this cursor")
            .argument("CURSOR")
            .repeatable(false)
            .callback(OptionCallback<CourierDaemon>(this, &CourierDaemon::handleHelp)));
    options.addOption(
        Option("from", "", "--preview-source: fetch from this RFC3339 time (the plugin's cursorAt)")
            .argument("TIME")
            .repeatable(false)
            .callback(OptionCallback<CourierDaemon>(this, &CourierDaemon::handleHelp)));
    options.addOption(
        Option("limit", "", "--preview-source: print at most N records and rejects (20)")
            .argument("N")
            .repeatable(false)
            .callback(OptionCallback<CourierDaemon>(this, &CourierDaemon::handleHelp)));
    options.addOption(
        Option("format", "", "--describe-plugin, --preview-source: text (the default) or json")
            .argument("FORMAT")
            .repeatable(false)
            .callback(OptionCallback<CourierDaemon>(this, &CourierDaemon::handleHelp)));
    options.addOption(
        Option("set", "s", "override one configuration key: --set store.pool_size=4")
            .argument("KEY=VALUE")
            .repeatable(true)
            .callback(OptionCallback<CourierDaemon>(this, &CourierDaemon::handleSet)));
}

void CourierDaemon::handleHelp(const std::string& name, const std::string& value)
{
    if (name == "help")
    {
        _helpRequested = true;
        stopOptionsProcessing();
    }
    else if (name == "version")
    {
        _versionRequested = true;
        stopOptionsProcessing();
    }
    else if (name == "config")
        _configPath = value;
    else if (name == "check-config")
        _checkConfig = true;
    else if (name == "migrate")
        _migrateOnly = true;
    else if (name == "rename-source")
        _renameSource = value;
    else if (name == "describe-plugin")
        _describePlugin = value;
    else if (name == "format")
        _format = value;
    else if (name == "preview-source" || name == "cursor" || name == "from" || name == "limit")
    {
        if (!_preview)
            _preview.emplace();
        if (name == "preview-source")
            _preview->source = value;
        else if (name == "cursor")
            _preview->cursor = value;
        else if (name == "from")
        {
            _preview->from = parseRfc3339(value);
            if (!_preview->from)
                _previewProblem = "--from '" + clipped(value, 80) +
                                  "': not an RFC3339 time like 2026-11-24T10:15:30Z";
        }
        else
        {
            unsigned limit = 0;
            if (!Poco::NumberParser::tryParseUnsigned(value, limit) || limit < 1)
                _previewProblem = "--limit '" + clipped(value, 80) + "': a whole number, 1 or more";
            _preview->limit = limit;
        }
    }
}

void CourierDaemon::handleSet(const std::string&, const std::string& value)
{
    const auto eq = value.find('=');
    if (eq == std::string::npos || eq == 0)
    {
        std::cerr << "courierd: --set needs KEY=VALUE, got '" << value << "'" << std::endl;
        _usageError = true;
        stopOptionsProcessing();
        return;
    }
    _overrides.emplace_back(value.substr(0, eq), value.substr(eq + 1));
}

std::string CourierDaemon::commandProblem() const
{
    if (_format != "text" && _format != "json")
        return "--format '" + clipped(_format, 80) + "': text or json";
    if (!_previewProblem.empty())
        return _previewProblem;
    if (_preview && _preview->source.empty())
        return "--cursor, --from and --limit go with --preview-source NAME";
    if (_preview && _preview->cursor && _preview->from)
        return "--preview-source: give --cursor or --from, not both";
    const int commands = !_describePlugin.empty() + bool(_preview) + !_renameSource.empty() +
                         _checkConfig + _migrateOnly;
    if (commands > 1)
        return "give one of --describe-plugin, --preview-source, --rename-source, "
               "--check-config and --migrate";
    if (_format != "text" && _describePlugin.empty() && !_preview)
        return "--format goes with --describe-plugin or --preview-source";
    return {};
}

void CourierDaemon::printHelp() const
{
    Poco::Util::HelpFormatter help(options());
    help.setCommand(commandName());
    help.setUsage("[OPTIONS]");
    help.setHeader("courierd assigns couriers to the orders its source plugins fetch.");
    help.format(std::cout);

    const auto list = [](const std::vector<ConfigKey>& keys)
    {
        for (const auto& key : keys)
            std::cout << "  " << key.name << " (" << typeName(key.type) << ", default '"
                      << key.defaultValue << "', env " << environmentName(key.name) << ")\n      "
                      << key.help << "\n";
    };
    std::cout << "\nConfiguration keys (file < COURIERD_* environment < --set):\n";
    list(EngineConfig::schema());
    std::cout << "\nKeys of every [source.NAME] section, read by the engine (NAME: lower-case "
                 "letters, digits, - and _):\n";
    list(SourceCatalog::engineKeys("NAME"));
    std::cout << "  Beside them, the keys of the source's plugin: courierd --describe-plugin "
                 "PLUGIN lists them.\n";
    std::cout << "\nWithout --config, " << Startup::DEFAULT_CONFIG
              << " is read if it exists.\nExit codes: 0 ok, 64 bad --set, stray argument, options "
                 "that do not go "
                 "together or --rename-source names, 65 migration failed, 66 nothing to rename "
                 "(--rename-source), 69 database "
                 "unavailable or the source's fetch failed (--preview-source), 70 internal error, "
                 "75 try again later (--rename-source: an "
                 "instance is alive), 78 bad configuration or unknown option.\n";
}

int CourierDaemon::main(const std::vector<std::string>& args)
{
    if (_usageError)
        return EXIT_USAGE;
    if (_helpRequested)
    {
        printHelp();
        return EXIT_OK;
    }
    if (_versionRequested)
    {
        std::cout << "courierd " << COURIERD_VERSION << " (POCO " << COURIERD_POCO_VERSION
                  << ", libpq " << PQlibVersion() / 10000 << "." << PQlibVersion() % 10000 << ")"
                  << std::endl;
        return EXIT_OK;
    }
    if (!args.empty())
    {
        std::cerr << "courierd: unexpected argument '" << args.front() << "' (see --help)"
                  << std::endl;
        return EXIT_USAGE;
    }

    if (!_renameSource.empty())
        if (const std::string problem = commands::renameProblem(_renameSource); !problem.empty())
        {
            std::cerr << "courierd: " << problem << std::endl;
            return EXIT_USAGE;
        }
    if (const std::string problem = commandProblem(); !problem.empty())
    {
        std::cerr << "courierd: " << problem << " (see --help)" << std::endl;
        return EXIT_USAGE;
    }
    try
    {
        if (!_describePlugin.empty())
            return commands::describePlugin(_configPath, _overrides, _describePlugin,
                                            _format == "json");
        Startup startup(_configPath, _overrides, _stopping,
                        config().getBool("application.runAsDaemon", false));
        if (_checkConfig)
            return commands::checkConfig(startup);
        if (_migrateOnly)
            return commands::migrate(startup);
        if (!_renameSource.empty())
            return commands::renameSource(startup, _renameSource);
        if (_preview)
        {
            _preview->json = _format == "json";
            return commands::previewSource(startup, *_preview);
        }
        return serve(startup);
    }
    catch (const ConfigException& e)
    {
        std::cerr << "courierd: configuration error:\n" << e.message() << std::endl;
        return EXIT_CONFIG;
    }
    catch (const MigrationException& e)
    {
        Poco::Logger::get("courierd").fatal("cannot start: %s", e.message());
        return EXIT_MIGRATION;
    }
    catch (const StoreException& e)
    {
        Poco::Logger::get("courierd").fatal("cannot start: %s", e.message());
        return EXIT_UNAVAILABLE;
    }
    catch (const Poco::Exception& e)
    {
        Poco::Logger::get("courierd").fatal("cannot start: %s", e.displayText());
        return EXIT_SOFTWARE;
    }
    catch (const std::exception& e)
    {
        Poco::Logger::get("courierd").fatal("cannot start: %s", std::string(e.what()));
        return EXIT_SOFTWARE;
    }
}

int CourierDaemon::serve(Startup& startup)
{
    startup.startLogging();
    startup.migrate();
    const EngineConfig& engine = startup.engine;
    Database& database = *startup.database;
    SourceCatalog& sources = *startup.sources;
    Poco::Logger& log = Poco::Logger::get("courierd");
    if (const int demo = engine.assignment.demoCouriers; demo > 0)
        log.information("demo couriers: %d wanted, %d added now", demo,
                        CourierRepository(database).ensureDemoCouriers(demo));

    // Every component registers its metrics here; GET /metrics writes them.
    metrics::Registry registry;
    const metrics::ProcessMetrics processMetrics(registry);
    const HttpMetrics httpMetrics(registry);
    CourierAssigner assigner(database, engine.assignment);
    AssignmentPipeline pipeline(database, assigner, engine.pipeline,
                                Poco::Logger::get("courierd.pipeline"), registry);
    const auto wake = [&pipeline] { pipeline.wake(); };
    DeliveryMonitor monitor(database, engine.assignment.releaseInterval,
                            Poco::Logger::get("courierd.monitor"));
    Ingestor ingestor(database, engine.daemon.instanceId, engine.daemon.leaseTtl);
    InstanceHeartbeat heartbeat(database, engine.daemon.instanceId, engine.daemon.leaseTtl,
                                Poco::Logger::get("courierd"));
    SourceControls controls(database);
    ReplayStore replays(database);
    RecheckStore recheckStore(database);
    Rechecks rechecks(recheckStore, assigner);
    SourceScheduler scheduler(sources, ingestor, wake, _stopping, registry, &controls, &replays,
                              &rechecks);
    // Orders passed over for lack of a courier wait for their source's recheck (the
    // scheduler's sources, as a reload leaves them).
    pipeline.holdForRechecks(
        [&scheduler]
        {
            std::vector<AssignmentPipeline::RecheckHold> holds;
            for (const auto& [source, after] : scheduler.waitingRechecks())
                holds.push_back({source, after});
            return holds;
        });
    Retention retention(database, engine.retention, Poco::Logger::get("courierd.retention"),
                        registry);
    Subsystems parts(log);
    Reloader reloader({sources, scheduler, heartbeat, parts}, startup.path, _overrides,
                      startup.settings, engine, registry);
    metrics::History history(registry);
    AdminEndpoint admin(
        engine, *startup.settings,
        {database, scheduler, controls, replays, assigner, pipeline, reloader, registry, history});
    StoreGauges storeGauges(
        database,
        [&scheduler]
        {
            std::vector<std::string> names;
            for (const auto& status : scheduler.status())
                names.push_back(status.name);
            return names;
        },
        registry, StoreGauges::DEFAULT_EVERY);
    StatusLine status(
        database, [&scheduler] { return scheduler.status().size(); }, pipeline);

    // Started in this order, stopped in the reverse one: the admin endpoint and the sources'
    // timers first, the plugins last.
    parts.add({"sources", {}, [&sources] { sources.shutdown(); }, {}});
    parts.add(part("store gauges", storeGauges));
    parts.add(part("retention", retention,
                   [&retention](const EngineConfig& e) { retention.setConfig(e.retention); }));
    parts.add({"delivery monitor", [&monitor, wake] { monitor.start([wake](int) { wake(); }); },
               [&monitor] { monitor.stop(); },
               [&monitor](const EngineConfig& e)
               { monitor.setInterval(e.assignment.releaseInterval); }});
    parts.add({"assigner", {}, {}, [&assigner](const EngineConfig& e) {
                   assigner.setConfig(e.assignment);
               }});
    parts.add(part("assignment pipeline", pipeline,
                   [&pipeline](const EngineConfig& e) { pipeline.reconfigure(e.pipeline); }));
    parts.add({"instance heartbeat",
               [&heartbeat, &sources] { heartbeat.start(sources.names()); },
               [&heartbeat] { heartbeat.stop(); },
               {}});
    parts.add(part("source scheduler", scheduler));
    parts.add(part("history", history));
    parts.add(part("admin endpoint", admin,
                   [&admin](const EngineConfig& e) { admin.reconfigure(e.admin); }));
    parts.add(part("status line", status));
    parts.start();

    for (const auto& entry : sources.entries())
        log.information("source %s: plugin %s %s, every %s", entry->name, entry->info.name,
                        entry->info.version, formatDuration(entry->interval));
    log.information("courierd ready (pid %d, instance %s, %d assignment worker(s))",
                    static_cast<int>(getpid()), engine.daemon.instanceId, engine.pipeline.workers);
    ServiceManager::ready(status.text());
    waitForSignal(
        [&](Duration limit)
        {
            std::string stall = pipeline.stalled(limit);
            return stall.empty() ? scheduler.stalled(limit) : stall;
        },
        [&]
        {
            reloader.reload();
            if (ServiceManager::listening())
                ServiceManager::status(status.text());
        });

    log.information("stopping: no new ticks; finishing the running tick and claimed orders");
    ServiceManager::stopping();
    _stopping = true;
    const ShutdownWatchdog watchdog(engine.daemon.shutdownTimeout);
    parts.stop();
    log.information("stopped (%ld order(s) assigned by this process)", pipeline.assigned());
    return EXIT_OK;
}

void CourierDaemon::waitForSignal(const std::function<std::string(Duration)>& stalled,
                                  const std::function<void()>& reload)
{
    const sigset_t set = waitedSignals();
    Poco::Logger& log = Poco::Logger::get("courierd");
    const auto timeout = ServiceManager::watchdogTimeout();
    // systemd's advice: ping at half the timeout.
    const Duration every = timeout ? std::max<Duration>(*timeout / 2, Duration(1)) : Duration(0);
    if (timeout)
        log.information("systemd watchdog: a ping every %s while the assignment workers and the "
                        "source timers are alive",
                        formatDuration(every));
    bool stuck = false;
    auto nextPing = std::chrono::steady_clock::now();
    for (;;)
    {
        int sig = 0;
        if (timeout)
        {
            const auto now = std::chrono::steady_clock::now();
            if (now >= nextPing)
            {
                // Pinged from this loop, so a wedged main thread stops the pings too.
                const std::string stall = stalled(*timeout);
                if (stall.empty())
                {
                    ServiceManager::watchdog();
                    if (stuck)
                        log.information("systemd watchdog: alive again, pinging again");
                }
                else if (!stuck)
                    log.error("systemd watchdog: %s; no more pings, so systemd restarts "
                              "courierd if this lasts",
                              stall);
                stuck = !stall.empty();
                nextPing = now + every;
            }
            const auto wait = std::chrono::duration_cast<std::chrono::nanoseconds>(
                nextPing - std::chrono::steady_clock::now());
            timespec limit{};
            if (wait.count() > 0)
            {
                limit.tv_sec = static_cast<time_t>(wait.count() / 1000000000);
                limit.tv_nsec = static_cast<long>(wait.count() % 1000000000);
            }
            sig = sigtimedwait(&set, nullptr, &limit);
            if (sig < 0)
                continue; // EAGAIN (time to ping) or EINTR
        }
        else if (sigwait(&set, &sig) != 0)
            continue;
        if (sig == SIGHUP)
        {
            reload();
            continue;
        }
        log.information("received %s", std::string(strsignal(sig)));
        return;
    }
}

} // namespace courierd
