#include "app/Commands.h"

#include "app/Startup.h"
#include "courierd/Utf8.h"
#include "sources/SourceCatalog.h"
#include "sources/SourceStore.h"
#include "store/Database.h"
#include "util/Exceptions.h"

#include <Poco/Util/Application.h>

#include <iostream>

namespace courierd::commands
{

using Poco::Util::Application;

int checkConfig(Startup& startup)
{
    SourceCatalog& sources = *startup.sources;
    std::cout << "configuration OK: " << startup.describePath() << "\n  store "
              << startup.database->description() << "\n  plugins.dir " << sources.pluginDir()
              << "\n";
    for (const auto& entry : sources.entries())
        std::cout << "  source " << entry->name << ": plugin " << entry->info.name << " "
                  << entry->info.version << " (" << entry->info.path << "), every "
                  << formatDuration(entry->interval) << "\n";
    std::cout << std::flush;
    sources.shutdown();
    return Application::EXIT_OK;
}

int migrate(Startup& startup)
{
    startup.startLogging();
    startup.migrate();
    return Application::EXIT_OK;
}

std::string renameProblem(const std::string& argument)
{
    const auto eq = argument.find('=');
    const std::string from = argument.substr(0, eq);
    const std::string to = eq == std::string::npos ? "" : argument.substr(eq + 1);
    if (eq != std::string::npos && SourceCatalog::validName(from) && SourceCatalog::validName(to) &&
        from != to)
        return "";
    return "--rename-source '" + clipped(argument, 240) +
           "': give FROM=TO, two different source names (" + SourceCatalog::NAME_RULE + ")";
}

int renameSource(Startup& startup, const std::string& argument)
{
    startup.startLogging();
    startup.migrate();
    const auto eq = argument.find('=');
    const std::string from = argument.substr(0, eq);
    const std::string to = argument.substr(eq + 1); // checked by renameProblem()
    SourceCatalog& sources = *startup.sources;
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
        const auto renamed = SourceStore(*startup.database).rename(from, to);
        std::cout << "source " << from << " renamed " << to << ": " << renamed.inbox
                  << " inbox row(s), " << renamed.deliveries << " delivery(ies), "
                  << renamed.busyCouriers << " busy courier(s), "
                  << (renamed.cursor ? "the cursor" : "no cursor") << "; " << from
                  << " is left paused" << std::endl;
        return Application::EXIT_OK;
    }
    catch (const ConflictException& e)
    {
        std::cerr << "courierd: cannot rename: " << e.message() << std::endl;
        return Application::EXIT_TEMPFAIL;
    }
    catch (const Poco::NotFoundException& e)
    {
        std::cerr << "courierd: cannot rename: " << e.message() << std::endl;
        return Application::EXIT_NOINPUT;
    }
}

} // namespace courierd::commands
