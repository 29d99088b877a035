#pragma once

#include "sources/OperatorAsks.h"
#include "sources/Replay.h"
#include "sources/SourceControls.h"

#include <Poco/Logger.h>
#include <Poco/ThreadPool.h>
#include <Poco/Timer.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace courierd
{

/// Reads what operators asked of the sources (pause, resume, trigger: SourceControls) and their
/// running replays every CONTROL_POLL, on a timer of its own, and hands it to the scheduler,
/// source by source (OperatorAsks::Asked; a source without a row runs). A read that fails is
/// logged once, and once more when reading works again; meanwhile the sources go on as they were.
class ControlWatcher
{
public:
    using Controls = std::function<std::map<std::string, SourceControl>()>;
    using Replays = std::function<std::vector<Replay>()>;
    using Asks = std::map<std::string, OperatorAsks::Asked>;

    /// `controls` and `replays` read the store (`replays` may be empty: no replays);
    /// `apply` receives what was read.
    ControlWatcher(Controls controls, Replays replays, std::function<void(const Asks&)> apply,
                   Poco::Logger& logger);
    ~ControlWatcher();

    /// How often it reads: with BEAT, a trigger is obeyed well under a second.
    static constexpr Duration CONTROL_POLL{500};

    /// Reads now, then every CONTROL_POLL on `threads`, until stop().
    void start(Poco::ThreadPool& threads);
    /// Waits for a running read. Idempotent.
    void stop();

    /// Reads and applies now. Throws store errors.
    void read();
    /// read(), a failure logged once until it reads again. What the timer calls.
    void readLogged();

private:
    void onTimer(Poco::Timer&) { readLogged(); }

    Controls _controls;
    Replays _replays;
    std::function<void(const Asks&)> _apply;
    Poco::Logger& _logger;
    std::unique_ptr<Poco::Timer> _timer;
    bool _failing = false; // touched by one read at a time: start, then the timer
};

} // namespace courierd
