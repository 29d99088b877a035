#include "sources/SourceScheduler.h"

#include "courierd/Rfc3339.h"
#include "courierd/Utf8.h"
#include "sdk/HttpObserver.h"
#include "util/Exceptions.h"

#include <Poco/Message.h>

#include <algorithm>
#include <map>
#include <utility>

namespace courierd
{

namespace
{

constexpr std::size_t CURSOR_IN_LOG = 120;
/// Sources one scheduler can run at once (each timer holds a thread while it runs).
constexpr int MAX_TIMER_THREADS = 1024;

std::string shortened(const std::string& cursor)
{
    return cursor.size() <= CURSOR_IN_LOG ? cursor
                                          : cursor.substr(0, CURSOR_IN_LOG) + "… (" +
                                                std::to_string(cursor.size()) + " bytes)";
}

// Where a streaming source's parts go: stored at once, each in its own fenced transaction,
// with the pipeline woken so that assignment overlaps the rest of the read.
class IngestSink : public RecordSink
{
public:
    IngestSink(Ingestor& ingestor, const Lease& lease, Duration maxClockSkew, IngestResult& total,
               const std::function<void()>& wake, const std::atomic<bool>& stopping)
        : _ingestor(ingestor)
        , _lease(lease)
        , _maxClockSkew(maxClockSkew)
        , _total(total)
        , _wake(wake)
        , _stopping(stopping)
    {
    }

    void write(std::vector<Record>& records, std::vector<Reject>& rejects) override
    {
        const IngestResult stored = _ingestor.ingestPart(_lease, records, rejects, _maxClockSkew);
        records.clear();
        rejects.clear();
        add(stored);
        if (_stopping)
            throw StoppingException("the daemon is stopping; the rest of the answer is left "
                                    "for the next poll");
    }

    void add(const IngestResult& stored)
    {
        _total.records += stored.records;
        _total.skipped += stored.skipped;
        _total.rejects += stored.rejects;
        if (stored.records > 0 && _wake)
            _wake();
    }

private:
    Ingestor& _ingestor;
    const Lease& _lease;
    Duration _maxClockSkew;
    IngestResult& _total;
    const std::function<void()>& _wake;
    const std::atomic<bool>& _stopping;
};

} // namespace

SourceScheduler::SourceScheduler(SourceCatalog& sources, Ingestor& ingestor,
                                 std::function<void()> wake, const std::atomic<bool>& stopping,
                                 metrics::Registry& metrics, SourceControls* controls,
                                 ReplayStore* replays)
    : _ingestor(ingestor)
    , _wake(std::move(wake))
    , _metrics(metrics)
    , _stopping(stopping)
    , _logger(Poco::Logger::get("courierd.scheduler"))
    , _controls(controls)
    , _replays(replays)
{
    for (const auto& entry : sources.entries())
        _runners.push_back(runnerFor(entry));
}

std::shared_ptr<SourceScheduler::Runner>
SourceScheduler::runnerFor(const SourceCatalog::EntryPtr& entry)
{
    auto runner = std::make_shared<Runner>(this, entry, _logger);
    runner->status.name = entry->name;
    runner->status.plugin = entry->info.name;
    runner->status.pluginVersion = entry->info.version;
    runner->status.interval = entry->interval;
    return runner;
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
    // One thread per source's timer, one for the lease keeper, and room for sources a reload
    // adds.
    _threads = std::make_unique<Poco::ThreadPool>("source-timers", 2, MAX_TIMER_THREADS);
    if (_controls)
    {
        // Known before the first poll, so that a paused source is not polled once at start.
        readControlsLogged();
        _controlTimer = std::make_unique<Poco::Timer>(CONTROL_POLL.count(), CONTROL_POLL.count());
        _controlTimer->start(
            Poco::TimerCallback<SourceScheduler>(*this, &SourceScheduler::onControlTimer),
            *_threads);
    }
    for (auto& runner : runners())
        startTimer(*runner);
    const long renewEvery = std::max<long>(10, _ingestor.ttl().count() / 3);
    _keeper = std::make_unique<Poco::Timer>(renewEvery, renewEvery);
    _keeper->start(Poco::TimerCallback<SourceScheduler>(*this, &SourceScheduler::renewLeases),
                   *_threads);
    _started = true;
}

void SourceScheduler::startTimer(Runner& runner)
{
    {
        std::lock_guard lock(runner.mutex);
        runner.beatAt.update();
    }
    const long period = std::min(runner.entry->interval, BEAT).count();
    runner.timer = std::make_unique<Poco::Timer>(0, period);
    runner.timer->start(Poco::TimerCallback<Runner>(runner, &Runner::onTimer), *_threads);
}

void SourceScheduler::readControls()
{
    if (!_controls)
        return;
    const auto controls = _controls->read();
    std::map<std::string, Replay> replays;
    if (_replays)
        for (auto& replay : _replays->running())
            replays.emplace(replay.source, std::move(replay));
    for (const auto& runner : runners())
    {
        const auto it = controls.find(runner->entry->name);
        const bool paused = it != controls.end() && it->second.paused;
        const Poco::Int64 trigger = it != controls.end() && it->second.triggeredAt
                                        ? it->second.triggeredAt->epochMicroseconds()
                                        : 0;
        _metrics.paused(runner->entry->name, paused);
        std::lock_guard lock(runner->mutex);
        if (!runner->controlsRead)
            runner->triggerSeen = trigger; // a trigger from before this start is done
        runner->controlsRead = true;
        if (paused != runner->paused)
            _logger.information("source %s: %s by an operator", runner->entry->name,
                                std::string(paused ? "paused" : "resumed"));
        // A resumed source polls at once; a trigger while paused is dropped.
        runner->resumed = runner->resumed || (runner->paused && !paused);
        if (paused)
            runner->triggerSeen = trigger;
        runner->paused = paused;
        runner->trigger = trigger;
        runner->status.state = stateOf(*runner);
        // Whether a replay runs (each step reads it afresh); none once it ended or was
        // canceled.
        const auto replay = replays.find(runner->entry->name);
        if (replay == replays.end())
            runner->replay.reset();
        else
            runner->replay = replay->second;
    }
}

void SourceScheduler::readControlsLogged()
{
    try
    {
        readControls();
        if (_controlsFailing)
            _logger.information("source controls: read again");
        _controlsFailing = false;
    }
    catch (const Poco::Exception& e)
    {
        if (!_controlsFailing)
            _logger.warning("source controls: cannot read them (%s); the sources go on as they "
                            "were",
                            e.displayText());
        _controlsFailing = true;
    }
}

void SourceScheduler::onControlTimer(Poco::Timer&)
{
    readControlsLogged();
}

std::string SourceScheduler::stateOf(const Runner& runner)
{
    if (runner.paused)
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
    const Poco::Timestamp now;
    bool paused = false;
    bool triggered = false;
    bool resumed = false;
    {
        std::lock_guard lock(runner.mutex);
        runner.beatAt = now;
        paused = runner.paused;
        triggered = runner.trigger > runner.triggerSeen;
        runner.triggerSeen = std::max(runner.triggerSeen, runner.trigger);
        resumed = std::exchange(runner.resumed, false);
    }
    if (now < runner.nextDue && !triggered && !resumed)
    {
        if (!paused)
            replayStep(runner); // between polls
        return;
    }
    if (paused)
    {
        // Counted once an interval, as a poll would be.
        runner.nextDue = now + runner.entry->interval.count() * 1000;
        _metrics.pausedTick(runner.entry->name);
        return;
    }
    if (triggered)
        _logger.information("source %s: polled now, as an operator asked", runner.entry->name);
    if (resumed)
        runner.cursorTerm = 0; // an operator may have set the cursor while it was paused
    tick(runner);
}

namespace
{

// A replay's step hands its source's parts to the store with the replay's progress, keeping
// only the records of the replay's range.
class ReplaySink : public RecordSink
{
public:
    ReplaySink(Ingestor& ingestor, const Lease& lease, const Replay& replay, Duration skew,
               IngestResult& total, Poco::Int64& read, const std::atomic<bool>& stopping)
        : _ingestor(ingestor)
        , _lease(lease)
        , _replay(replay)
        , _skew(skew)
        , _total(total)
        , _read(read)
        , _stopping(stopping)
    {
    }

    void write(std::vector<Record>& records, std::vector<Reject>& rejects) override
    {
        if (_stopping)
            throw StoppingException("the daemon is stopping; the replay goes on after a restart");
        store(inRange(std::move(records), _replay), rejects, std::nullopt);
        records.clear();
        rejects.clear();
    }

    // The records of `replay`'s range.
    static std::vector<Record> inRange(std::vector<Record>&& records, const Replay& replay)
    {
        std::vector<Record> kept;
        for (auto& record : records)
            if (record.createdAt >= replay.from && record.createdAt <= replay.to)
                kept.push_back(std::move(record));
        return kept;
    }

    void store(const std::vector<Record>& records, const std::vector<Reject>& rejects,
               std::optional<std::string> cursor)
    {
        ReplayProgress progress{_replay.id, std::move(cursor),
                                static_cast<Poco::Int64>(records.size())};
        const IngestResult result =
            _ingestor.ingestReplay(_lease, records, rejects, progress, _skew);
        _total.records += result.records;
        _total.skipped += result.skipped;
        _total.rejects += result.rejects;
        _read += progress.read;
    }

private:
    Ingestor& _ingestor;
    const Lease& _lease;
    const Replay& _replay;
    Duration _skew;
    IngestResult& _total;
    Poco::Int64& _read;
    const std::atomic<bool>& _stopping;
};

// Failed steps in a row after which a replay ends failed.
constexpr int REPLAY_ATTEMPTS = 3;

} // namespace

void SourceScheduler::replayStep(Runner& runner)
{
    std::optional<Replay> replay;
    {
        std::lock_guard lock(runner.mutex);
        replay = runner.replay;
    }
    // Only the instance polling the source replays it (its lease fences the rows).
    if (!replay || !runner.lease || !_replays || _stopping)
        return;
    const std::string& name = runner.entry->name;
    try
    {
        // As stored now: another instance may have moved it on while it held the lease.
        replay = _replays->get(name, replay->id);
    }
    catch (const Poco::Exception&)
    {
        return; // tried again next beat
    }
    if (!replay || replay->state != "running")
    {
        std::lock_guard lock(runner.mutex);
        runner.replay.reset();
        return;
    }
    const http_observer::Scope requestsOf(name);
    IngestResult total;
    Poco::Int64 read = 0;
    try
    {
        ReplaySink sink(_ingestor, *runner.lease, *replay, runner.entry->maxClockSkew, total, read,
                        _stopping);
        Batch batch = runner.entry->source->stream(replay->cursor, sink);
        sink.store(ReplaySink::inRange(std::move(batch.records), *replay), batch.rejects,
                   batch.cursor);
        runner.replayFailures = 0;
        if (total.records > 0 || total.rejects > 0)
            _wake();
        if (!batch.more)
        {
            _replays->end(replay->id, "done", "");
            {
                std::lock_guard lock(runner.mutex);
                runner.replay.reset();
            }
            _logger.information("source %s: replay %Ld of %s to %s done: %Ld record(s) of the "
                                "range read in its last step, %d new",
                                name, replay->id, formatRfc3339(replay->from),
                                formatRfc3339(replay->to), read, total.records + total.rejects);
        }
    }
    catch (const ReplayStoppedException& e)
    {
        std::lock_guard lock(runner.mutex);
        runner.replay.reset();
        _logger.information("source %s: %s", name, e.message());
    }
    catch (const LeaseLostException& e)
    {
        runner.lease.reset(); // the new holder goes on from the replay's stored cursor
        _logger.warning("source %s: replay %Ld paused here: %s", name, replay->id, e.message());
    }
    catch (const StoppingException&)
    {
    }
    catch (const Poco::Exception& e)
    {
        const std::string error = _ingestor.holder() + ": " + e.displayText();
        if (++runner.replayFailures < REPLAY_ATTEMPTS)
        {
            _logger.warning("source %s: replay %Ld step failed (%d of %d): %s", name, replay->id,
                            runner.replayFailures, REPLAY_ATTEMPTS, clipped(e.displayText(), 500));
            return;
        }
        runner.replayFailures = 0;
        try
        {
            _replays->end(replay->id, "failed", error);
            std::lock_guard lock(runner.mutex);
            runner.replay.reset();
        }
        catch (const Poco::Exception&)
        {
            // Still running in the store: tried again next beat.
        }
        _logger.error("source %s: replay %Ld failed after %d attempts: %s", name, replay->id,
                      REPLAY_ATTEMPTS, clipped(e.displayText(), 500));
    }
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
    auto runner = runnerFor(entry);
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
    if (runner->timer)
        runner->timer->stop(); // waits for a running tick
    release(*runner);
    _metrics.forget(name);
}

void SourceScheduler::release(Runner& runner)
{
    if (!runner.lease)
        return;
    try
    {
        _ingestor.release(*runner.lease);
    }
    catch (const Poco::Exception& e)
    {
        _logger.warning("source %s: could not give the lease up: %s", runner.entry->name,
                        e.displayText());
    }
    runner.lease.reset();
}

std::string SourceScheduler::stalled(Duration limit) const
{
    const Poco::Timestamp now;
    for (const auto& runner : runners())
    {
        std::lock_guard lock(runner->mutex);
        if (runner->ticking)
            continue;
        const auto quiet = std::chrono::microseconds(now - runner->beatAt);
        if (quiet > std::min(runner->entry->interval, BEAT) + limit)
            return "source " + runner->entry->name + "'s timer has not fired for " +
                   std::to_string(quiet.count() / 1000000) + " s (every " +
                   formatDuration(std::min(runner->entry->interval, BEAT)) + ")";
    }
    return {};
}

void SourceScheduler::stop()
{
    if (!_started)
        return;
    _started = false;
    const auto all = runners();
    if (_controlTimer)
        _controlTimer->stop();
    for (auto& runner : all)
        runner->timer->stop();
    _keeper->stop();
    for (auto& runner : all)
        release(*runner);
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

void SourceScheduler::renewLeases(Poco::Timer&)
{
    for (auto& runner : runners())
    {
        std::optional<Lease> lease;
        {
            std::lock_guard lock(runner->mutex);
            lease = runner->polling;
        }
        if (!lease)
            continue;
        try
        {
            if (!_ingestor.renew(*lease))
                _logger.warning("source %s: lease term %Ld expired while polling; the poll will "
                                "store nothing and step down",
                                lease->source, static_cast<long long>(lease->term));
        }
        catch (const Poco::Exception& e)
        {
            _logger.warning("source %s: could not renew the lease: %s", lease->source,
                            e.displayText());
        }
    }
}

void SourceScheduler::poll(Runner& runner, IngestResult& total)
{
    const std::string& name = runner.entry->name;
    const http_observer::Scope requestsOf(name); // the plugin's HttpClient counts for it
    if (runner.cursorTerm != runner.lease->term)
    {
        runner.cursorTerm = 0;
        runner.cursor = _ingestor.cursor(name);
        runner.cursorTerm = runner.lease->term;
    }
    bool moved = false;
    IngestSink sink(_ingestor, *runner.lease, runner.entry->maxClockSkew, total, _wake, _stopping);
    for (;;)
    {
        Batch batch = runner.entry->source->stream(runner.cursor, sink);
        runner.cursorTerm = 0; // until the new cursor is stored
        sink.add(_ingestor.ingest(*runner.lease, batch, runner.entry->maxClockSkew));
        moved = moved || batch.cursor != runner.cursor;
        runner.cursor = std::move(batch.cursor);
        runner.cursorTerm = runner.lease->term;
        if (!batch.more || _stopping)
            break;
    }
    if (total.records > 0 || total.rejects > 0)
        _logger.information("source %s: %d new record(s) (%d skipped), %d rejected", name,
                            total.records, total.skipped, total.rejects);
    if (moved)
        _logger.information("source %s: cursor moved to %s", name, shortened(runner.cursor));
    else
        _logger.debug("source %s: tick, nothing new", name);
}

void SourceScheduler::tick(Runner& runner)
{
    if (_stopping)
        return;
    {
        std::lock_guard lock(runner.mutex);
        runner.ticking = true;
    }
    const std::string& name = runner.entry->name;
    const Poco::Timestamp started;
    std::string outcome = "ok";
    std::string error;
    auto priority = Poco::Message::PRIO_ERROR;
    IngestResult total;
    try
    {
        runner.lease = _ingestor.acquire(name);
        if (!runner.lease)
        {
            outcome = "standby";
            runner.log.standby(_ingestor.holder(name));
        }
        else
        {
            runner.log.leaseTaken();
            // The keeper renews the lease for as long as the poll runs, however it ends.
            const auto polling = [&runner](std::optional<Lease> lease)
            {
                std::lock_guard lock(runner.mutex);
                runner.polling = std::move(lease);
            };
            polling(runner.lease);
            const std::unique_ptr<Runner, std::function<void(Runner*)>> done(
                &runner, [&polling](Runner*) { polling(std::nullopt); });
            poll(runner, total);
        }
    }
    catch (const StoppingException& e)
    {
        _logger.information("source %s: %s (%d new record(s) stored)", name, e.message(),
                            total.records);
    }
    catch (const LeaseLostException& e)
    {
        runner.lease.reset();
        outcome = "standby";
        _logger.warning("%s", e.message());
    }
    catch (const CursorMovedException& e)
    {
        // The next tick starts over from the stored cursor (poll() left it to be read again).
        outcome = "error";
        error = e.message();
        priority = Poco::Message::PRIO_WARNING;
    }
    catch (const Poco::Exception& e)
    {
        outcome = "error";
        error = e.displayText();
    }
    catch (const std::exception& e)
    {
        outcome = "error";
        error = e.what();
    }
    if (outcome == "ok" || outcome == "error")
        runner.log.polled(error, priority);
    _metrics.ticked(name, outcome, total, static_cast<double>(started.elapsed()) / 1e6,
                    runner.lease.has_value());
    // The next poll: an interval after this one began; while polls fail, interval x 2^n up to
    // max_backoff. A tick longer than that is followed at the next beat.
    Duration wait = runner.entry->interval;
    for (int n = 0; n < runner.log.failures() && wait < runner.entry->maxBackoff; ++n)
        wait *= 2;
    wait = std::min(wait, std::max(runner.entry->maxBackoff, runner.entry->interval));
    runner.nextDue = started + wait.count() * 1000;

    std::lock_guard lock(runner.mutex);
    runner.ticking = false;
    runner.status.leaseHeld = runner.lease.has_value();
    runner.status.lastTickAt = Poco::Timestamp();
    if (outcome == "ok")
        runner.status.lastSuccessAt = runner.status.lastTickAt;
    runner.status.lastOutcome = outcome;
    runner.status.lastError = error;
    runner.status.failures = runner.log.failures();
    runner.status.nextPollAt =
        runner.log.failures() > 0 ? std::optional<Poco::Timestamp>(runner.nextDue) : std::nullopt;
    runner.status.state = stateOf(runner);
    ++runner.status.ticks;
    runner.status.records += total.records;
    runner.status.rejects += total.rejects;
}

} // namespace courierd
