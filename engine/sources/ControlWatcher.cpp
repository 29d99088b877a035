#include "sources/ControlWatcher.h"

#include <Poco/Exception.h>

#include <utility>

namespace courierd
{

ControlWatcher::ControlWatcher(Controls controls, Replays replays,
                               std::function<void(const Asks&)> apply, Poco::Logger& logger)
    : _controls(std::move(controls))
    , _replays(std::move(replays))
    , _apply(std::move(apply))
    , _logger(logger)
{
}

ControlWatcher::~ControlWatcher()
{
    stop();
}

void ControlWatcher::start(Poco::ThreadPool& threads)
{
    // Known before the first poll, so that a paused source is not polled once at start.
    readLogged();
    _timer = std::make_unique<Poco::Timer>(CONTROL_POLL.count(), CONTROL_POLL.count());
    _timer->start(Poco::TimerCallback<ControlWatcher>(*this, &ControlWatcher::onTimer), threads);
}

void ControlWatcher::stop()
{
    if (_timer)
        _timer->stop();
}

void ControlWatcher::read()
{
    Asks asks;
    for (const auto& [source, control] : _controls())
    {
        auto& asked = asks[source];
        asked.paused = control.paused;
        asked.trigger = control.triggeredAt ? control.triggeredAt->epochMicroseconds() : 0;
    }
    if (_replays)
        for (auto& replay : _replays())
        {
            const std::string source = replay.source;
            asks[source].replay = std::move(replay);
        }
    _apply(asks);
}

void ControlWatcher::readLogged()
{
    try
    {
        read();
        if (_failing)
            _logger.information("source controls: read again");
        _failing = false;
    }
    catch (const Poco::Exception& e)
    {
        if (!_failing)
            _logger.warning("source controls: cannot read them (%s); the sources go on as they "
                            "were",
                            e.displayText());
        _failing = true;
    }
}

} // namespace courierd
