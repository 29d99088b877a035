#pragma once

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

} // namespace commands

} // namespace courierd
