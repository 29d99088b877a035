// courierd-plugin-check: runs a source plugin through the host's lifecycle and checks what a
// source promises (docs/writing-a-plugin.md, "Checking a plugin").
#include "app/Version.h"
#include "check/PluginCheck.h"
#include "courierd/Exceptions.h"
#include "courierd/Plugin.h"
#include "courierd/Utf8.h"

#include <Poco/ConsoleChannel.h>
#include <Poco/Logger.h>

#include <algorithm>
#include <iostream>

namespace
{

constexpr const char* USAGE =
    "Usage: courierd-plugin-check PLUGIN.so --config FILE [OPTION]... [-- FAKE [ARGUMENT]...]\n"
    "Loads PLUGIN.so as courierd does, configures it from [source.NAME] of FILE, and checks:\n"
    "its settings table, two reads in a row, a restart from the stored cursor, a future\n"
    "cursor, records arriving between polls, stop, answers broken by a proxy, and that it\n"
    "writes nothing to stdout. FAKE is a program faking the source: it prints the URL to give\n"
    "the plugin's KEY (default base_url) on its first line, and answers each line 'seed N' on\n"
    "its stdin by making N records and printing their ids on one line. Checks that need what\n"
    "the plugin or FAKE does not have are reported as skipped.\n"
    "\n"
    "  --config FILE           the courierd configuration holding [source.NAME]\n"
    "  --source NAME           which source, when FILE has several\n"
    "  --set KEY=VALUE         a value over the file's (source.NAME.KEY=...)\n"
    "  --url-key KEY           the plugin's key for where it sends requests (base_url)\n"
    "  --stop-within DURATION  how soon a poll must end once stop is asked (5s)\n"
    "  --poll-within DURATION  how long one poll may run at all; one that runs on fails its\n"
    "                          check and ends the run (5m)\n"
    "  --verbose               the plugin's log at level information (else warning)\n"
    "  --version               the runner's version and the plugin ABI it checks\n"
    "\n"
    "Exit status: 0 no check failed, 1 one did, 64 a bad command line, 78 a bad configuration.\n";

int usage(const std::string& problem)
{
    std::cerr << "courierd-plugin-check: " << problem << "\n" << USAGE;
    return 64;
}

} // namespace

int main(int argc, char** argv)
{
    using namespace courierd;
    check::Options options;
    std::string level = "warning";
    for (int i = 1; i < argc; ++i)
    {
        const std::string arg = argv[i];
        const auto value = [&](const char* what) -> std::string
        {
            if (i + 1 >= argc)
                throw std::invalid_argument(arg + " needs " + what);
            return argv[++i];
        };
        try
        {
            if (arg == "--help" || arg == "-h")
            {
                std::cout << USAGE;
                return 0;
            }
            if (arg == "--version")
            {
                std::cout << "courierd-plugin-check " << COURIERD_VERSION << " (plugin ABI "
                          << COURIERD_ABI_VERSION << ")" << std::endl;
                return 0;
            }
            if (arg == "--")
            {
                options.fake.assign(argv + i + 1, argv + argc);
                if (options.fake.empty())
                    return usage("-- without a program after it");
                break;
            }
            if (arg == "--config")
                options.config = value("a file");
            else if (arg == "--source")
                options.source = value("a source name");
            else if (arg == "--url-key")
                options.urlKey = value("a key");
            else if (arg == "--verbose")
                level = "information";
            else if (arg == "--stop-within" || arg == "--poll-within")
            {
                const std::string text = value("a duration");
                const auto bound = parseDuration(text);
                if (!bound || bound->count() <= 0)
                    return usage(arg + " '" + clipped(text, 80) +
                                 "': give a duration such as 5s or 500ms");
                (arg == "--stop-within" ? options.stopBound : options.pollBound) = *bound;
            }
            else if (arg == "--set")
            {
                const std::string setting = value("KEY=VALUE");
                const auto eq = setting.find('=');
                if (eq == std::string::npos || eq == 0)
                    return usage("--set '" + clipped(setting, 80) + "': give KEY=VALUE");
                options.overrides.emplace_back(setting.substr(0, eq), setting.substr(eq + 1));
            }
            else if (arg.starts_with("-"))
                return usage("unknown option '" + clipped(arg, 80) + "'");
            else if (options.plugin.empty())
                options.plugin = arg;
            else
                return usage("one plugin only ('" + clipped(arg, 80) + "' is a second)");
        }
        catch (const std::invalid_argument& e)
        {
            return usage(e.what());
        }
    }
    if (options.plugin.empty() || options.config.empty())
        return usage("give PLUGIN.so and --config FILE");

    Poco::Logger::root().setChannel(new Poco::ConsoleChannel(std::cerr));
    Poco::Logger::root().setLevel(level);
    try
    {
        const auto results = check::run(options);
        std::cout << check::summary(results) << std::endl;
        return std::any_of(results.begin(), results.end(),
                           [](const check::Result& result)
                           { return result.outcome == check::Outcome::Fail; })
                   ? 1
                   : 0;
    }
    catch (const ConfigException& e)
    {
        std::cerr << "courierd-plugin-check: " << e.message() << std::endl;
        return 78;
    }
    catch (const Poco::Exception& e)
    {
        std::cerr << "courierd-plugin-check: " << e.displayText() << std::endl;
        return 70;
    }
}
