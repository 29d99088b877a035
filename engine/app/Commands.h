#pragma once

#include "config/Settings.h"

#include <Poco/Timestamp.h>

#include <cstddef>
#include <optional>
#include <string>

namespace courierd
{

class Startup;

/// What courierd does instead of serving when asked (courierd(8) lists the options and their
/// exit codes). Each begins with a Startup, whose construction has checked the configuration.
namespace commands
{

/// `--check-config`: prints what the configuration makes (the store, the plugins' directory,
/// every source with its plugin) and touches nothing. EXIT_OK.
int checkConfig(Startup& startup);

/// `--migrate`: applies the database migrations and exits. EXIT_OK; throws StoreException
/// and MigrationException.
int migrate(Startup& startup);

/// `--rename-source FROM=TO` (checked by renameProblem() first), after the migrations:
/// EXIT_OK; EXIT_TEMPFAIL while a live instance has either name configured or holds its lease,
/// or TO is taken; EXIT_NOINPUT when FROM holds nothing (nothing changed in each case);
/// ConfigException unless the configuration was renamed first.
int renameSource(Startup& startup, const std::string& argument);

/// Empty when `argument` (of --rename-source) names two different valid source names; else
/// why not.
std::string renameProblem(const std::string& argument);

/// `--describe-plugin NAME_OR_PATH [--format json]`: the plugin's name, version, class, ABI and
/// file, and every key of its section (type, default, limits, help), after the engine's keys of
/// every section; looked up in plugins.dir of the configuration at `path` (or the default),
/// which is not checked further. EXIT_OK; throws ConfigException when the plugin cannot be
/// loaded (the host's message) or plugins.* is wrong.
int describePlugin(const std::string& path, const Settings::Overrides& overrides,
                   const std::string& plugin, bool json);

/// What `--preview-source` was asked.
struct Preview
{
    std::string source;
    std::optional<std::string> cursor;   ///< --cursor
    std::optional<Poco::Timestamp> from; ///< --from (through Source::cursorAt())
    std::size_t limit = 20;              ///< --limit: records and rejects printed
    bool json = false;                   ///< --format json: one JSON object a line
};

/// `--preview-source NAME`: one fetch of the configured source, from `--cursor`, from
/// `--from`, or from the plugin's start, printing what would be stored (records with their
/// verdicts after the engine's own screening, rejects with their reasons, at most `limit` of
/// them, then the counts), the next cursor and whether the source has more; touches no
/// database and moves no cursor. EXIT_OK; EXIT_UNAVAILABLE when the fetch failed (its
/// message); ConfigException for a source that is not configured, or a plugin that cannot
/// start at a time.
int previewSource(Startup& startup, const Preview& preview);

} // namespace commands

} // namespace courierd
