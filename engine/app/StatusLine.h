#pragma once

#include <Poco/Timer.h>

#include <cstddef>
#include <functional>
#include <string>

namespace courierd
{

class AssignmentPipeline;
class Database;

/// The one-line status systemd shows (`systemctl status`): the sources, the inbox's pending
/// and assigned rows, what this process assigned. Refreshed on a timer of its own, and only
/// under a service manager (outside one nobody reads it, so no query runs for it), so that a
/// slow database never holds up the main loop and its watchdog pings.
class StatusLine
{
public:
    StatusLine(Database& database, std::function<std::size_t()> sources,
               const AssignmentPipeline& pipeline);

    std::string text();

    /// Sends text() to the service manager every EVERY, if one listens.
    void start();
    void stop();

    static constexpr long EVERY = 10000; // ms

private:
    void onTimer(Poco::Timer&);

    Database& _database;
    std::function<std::size_t()> _sources;
    const AssignmentPipeline& _pipeline;
    Poco::Timer _timer{EVERY, EVERY};
};

} // namespace courierd
