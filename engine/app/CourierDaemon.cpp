#include "app/CourierDaemon.h"

#include "admin/AdminServer.h"
#include "app/AdminAdapters.h"
#include "app/EscapingChannel.h"
#include "app/Reloader.h"
#include "app/ServiceManager.h"
#include "app/StoreGauges.h"
#include "app/Version.h"
#include "config/EngineConfig.h"
#include "config/Settings.h"
#include "courierd/Utf8.h"
#include "couriers/CourierAssigner.h"
#include "couriers/CourierRepository.h"
#include "couriers/DeliveryMonitor.h"
#include "ledger/Ledger.h"
#include "ledger/Retention.h"
#include "metrics/ProcessMetrics.h"
#include "pipeline/AssignmentPipeline.h"
#include "sdk/HttpObserver.h"
#include "sources/Ingestor.h"
#include "sources/InstanceHeartbeat.h"
#include "sources/SourceCatalog.h"
#include "sources/SourceScheduler.h"
#include "sources/SourceStore.h"
#include "store/Database.h"
#include "store/InboxCounts.h"
#include "store/Migrator.h"
#include "util/Exceptions.h"

#include <Poco/ConsoleChannel.h>
#include <Poco/File.h>
#include <Poco/FormattingChannel.h>
#include <Poco/Path.h>
#include <Poco/PatternFormatter.h>
#include <Poco/Timer.h>
#include <Poco/Util/HelpFormatter.h>
#include <Poco/Util/LoggingConfigurator.h>
#include <Poco/Util/Option.h>
#include <Poco/Util/OptionCallback.h>

#include <cerrno>
#include <condition_variable>
#include <csignal>
#include <iostream>
#include <libpq-fe.h>
#include <mutex>
#include <pthread.h>
#include <thread>

namespace courierd
{

using Poco::Util::Option;
using Poco::Util::OptionCallback;

const std::string CourierDaemon::DEFAULT_CONFIG = "/etc/courierd/courierd.ini";

namespace
{

// Ends the process if a graceful stop takes longer than allowed. Exiting then is safe: every
// change courierd makes is one transaction, so nothing is left half-done.
class ShutdownWatchdog
{
public:
    explicit ShutdownWatchdog(Duration limit)
        : _thread(
              [this, limit]
              {
                  std::unique_lock lock(_mutex);
                  if (!_done.wait_for(lock, limit, [this] { return _finished; }))
                  {
                      Poco::Logger::get("courierd")
                          .fatal(
                              "shutdown took longer than daemon.shutdown_timeout (%s); exiting now",
                              formatDuration(limit));
                      std::_Exit(Poco::Util::Application::EXIT_SOFTWARE);
                  }
              })
    {
    }
    ~ShutdownWatchdog()
    {
        {
            std::lock_guard lock(_mutex);
            _finished = true;
        }
        _done.notify_all();
        _thread.join();
    }

private:
    std::mutex _mutex;
    std::condition_variable _done;
    bool _finished = false;
    std::thread _thread;
};

// The one-line status systemd shows (`systemctl status`), refreshed on a timer of its own so
// that a slow database never holds up the main loop and its watchdog pings.
class StatusLine
{
public:
    StatusLine(Database& database, std::function<std::size_t()> sources,
               const AssignmentPipeline& pipeline)
        : _database(database)
        , _sources(std::move(sources))
        , _pipeline(pipeline)
    {
    }

    std::string text()
    {
        Poco::Int64 pending = 0;
        Poco::Int64 assigned = 0;
        try
        {
            auto session = _database.session();
            for (const auto& [source, states] : InboxCounts::read(session))
            {
                pending += states.count("pending") ? states.at("pending") : 0;
                assigned += states.count("assigned") ? states.at("assigned") : 0;
            }
        }
        catch (const Poco::Exception&)
        {
            return std::to_string(_sources()) + " source(s); the database is unreachable";
        }
        return std::to_string(_sources()) + " source(s); " + std::to_string(pending) +
               " pending, " + std::to_string(assigned) + " assigned; " +
               std::to_string(_pipeline.assigned()) + " assigned by this process";
    }

    void onTimer(Poco::Timer&) { ServiceManager::status(text()); }

private:
    Database& _database;
    std::function<std::size_t()> _sources;
    const AssignmentPipeline& _pipeline;
};

// What the plugins' HttpClients do, by source (see sdk/HttpObserver.h), while it lives.
class HttpMetrics
{
public:
    explicit HttpMetrics(metrics::Registry& registry)
    {
        auto& requests = registry.counter("courierd_http_requests_total",
                                          "HTTP requests of the sources' plugins, each attempt, by "
                                          "status code (or error: no answer)",
                                          {"source", "code"});
        auto& retries = registry.counter("courierd_http_retries_total",
                                         "Retries of the sources' HTTP requests by reason: "
                                         "status_NNN, timeout, network",
                                         {"source", "reason"});
        http_observer::set(
            [&requests, &retries](const std::string& source, http_observer::Event event,
                                  const std::string& label) {
                (event == http_observer::Event::Attempt ? requests : retries)
                    .with({source, label})
                    .inc();
            });
    }
    ~HttpMetrics() { http_observer::set({}); }
    HttpMetrics(const HttpMetrics&) = delete;
    HttpMetrics& operator=(const HttpMetrics&) = delete;
};

sigset_t waitedSignals()
{
    sigset_t set;
    sigemptyset(&set);
    for (int sig : {SIGTERM, SIGINT, SIGQUIT, SIGHUP})
        sigaddset(&set, sig);
    return set;
}

const char* typeName(ConfigType type)
{
    switch (type)
    {
    case ConfigType::String:
        return "string";
    case ConfigType::Integer:
        return "integer";
    case ConfigType::Duration:
        return "duration";
    }
    return "";
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

void CourierDaemon::printHelp() const
{
    Poco::Util::HelpFormatter help(options());
    help.setCommand(commandName());
    help.setUsage("[OPTIONS]");
    help.setHeader("courierd assigns couriers to the orders its source plugins fetch.");
    help.format(std::cout);

    std::cout << "\nConfiguration keys (file < COURIERD_* environment < --set):\n";
    for (const auto& key : EngineConfig::schema())
    {
        std::cout << "  " << key.name << " (" << typeName(key.type) << ", default '"
                  << key.defaultValue << "', env " << environmentName(key.name) << ")\n      "
                  << key.help << "\n";
    }
    std::cout << "\nWithout --config, " << DEFAULT_CONFIG
              << " is read if it exists.\nExit codes: 0 ok, 64 bad --set, stray argument or "
                 "--rename-source "
                 "names, 65 migration failed, 66 nothing to rename (--rename-source), 69 database "
                 "unavailable, 70 internal error, 75 try again later (--rename-source: an "
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
        if (const std::string problem = renameArgumentProblem(); !problem.empty())
        {
            std::cerr << "courierd: " << problem << std::endl;
            return EXIT_USAGE;
        }
    try
    {
        return serve();
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

namespace
{

// Sessions of the admin endpoint's own pool (see serve()).
constexpr int ADMIN_POOL_SIZE = 2;
constexpr long STATUS_EVERY = 10000; // ms

} // namespace

std::string CourierDaemon::renameArgumentProblem() const
{
    const auto eq = _renameSource.find('=');
    const std::string from = _renameSource.substr(0, eq);
    const std::string to = eq == std::string::npos ? "" : _renameSource.substr(eq + 1);
    if (eq != std::string::npos && SourceCatalog::validName(from) && SourceCatalog::validName(to) &&
        from != to)
        return "";
    return "--rename-source '" + clipped(_renameSource, 240) +
           "': give FROM=TO, two different source names (" + SourceCatalog::NAME_RULE + ")";
}

int CourierDaemon::renameSource(SourceCatalog& sources, Database& database)
{
    const auto eq = _renameSource.find('=');
    const std::string from = _renameSource.substr(0, eq);
    const std::string to = _renameSource.substr(eq + 1); // checked by renameArgumentProblem()
    bool fromConfigured = false, toConfigured = false;
    for (const auto& entry : sources.entries())
    {
        fromConfigured = fromConfigured || entry->name == from;
        toConfigured = toConfigured || entry->name == to;
    }
    sources.shutdown();
    if (fromConfigured || !toConfigured)
        throw ConfigException("--rename-source " + from + "=" + to +
                              ": rename the section [source." + from + "] to [source." + to +
                              "] in the configuration first, so that no courierd polls " + from +
                              " again from its start");
    try
    {
        const auto renamed = SourceStore(database).rename(from, to);
        std::cout << "source " << from << " renamed " << to << ": " << renamed.inbox
                  << " inbox row(s), " << renamed.deliveries << " delivery(ies), "
                  << renamed.busyCouriers << " busy courier(s), "
                  << (renamed.cursor ? "the cursor" : "no cursor") << "; " << from
                  << " is left paused" << std::endl;
        return EXIT_OK;
    }
    catch (const ConflictException& e)
    {
        std::cerr << "courierd: cannot rename: " << e.message() << std::endl;
        return EXIT_TEMPFAIL;
    }
    catch (const Poco::NotFoundException& e)
    {
        std::cerr << "courierd: cannot rename: " << e.message() << std::endl;
        return EXIT_NOINPUT;
    }
}

int CourierDaemon::serve()
{
    std::string path = _configPath;
    if (path.empty() && Poco::File(DEFAULT_CONFIG).exists())
        path = DEFAULT_CONFIG;
    if (!path.empty() && Poco::Path(path).isRelative() &&
        config().getBool("application.runAsDaemon", false))
        throw ConfigException("--config " + path +
                              ": give an absolute path with --daemon (it changes to / first)");

    const auto shared = std::make_shared<Settings>(
        Settings::read(path, Settings::currentEnvironment(), _overrides));
    Settings& settings = *shared;
    settings.declare(EngineConfig::schema());
    const PluginsConfig plugins = PluginsConfig::from(settings);
    SourceCatalog sources(settings, plugins.resolvedDir(), _stopping, plugins.strictPermissions);
    for (const auto& warning : settings.warnings())
        std::cerr << "courierd: warning: " << warning << std::endl;
    const EngineConfig engine = EngineConfig::from(settings);
    if (const std::string problem = SourceCatalog::retentionProblem(
            engine.retention.inbox, SourceCatalog::longestWindow(settings));
        !problem.empty())
        throw ConfigException(settings.origin("retention.inbox") + ": " + problem);
    for (const auto& warning : engine.warnings)
        std::cerr << "courierd: warning: " << warning << std::endl;
    Database database(engine.store);
    sources.initialize();

    if (_checkConfig)
    {
        std::cout << "configuration OK: " << (path.empty() ? "(defaults and environment)" : path)
                  << "\n  store " << database.description() << "\n  plugins.dir "
                  << sources.pluginDir() << "\n";
        for (const auto& entry : sources.entries())
            std::cout << "  source " << entry->name << ": plugin " << entry->info.name << " "
                      << entry->info.version << " (" << entry->info.path << "), every "
                      << formatDuration(entry->interval) << "\n";
        std::cout << std::flush;
        sources.shutdown();
        return EXIT_OK;
    }

    if (auto file = settings.file(); file && file->hasProperty("logging.loggers.root.channel"))
        Poco::Util::LoggingConfigurator().configure(file);
    else
        configureLogging();
    EscapingChannel::guardAll();
    Poco::Logger& log = Poco::Logger::get("courierd");
    log.information("courierd %s starting; config %s; store %s", std::string(COURIERD_VERSION),
                    path.empty() ? std::string("(defaults and environment)") : path,
                    database.description());

    database.verify();
    {
        auto session = database.connect();
        const auto applied = Migrator(Migrator::builtIn()).apply(session, log);
        log.information("schema up to date (%z migration(s) applied now)", applied.size());
    }
    if (_migrateOnly)
        return EXIT_OK;
    if (!_renameSource.empty())
        return renameSource(sources, database);
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
    DeliveryMonitor monitor(database, engine.assignment.releaseInterval,
                            Poco::Logger::get("courierd.monitor"));
    Ingestor ingestor(database, engine.daemon.instanceId, engine.daemon.leaseTtl);
    InstanceHeartbeat heartbeat(database, engine.daemon.instanceId, engine.daemon.leaseTtl,
                                Poco::Logger::get("courierd"));
    SourceControls controls(database);
    ReplayStore replays(database);
    SourceScheduler scheduler(
        sources, ingestor, [&pipeline] { pipeline.wake(); }, _stopping, registry, &controls,
        &replays);

    // The admin endpoint has a small pool of its own: however many requests arrive, it never
    // takes the sessions the scheduler, the workers and the monitor need.
    StoreConfig adminStore = engine.store;
    adminStore.poolSize = ADMIN_POOL_SIZE;
    Database adminDatabase(adminStore);
    CourierRepository couriers(adminDatabase);
    SourceStore sourceStore(adminDatabase);
    std::unique_ptr<AdminServer> admin;
    Retention retention(database, engine.retention, Poco::Logger::get("courierd.retention"),
                        registry);
    Reloader reloader({sources, scheduler, heartbeat, pipeline, assigner, monitor, retention,
                       [&admin](const AdminConfig& config)
                       {
                           if (admin)
                               admin->setAccess({config.tokens, config.allowedHosts});
                       }},
                      path, _overrides, shared, engine, registry);
    DatabaseHealth health(adminDatabase, [&scheduler] { return scheduler.status().size(); });
    RepositoryCouriers courierService(couriers, [&pipeline] { pipeline.wake(); });
    SourceControls adminControls(adminDatabase);
    CursorStore cursorStore(adminDatabase);
    ReplayStore adminReplays(adminDatabase);
    ScheduledSources sourceService(
        {[&scheduler] { return scheduler.status(); }, sourceStore, adminControls,
         [&scheduler] { scheduler.readControls(); }, cursorStore,
         [&scheduler](const std::string& name, const Poco::Timestamp& time)
         { return scheduler.cursorAt(name, time); },
         adminReplays});
    DaemonReload reloadService(reloader, [] { ::kill(::getpid(), SIGHUP); });
    Ledger ledger(adminDatabase);
    CourierAssigner adminAssigner(adminDatabase, engine.assignment);
    StoreLedger ledgerService(ledger, adminAssigner, [&pipeline] { pipeline.wake(); });
    if (!engine.admin.listen.empty())
    {
        try
        {
            admin = std::make_unique<AdminServer>(
                engine.admin.listen, AdminAccess{engine.admin.tokens, engine.admin.allowedHosts},
                AdminServices{health, courierService, sourceService, reloadService, ledgerService,
                              registry},
                [&adminDatabase](const std::string& text) { return adminDatabase.explain(text); });
        }
        catch (const Poco::Exception& e)
        {
            throw ConfigException(settings.describe("admin.listen") +
                                  ": cannot listen there: " + e.displayText());
        }
    }

    StoreGauges storeGauges(
        adminDatabase, {&database, &adminDatabase},
        [&scheduler]
        {
            std::vector<std::string> names;
            for (const auto& status : scheduler.status())
                names.push_back(status.name);
            return names;
        },
        registry, StoreGauges::DEFAULT_EVERY);

    pipeline.start();
    storeGauges.start();
    monitor.start([&pipeline](int) { pipeline.wake(); });
    retention.start();
    {
        std::vector<std::string> names;
        for (const auto& entry : sources.entries())
            names.push_back(entry->name);
        heartbeat.start(names);
    }
    scheduler.start();
    if (admin)
    {
        admin->start();
        const auto host = engine.admin.listen.substr(0, engine.admin.listen.rfind(':'));
        log.information("admin endpoint on http://%s:%hu", host, admin->port());
    }
    for (const auto& entry : sources.entries())
        log.information("source %s: plugin %s %s, every %s", entry->name, entry->info.name,
                        entry->info.version, formatDuration(entry->interval));
    log.information("courierd ready (pid %d, instance %s, %d assignment worker(s))",
                    static_cast<int>(getpid()), engine.daemon.instanceId, engine.pipeline.workers);
    StatusLine status(
        database, [&scheduler] { return scheduler.status().size(); }, pipeline);
    ServiceManager::ready(status.text());
    // Only for a service manager: outside one nobody reads the line, so no query runs for it.
    Poco::Timer statusTimer(STATUS_EVERY, STATUS_EVERY);
    if (ServiceManager::listening())
        statusTimer.start(Poco::TimerCallback<StatusLine>(status, &StatusLine::onTimer));

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
    statusTimer.stop();

    log.information("stopping: no new ticks; finishing the running tick and claimed orders");
    ServiceManager::stopping();
    _stopping = true;
    ShutdownWatchdog watchdog(engine.daemon.shutdownTimeout);
    if (admin)
        admin->stop();
    scheduler.stop();
    heartbeat.stop();
    pipeline.stop();
    monitor.stop();
    retention.stop();
    storeGauges.stop();
    sources.shutdown();
    log.information("stopped (%ld order(s) assigned by this process)", pipeline.assigned());
    return EXIT_OK;
}

void CourierDaemon::configureLogging()
{
    Poco::AutoPtr<Poco::PatternFormatter> formatter(
        new Poco::PatternFormatter("%Y-%m-%dT%H:%M:%S.%iZ %q %s: %t"));
    Poco::AutoPtr<Poco::ConsoleChannel> console(new Poco::ConsoleChannel);
    Poco::AutoPtr<Poco::FormattingChannel> channel(new Poco::FormattingChannel(formatter, console));
    Poco::Logger::root().setChannel(channel);
    Poco::Logger::root().setLevel(Poco::Message::PRIO_INFORMATION);
    Poco::Logger::setChannel("", channel);
    Poco::Logger::setLevel("", Poco::Message::PRIO_INFORMATION);
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
