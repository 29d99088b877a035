#include "sources/PollTimer.h"

#include <algorithm>
#include <chrono>
#include <utility>

namespace courierd
{

PollTimer::PollTimer(Duration interval, Duration maxBackoff, const Clock& clock)
    : _interval(interval)
    , _maxBackoff(maxBackoff)
    , _clock(clock)
    , _beatAt(clock.now())
{
}

PollTimer::~PollTimer()
{
    stop();
}

Duration PollTimer::period() const
{
    return std::min(_interval, BEAT);
}

void PollTimer::start(Poco::ThreadPool& threads, std::function<void()> beat)
{
    _onBeat = std::move(beat);
    {
        std::lock_guard lock(_mutex);
        _beatAt = _clock.now();
    }
    _timer = std::make_unique<Poco::Timer>(0, period().count());
    _timer->start(Poco::TimerCallback<PollTimer>(*this, &PollTimer::onTimer), threads);
}

void PollTimer::stop()
{
    if (_timer)
        _timer->stop();
}

bool PollTimer::beat()
{
    _lastBeat = _clock.now();
    {
        std::lock_guard lock(_mutex);
        _beatAt = _lastBeat;
    }
    return _lastBeat >= _nextDue;
}

void PollTimer::polled(const Poco::Timestamp& started, int failures)
{
    Duration wait = _interval;
    for (int n = 0; n < failures && wait < _maxBackoff; ++n)
        wait *= 2;
    wait = std::min(wait, std::max(_maxBackoff, _interval));
    _nextDue = started + std::chrono::duration_cast<std::chrono::microseconds>(wait).count();
}

void PollTimer::skipped()
{
    _nextDue = _lastBeat + std::chrono::duration_cast<std::chrono::microseconds>(_interval).count();
}

void PollTimer::polling(bool polling)
{
    std::lock_guard lock(_mutex);
    _polling = polling;
}

std::string PollTimer::stalled(const std::string& source, Duration limit) const
{
    const Poco::Timestamp now = _clock.now();
    std::lock_guard lock(_mutex);
    if (_polling)
        return {};
    const auto quiet = std::chrono::microseconds(now - _beatAt);
    if (quiet <= period() + limit)
        return {};
    return "source " + source + "'s timer has not fired for " +
           std::to_string(quiet.count() / 1000000) + " s (every " + formatDuration(period()) + ")";
}

} // namespace courierd
