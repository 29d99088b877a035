#pragma once

#include "courierd/Duration.h"

#include <Poco/Util/OptionSet.h>
#include <Poco/Util/ServerApplication.h>

#include <atomic>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace courierd
{

class Database;
class SourceCatalog;

/// The `courierd` process: reads the configuration, connects to the store, applies migrations,
/// runs the delivery monitor, and stops cleanly on SIGTERM/SIGINT.
class CourierDaemon : public Poco::Util::ServerApplication
{
public:
    /// Exit codes beyond POCO's (EXIT_OK 0, EXIT_USAGE 64, EXIT_UNAVAILABLE 69,
    /// EXIT_SOFTWARE 70, EXIT_CONFIG 78).
    static constexpr int EXIT_MIGRATION = 65;

    /// Where the configuration is read from when `--config` is not given.
    static const std::string DEFAULT_CONFIG;

    /// Blocks the signals courierd waits for in the calling thread and every thread it
    /// starts later. Call first thing in main(), before any thread exists.
    static void blockSignals();

protected:
    void initialize(Poco::Util::Application& self) override;
    void defineOptions(Poco::Util::OptionSet& options) override;
    int main(const std::vector<std::string>& args) override;

private:
    void handleHelp(const std::string& name, const std::string& value);
    void handleSet(const std::string& name, const std::string& value);
    void printHelp() const;
    int serve();
    // --rename-source FROM=TO (checked by renameArgumentProblem() first): EXIT_OK; EXIT_TEMPFAIL
    // while a live instance has either name configured or holds its lease, or TO is taken;
    // EXIT_NOINPUT when FROM holds nothing (nothing changed in each case); ConfigException
    // unless the configuration was renamed first.
    int renameSource(SourceCatalog& sources, Database& database);
    // Empty when --rename-source's FROM=TO names two different valid source names.
    std::string renameArgumentProblem() const;
    void configureLogging();
    /// Waits for a signal that stops courierd. Meanwhile pings systemd's watchdog, when it
    /// watches, for as long as `stalled` finds nothing stuck, and calls `reload` on SIGHUP.
    void waitForSignal(const std::function<std::string(Duration)>& stalled,
                       const std::function<void()>& reload);

    bool _helpRequested = false;
    bool _versionRequested = false;
    bool _checkConfig = false;
    bool _migrateOnly = false;
    std::string _renameSource; // --rename-source FROM=TO
    bool _usageError = false;
    std::atomic<bool> _stopping{false};
    std::string _configPath;
    std::vector<std::pair<std::string, std::string>> _overrides;
};

} // namespace courierd
