#include "app/Startup.h"

#include "app/AdminEndpoint.h"
#include "app/EscapingChannel.h"
#include "app/Version.h"
#include "sources/SourceCatalog.h"
#include "store/Database.h"
#include "store/Migrator.h"

#include <Poco/ConsoleChannel.h>
#include <Poco/File.h>
#include <Poco/FormattingChannel.h>
#include <Poco/Path.h>
#include <Poco/PatternFormatter.h>
#include <Poco/Util/LoggingConfigurator.h>

#include <iostream>
#include <utility>

namespace courierd
{

const std::string Startup::DEFAULT_CONFIG = "/etc/courierd/courierd.ini";

namespace
{

// One line per message on the console, when the file configures no channel.
void consoleLogging()
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

} // namespace

Startup::Startup(std::string configPath, const Settings::Overrides& overrides,
                 const std::atomic<bool>& stopping, bool runAsDaemon)
    : path(std::move(configPath))
{
    if (path.empty() && Poco::File(DEFAULT_CONFIG).exists())
        path = DEFAULT_CONFIG;
    if (!path.empty() && Poco::Path(path).isRelative() && runAsDaemon)
        throw ConfigException("--config " + path +
                              ": give an absolute path with --daemon (it changes to / first)");

    settings =
        std::make_shared<Settings>(Settings::read(path, Settings::currentEnvironment(), overrides));
    settings->declare(EngineConfig::schema());
    const PluginsConfig plugins = PluginsConfig::from(*settings);
    sources = std::make_unique<SourceCatalog>(*settings, plugins.resolvedDir(), stopping,
                                              plugins.strictPermissions);
    const auto warn = [](const std::vector<std::string>& warnings)
    {
        for (const auto& warning : warnings)
            std::cerr << "courierd: warning: " << warning << std::endl;
    };
    try
    {
        engine = EngineConfig::from(*settings); // its warnings include the settings'
    }
    catch (const ConfigException&)
    {
        warn(settings->warnings());
        throw;
    }
    if (const std::string problem = SourceCatalog::retentionProblem(
            engine.retention.inbox, SourceCatalog::longestWindow(*settings));
        !problem.empty())
        throw ConfigException(settings->origin("retention.inbox") + ": " + problem);
    warn(engine.warnings);
    database = std::make_unique<Database>(engine.store, AdminEndpoint::POOL_SIZE);
    sources->initialize();
}

Startup::~Startup() = default;

std::string Startup::describePath() const
{
    return path.empty() ? std::string("(defaults and environment)") : path;
}

void Startup::startLogging() const
{
    if (auto file = settings->file(); file && file->hasProperty("logging.loggers.root.channel"))
        Poco::Util::LoggingConfigurator().configure(file);
    else
        consoleLogging();
    EscapingChannel::guardAll();
    Poco::Logger::get("courierd")
        .information("courierd %s starting; config %s; store %s", std::string(COURIERD_VERSION),
                     describePath(), database->description());
}

void Startup::migrate() const
{
    Poco::Logger& log = Poco::Logger::get("courierd");
    database->verify();
    auto session = database->connect();
    const auto applied = Migrator(Migrator::builtIn()).apply(session, log);
    log.information("schema up to date (%z migration(s) applied now)", applied.size());
}

} // namespace courierd
