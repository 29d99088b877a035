#pragma once

#include "courierd/Duration.h"
#include "util/Clock.h"

#include <Poco/ThreadPool.h>
#include <Poco/Timer.h>
#include <Poco/Timestamp.h>

#include <functional>
#include <memory>
#include <mutex>
#include <string>

namespace courierd
{

/// One source's timer: a Poco::Timer beating every BEAT (or the source's interval, if shorter),
/// and when the next poll is due. The first poll is due at once, then one every interval
/// after the last began; while polls fail, the wait doubles with each failure (interval x 2^n)
/// up to `max_backoff`, and a success goes back to the interval; a poll longer than its wait is
/// followed at the next beat. It also tells whether the timer stopped firing (the systemd
/// watchdog's stall check). Reads the time through `clock`; the Poco::Timer itself runs on
/// real time.
class PollTimer
{
public:
    static constexpr Duration BEAT{200};

    PollTimer(Duration interval, Duration maxBackoff, const Clock& clock = Clock::system());
    ~PollTimer();

    /// Calls `beat` every period(), the first at once, on `threads`. Once.
    void start(Poco::ThreadPool& threads, std::function<void()> beat);
    /// Waits for a running beat. Idempotent; never from a beat.
    void stop();

    /// How often it beats: BEAT, or the interval if shorter.
    Duration period() const;

    /// Called at each beat: notes it (stall check) and says whether a poll is due.
    bool beat();
    /// The poll that began at `started` has ended, with `failures` failed in a row: the next is
    /// due after the interval, or the backoff.
    void polled(const Poco::Timestamp& started, int failures);
    /// The poll due at the last beat was not made (the source is paused): the next is due an
    /// interval later, as if it had been.
    void skipped();
    /// When the next poll is due.
    Poco::Timestamp nextDue() const { return _nextDue; }

    /// A poll is in progress (a long poll is not a stall) or not. Any thread.
    void polling(bool polling);

    /// Empty while the timer keeps firing: a poll is in progress, or it beat less than a
    /// period() + `limit` ago. Otherwise why not, naming `source`. Any thread.
    std::string stalled(const std::string& source, Duration limit) const;

    const Clock& clock() const { return _clock; }

private:
    void onTimer(Poco::Timer&) { _onBeat(); }

    Duration _interval;
    Duration _maxBackoff;
    const Clock& _clock;
    std::function<void()> _onBeat;
    std::unique_ptr<Poco::Timer> _timer;
    // Touched by the beat only.
    Poco::Timestamp _nextDue{0};
    Poco::Timestamp _lastBeat{0};
    mutable std::mutex _mutex; // guards _beatAt and _polling
    Poco::Timestamp _beatAt;   // when it last fired (or started)
    bool _polling = false;
};

} // namespace courierd
