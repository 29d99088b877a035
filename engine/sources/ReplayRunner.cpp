#include "sources/ReplayRunner.h"

#include "courierd/Rfc3339.h"
#include "courierd/Utf8.h"
#include "sdk/HttpObserver.h"
#include "util/Exceptions.h"

#include <optional>
#include <utility>

namespace courierd
{

namespace
{

// A replay's step hands its source's parts to the store with the replay's progress, keeping
// only the records of the replay's range.
class ReplaySink : public RecordSink
{
public:
    ReplaySink(PollStore& store, const Lease& lease, const Replay& replay, Duration skew,
               IngestResult& total, Poco::Int64& read, const std::atomic<bool>& stopping)
        : _store(store)
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
        _total += _store.ingestReplay(_lease, records, rejects, progress, _skew);
        _read += progress.read;
    }

private:
    PollStore& _store;
    const Lease& _lease;
    const Replay& _replay;
    Duration _skew;
    IngestResult& _total;
    Poco::Int64& _read;
    const std::atomic<bool>& _stopping;
};

} // namespace

ReplayRunner::ReplayRunner(std::string name, Source& source, Duration maxClockSkew,
                           PollStore& store, ReplayRows& rows, std::function<void()> wake,
                           const std::atomic<bool>& stopping, Poco::Logger& logger)
    : _name(std::move(name))
    , _source(source)
    , _maxClockSkew(maxClockSkew)
    , _store(store)
    , _rows(rows)
    , _wake(std::move(wake))
    , _stopping(stopping)
    , _logger(logger)
{
}

ReplayRunner::Step ReplayRunner::step(Poco::Int64 id, const Lease& lease)
{
    std::optional<Replay> replay;
    try
    {
        // As stored now: another instance may have moved it on while it held the lease.
        replay = _rows.get(_name, id);
    }
    catch (const Poco::Exception&)
    {
        return Step::Goes; // tried again next beat
    }
    if (!replay || replay->state != "running")
        return Step::Ended;
    const http_observer::Scope requestsOf(_name);
    IngestResult total;
    Poco::Int64 read = 0;
    try
    {
        ReplaySink sink(_store, lease, *replay, _maxClockSkew, total, read, _stopping);
        Batch batch = _source.stream(replay->cursor, sink);
        sink.store(ReplaySink::inRange(std::move(batch.records), *replay), batch.rejects,
                   batch.cursor);
        _failures = 0;
        if ((total.records > 0 || total.rejects > 0) && _wake)
            _wake();
        if (batch.more)
            return Step::Goes;
        _rows.end(replay->id, "done", "");
        _logger.information("source %s: replay %Ld of %s to %s done: %Ld record(s) of the "
                            "range read in its last step, %d new",
                            _name, replay->id, formatRfc3339(replay->from),
                            formatRfc3339(replay->to), read, total.records + total.rejects);
        return Step::Ended;
    }
    catch (const ReplayStoppedException& e)
    {
        _logger.information("source %s: %s", _name, e.message());
        return Step::Ended;
    }
    catch (const LeaseLostException& e)
    {
        _logger.warning("source %s: replay %Ld paused here: %s", _name, replay->id, e.message());
        return Step::LeaseLost;
    }
    catch (const StoppingException&)
    {
        return Step::Goes;
    }
    catch (const Poco::Exception& e)
    {
        return failed(*replay, e.displayText());
    }
}

ReplayRunner::Step ReplayRunner::failed(const Replay& replay, const std::string& error)
{
    if (++_failures < REPLAY_ATTEMPTS)
    {
        _logger.warning("source %s: replay %Ld step failed (%d of %d): %s", _name, replay.id,
                        _failures, REPLAY_ATTEMPTS, clipped(error, 500));
        return Step::Goes;
    }
    _failures = 0;
    Step step = Step::Ended;
    try
    {
        _rows.end(replay.id, "failed", _store.holder() + ": " + error);
    }
    catch (const Poco::Exception&)
    {
        step = Step::Goes; // still running in the store: tried again next beat
    }
    _logger.error("source %s: replay %Ld failed after %d attempts: %s", _name, replay.id,
                  REPLAY_ATTEMPTS, clipped(error, 500));
    return step;
}

} // namespace courierd
