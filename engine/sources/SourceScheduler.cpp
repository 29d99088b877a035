#include "sources/SourceScheduler.h"

#include "courierd/Rfc3339.h"
#include "sources/ReplayStore.h"
#include "sources/SourceControls.h"
#include "util/Exceptions.h"

#include <algorithm>
#include <utility>

namespace courierd
{

namespace
{

/// Sources one scheduler can run at once (each timer holds a thread while it runs).
constexpr int MAX_TIMER_THREADS = 1024;

} // namespace

SourceScheduler::Runner::Runner(SourceScheduler& scheduler, SourceCatalog::EntryPtr entry)
    : entry(std::move(entry))
    , log(this->entry->name, scheduler._logger)
    , lease(scheduler._store, this->entry->name, scheduler._logger)
    , timer(this->entry->interval, this->entry->maxBackoff)
    , poll(this->entry->name, *this->entry->source, this->entry->maxClockSkew, scheduler._store,
           lease, log, scheduler._wake, scheduler._stopping, scheduler._logger)
{
    if (scheduler._replays)
        replays.emplace(this->entry->name, *this->entry->source, this->entry->maxClockSkew,
                        scheduler._store, *scheduler._replays, scheduler._wake, scheduler._stopping,
                        scheduler._logger);
    if (scheduler._rechecks)
        rechecker.emplace(this->entry->name, *this->entry->source,
                          Rechecker::Timing{this->entry->recheckInterval, this->entry->recheckBatch,
                                            this->entry->recheckAfter},
                          *scheduler._rechecks, scheduler._metrics, scheduler._wake,
                          scheduler._logger);
    status.name = this->entry->name;
    status.plugin = this->entry->info.name;
    status.pluginVersion = this->entry->info.version;
    status.interval = this->entry->interval;
}

SourceScheduler::SourceScheduler(SourceCatalog& sources, PollStore& store,
                                 std::function<void()> wake, const std::atomic<bool>& stopping,
                                 metrics::Registry& metrics, SourceControls* controls,
                                 ReplayStore* replays, RecheckRows* rechecks)
    : _store(store)
    , _wake(std::move(wake))
    , _metrics(metrics)
    , _stopping(stopping)
    , _logger(Poco::Logger::get("courierd.scheduler"))
    , _replays(replays)
    , _rechecks(rechecks)
    , _keeper(
          store,
          [this]
          {
              std::vector<Lease> polling;
              for (const auto& runner : runners())
                  if (auto lease = runner->lease.polling())
                      polling.push_back(std::move(*lease));
              return polling;
          },
          _logger)
{
    if (controls)
        _watcher.emplace([controls] { return controls->read(); },
                         replays ? ControlWatcher::Replays([replays] { return replays->running(); })
                                 : ControlWatcher::Replays(),
                         [this](const ControlWatcher::Asks& asks) { apply(asks); }, _logger);
    for (const auto& entry : sources.entries())
        _runners.push_back(std::make_shared<Runner>(*this, entry));
}

std::vector<std::shared_ptr<SourceScheduler::Runner>> SourceScheduler::runners() const
{
    std::lock_guard lock(_runnersMutex);
    return _runners;
}

SourceScheduler::~SourceScheduler()
{
    stop();
}

void SourceScheduler::start()
{
    // One thread per source's timer, one for the lease keeper, one for the control watcher,
    // and room for sources a reload adds.
    _threads = std::make_unique<Poco::ThreadPool>("source-timers", 2, MAX_TIMER_THREADS);
    if (_watcher)
        _watcher->start(*_threads);
    for (auto& runner : runners())
        startTimer(*runner);
    _keeper.start(*_threads);
    _started = true;
}

void SourceScheduler::startTimer(Runner& runner)
{
    runner.timer.start(*_threads, [this, &runner] { beat(runner); });
}

void SourceScheduler::readControls()
{
    if (_watcher)
        _watcher->read();
}

void SourceScheduler::apply(const ControlWatcher::Asks& asks)
{
    for (const auto& runner : runners())
    {
        const std::string& name = runner->entry->name;
        const auto it = asks.find(name);
        const OperatorAsks::Asked asked = it == asks.end() ? OperatorAsks::Asked() : it->second;
        _metrics.paused(name, asked.paused);
        if (runner->asks.read(asked))
            _logger.information("source %s: %s by an operator", name,
                                std::string(asked.paused ? "paused" : "resumed"));
        std::lock_guard lock(runner->mutex);
        runner->status.state = stateOf(*runner);
    }
}

std::string SourceScheduler::stateOf(const Runner& runner)
{
    if (runner.asks.paused())
        return "paused";
    if (runner.status.failures > 0)
        return "backing_off";
    if (runner.status.lastOutcome == "standby")
        return "standby";
    return "running";
}

void SourceScheduler::beat(Runner& runner)
{
    if (_stopping)
        return;
    const bool due = runner.timer.beat();
    const OperatorAsks::Now asked = runner.asks.take();
    if (!due && !asked.triggered && !asked.resumed)
    {
        if (!asked.paused)
        {
            replayStep(runner); // between polls
            recheckStep(runner);
        }
        return;
    }
    if (asked.paused)
    {
        // Counted once an interval, as a poll would be.
        runner.timer.skipped();
        _metrics.pausedTick(runner.entry->name);
        return;
    }
    if (asked.triggered)
        _logger.information("source %s: polled now, as an operator asked", runner.entry->name);
    if (asked.resumed)
        runner.lease.forgetCursor(); // an operator may have set the cursor while it was paused
    tick(runner);
    // After the poll too: a source polled at every beat (interval <= BEAT) has no beat between.
    recheckStep(runner);
}

std::vector<std::pair<std::string, Duration>> SourceScheduler::waitingRechecks() const
{
    std::vector<std::pair<std::string, Duration>> out;
    for (const auto& runner : runners())
        if (runner->rechecker && runner->rechecker->after().count() > 0)
            out.emplace_back(runner->entry->name, runner->rechecker->after());
    return out;
}

void SourceScheduler::recheckStep(Runner& runner)
{
    // Only the instance polling the source asks it again (as for replays); the Rechecker keeps
    // its own interval.
    if (runner.rechecker && runner.lease.held() && !_stopping)
        runner.rechecker->step();
}

void SourceScheduler::replayStep(Runner& runner)
{
    const std::optional<Replay> replay = runner.asks.replay();
    // Only the instance polling the source replays it (its lease fences the rows).
    if (!replay || !runner.lease.held() || !runner.replays || _stopping)
        return;
    switch (runner.replays->step(replay->id, *runner.lease.held()))
    {
    case ReplayRunner::Step::Goes:
        break;
    case ReplayRunner::Step::Ended:
        runner.asks.replayEnded();
        break;
    case ReplayRunner::Step::LeaseLost:
        runner.lease.lost(); // the new holder goes on from the replay's stored cursor
        break;
    }
}

void SourceScheduler::tick(Runner& runner)
{
    if (_stopping)
        return;
    runner.timer.polling(true);
    const Poco::Timestamp started = runner.timer.clock().now();
    const SourcePoll::Outcome out = runner.poll.run();
    const bool held = runner.lease.held() != nullptr;
    _metrics.ticked(runner.entry->name, out.outcome, out.stored,
                    static_cast<double>(runner.timer.clock().now() - started) / 1e6, held);
    const int failures = runner.log.failures();
    runner.timer.polled(started, failures);

    std::lock_guard lock(runner.mutex);
    runner.timer.polling(false);
    runner.status.leaseHeld = held;
    runner.status.lastTickAt = runner.timer.clock().now();
    if (out.outcome == "ok")
        runner.status.lastSuccessAt = runner.status.lastTickAt;
    runner.status.lastOutcome = out.outcome;
    runner.status.lastError = out.error;
    runner.status.failures = failures;
    runner.status.nextPollAt =
        failures > 0 ? std::optional<Poco::Timestamp>(runner.timer.nextDue()) : std::nullopt;
    runner.status.state = stateOf(runner);
    ++runner.status.ticks;
    runner.status.records += out.stored.records;
    runner.status.rejects += out.stored.rejects;
}

std::string SourceScheduler::cursorAt(const std::string& name, const Poco::Timestamp& time) const
{
    for (const auto& runner : runners())
        if (runner->entry->name == name)
        {
            // A cursor past what the source may stamp fetches nothing until then, while the
            // source shows running and ok.
            const Duration skew = runner->entry->maxClockSkew;
            if (time > Poco::Timestamp() +
                           std::chrono::duration_cast<std::chrono::microseconds>(skew).count())
                throw ValidationException("from " + formatRfc3339(time) +
                                          " is in the future, past now + max_clock_skew (" +
                                          formatDuration(skew) +
                                          "): the source would fetch nothing until then");
            return runner->entry->source->cursorAt(time);
        }
    throw Poco::NotFoundException("no source " + name);
}

void SourceScheduler::add(const SourceCatalog::EntryPtr& entry)
{
    auto runner = std::make_shared<Runner>(*this, entry);
    {
        std::lock_guard lock(_runnersMutex);
        _runners.push_back(runner);
    }
    if (!_started)
        return;
    try
    {
        readControls(); // a paused source a reload adds is not polled once
    }
    catch (const Poco::Exception& e)
    {
        _logger.warning("source %s: cannot read the source controls (%s); it starts as if running",
                        entry->name, e.displayText());
    }
    startTimer(*runner);
}

void SourceScheduler::remove(const std::string& name)
{
    std::shared_ptr<Runner> runner;
    {
        std::lock_guard lock(_runnersMutex);
        const auto it = std::find_if(_runners.begin(), _runners.end(),
                                     [&](const auto& r) { return r->entry->name == name; });
        if (it == _runners.end())
            return;
        runner = *it;
        _runners.erase(it);
    }
    runner->entry->context->requestStop();
    runner->timer.stop(); // waits for a running tick
    runner->lease.release();
    _metrics.forget(name);
}

std::string SourceScheduler::stalled(Duration limit) const
{
    for (const auto& runner : runners())
        if (std::string why = runner->timer.stalled(runner->entry->name, limit); !why.empty())
            return why;
    return {};
}

void SourceScheduler::stop()
{
    if (!_started)
        return;
    _started = false;
    const auto all = runners();
    if (_watcher)
        _watcher->stop();
    for (auto& runner : all)
        runner->timer.stop();
    _keeper.stop();
    for (auto& runner : all)
        runner->lease.release();
    _threads->joinAll();
}

std::vector<SourceStatus> SourceScheduler::status() const
{
    std::vector<SourceStatus> out;
    for (const auto& runner : runners())
    {
        std::lock_guard lock(runner->mutex);
        out.push_back(runner->status);
    }
    return out;
}

} // namespace courierd
