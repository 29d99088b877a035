#pragma once

#include "config/EngineConfig.h"

#include <Poco/Logger.h>

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace courierd
{

/// The parts of the running daemon, after Poco::Util::Subsystem: each with a name, a start, a
/// stop, and what it takes from a reload's configuration. serve() builds the list once, in
/// start order; start() starts it in that order and stop() stops it in reverse, so that what
/// starts last (the admin endpoint, the sources' timers) stops first; the Reloader hands a
/// reload's engine configuration to each part in order. A part may have only some of the three
/// (the assigner only reconfigures). Used from the main thread.
class Subsystems
{
public:
    struct Part
    {
        std::string name;
        std::function<void()> start;
        std::function<void()> stop;
        /// The engine configuration a reload applies (keys that need a restart keep their
        /// running value in it).
        std::function<void(const EngineConfig&)> reconfigure;
    };

    explicit Subsystems(Poco::Logger& logger);
    /// Stops what start() started, if stop() was not called.
    ~Subsystems();

    Subsystems(const Subsystems&) = delete;
    Subsystems& operator=(const Subsystems&) = delete;

    /// Appends `part`: it starts after every part before it and stops before them.
    void add(Part part);

    /// Starts every part in order. If one throws, those already started are stopped in reverse
    /// and the exception goes on.
    void start();

    /// Stops the started parts in reverse order, each once; a part that throws is logged and the
    /// others still stop. Idempotent.
    void stop();

    /// Hands `engine` to every part that takes it, in order. Throws what a part throws.
    void reconfigure(const EngineConfig& engine);

    /// The parts' names in start order (for the log and the tests).
    std::vector<std::string> names() const;

private:
    Poco::Logger& _logger;
    std::vector<Part> _parts;
    std::size_t _started = 0; // parts [0, _started) are running
};

/// The part of a component whose start() and stop() take nothing; `reconfigure`, if given,
/// takes a reload's configuration.
template <typename Component>
Subsystems::Part part(std::string name, Component& component,
                      std::function<void(const EngineConfig&)> reconfigure = {})
{
    return {std::move(name), [&component] { component.start(); },
            [&component] { component.stop(); }, std::move(reconfigure)};
}

} // namespace courierd
