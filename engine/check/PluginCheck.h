#pragma once

#include "config/Settings.h"
#include "courierd/Duration.h"

#include <string>
#include <vector>

namespace courierd::check
{

/// What courierd-plugin-check is asked to do.
struct Options
{
    std::string plugin;              ///< The plugin's .so file.
    std::string config;              ///< A courierd configuration with the source's section.
    std::string source;              ///< Its name; empty: the configuration's only source.
    std::vector<std::string> fake;   ///< A program to start first (see FakeSource); empty: none.
    std::string urlKey = "base_url"; ///< The plugin's key for where it sends requests.
    Duration stopBound = Duration(5000); ///< How soon a fetch must end once stop is asked.
    /// How long one check's poll may run at all: a poll still running then (a plugin that
    /// never returns) fails that check and ends the run, exit status 1.
    Duration pollBound = Duration(300000);
    Settings::Overrides overrides; ///< --set KEY=VALUE, over the file.
};

enum class Outcome
{
    Pass,
    Fail,
    Skip,
};

struct Result
{
    std::string name;
    Outcome outcome;
    std::string detail;
};

/// Drives the plugin through the host's real lifecycle (PluginHost loads it, SourceCatalog
/// declares and checks its section, initializes it, the engine's calls in the engine's order)
/// and checks what a source promises; see docs/writing-a-plugin.md. Prints a line per check to
/// stdout as it ends; what the plugin writes there is captured for the stdout check. Throws
/// ConfigException when the source cannot be set up at all.
std::vector<Result> run(const Options& options);

/// `N passed, N failed, N skipped`: the report's last line.
std::string summary(const std::vector<Result>& results);

} // namespace courierd::check
