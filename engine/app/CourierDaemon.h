#pragma once

#include "app/Commands.h"
#include "courierd/Duration.h"

#include <Poco/Util/OptionSet.h>
#include <Poco/Util/ServerApplication.h>

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace courierd
{

class Startup;

/// The `courierd` process: its options, then serve() or one of the commands (app/Commands.h);
/// serving, it runs until SIGTERM/SIGINT, reloads on SIGHUP, and pings systemd's watchdog.
class CourierDaemon : public Poco::Util::ServerApplication
{
public:
    /// Exit codes beyond POCO's (EXIT_OK 0, EXIT_USAGE 64, EXIT_UNAVAILABLE 69,
    /// EXIT_SOFTWARE 70, EXIT_CONFIG 78).
    static constexpr int EXIT_MIGRATION = 65;

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
    /// Why the command-line options do not go together, or empty.
    std::string commandProblem() const;
    // Runs the daemon until a signal stops it: its parts built once (Subsystems), started in
    // order and stopped in reverse.
    int serve(Startup& startup);
    /// Waits for a signal that stops courierd. Meanwhile pings systemd's watchdog, when it
    /// watches, for as long as `stalled` finds nothing stuck, and calls `reload` on SIGHUP.
    void waitForSignal(const std::function<std::string(Duration)>& stalled,
                       const std::function<void()>& reload);

    bool _helpRequested = false;
    bool _versionRequested = false;
    bool _checkConfig = false;
    bool _migrateOnly = false;
    std::string _renameSource;                 // --rename-source FROM=TO
    std::string _describePlugin;               // --describe-plugin NAME_OR_PATH
    std::string _format = "text";              // --format text|json
    std::optional<commands::Preview> _preview; // --preview-source NAME and its options
    std::string _previewProblem;               // a bad --limit or --from
    bool _usageError = false;
    std::atomic<bool> _stopping{false};
    std::string _configPath;
    std::vector<std::pair<std::string, std::string>> _overrides;
};

} // namespace courierd
