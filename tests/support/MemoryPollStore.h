#pragma once

#include "courierd/Source.h"
#include "sources/PollStore.h"
#include "sources/Replay.h"
#include "util/Exceptions.h"

#include <Poco/Exception.h>

#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace courierd::test
{

/// A PollStore in memory, for the scheduler's parts' unit tests: leases with terms that fence
/// every ingest as Ingestor's do, the cursor stored compare-and-set, the inbox's ids (a row
/// already there is not new), and faults on demand. Thread-safe.
class MemoryPollStore final : public PollStore
{
public:
    explicit MemoryPollStore(std::string holder = "this:1", Duration ttl = Duration(30000))
        : _holder(std::move(holder))
        , _ttl(ttl)
    {
    }

    // --- what a test arranges ---

    /// Another live instance holds `source`'s lease (a new term), or nobody (`holder` empty:
    /// it expired).
    void heldBy(const std::string& source, const std::string& holder)
    {
        std::lock_guard lock(_mutex);
        auto& lease = _leases[source];
        lease.source = source;
        lease.holder = holder;
        ++lease.term;
    }

    /// An operator sets the cursor (it moves under the poller).
    void setCursor(const std::string& source, const std::string& cursor)
    {
        std::lock_guard lock(_mutex);
        _cursors[source] = cursor;
        ++_versions[source];
    }

    /// The next calls of `call` ("acquire", "cursor", "ingest", "ingestPart", "renew",
    /// "release", "ingestReplay") throw a StoreException with `message`, `times` times.
    void fail(const std::string& call, const std::string& message, int times = 1)
    {
        std::lock_guard lock(_mutex);
        for (int i = 0; i < times; ++i)
            _faults[call].push_back(message);
    }

    /// Replay `id` was canceled: its next ingest throws ReplayStoppedException.
    void stopReplay(Poco::Int64 id)
    {
        std::lock_guard lock(_mutex);
        _stoppedReplays.insert(id);
    }

    // --- what a test reads ---

    std::string storedCursor(const std::string& source) const
    {
        std::lock_guard lock(_mutex);
        const auto it = _cursors.find(source);
        return it == _cursors.end() ? std::string() : it->second;
    }
    std::vector<std::string> inbox() const
    {
        std::lock_guard lock(_mutex);
        return _order;
    }
    int calls(const std::string& call) const
    {
        std::lock_guard lock(_mutex);
        const auto it = _calls.find(call);
        return it == _calls.end() ? 0 : it->second;
    }
    std::vector<ReplayProgress> progress() const
    {
        std::lock_guard lock(_mutex);
        return _progress;
    }
    std::optional<Lease> lease(const std::string& source) const
    {
        std::lock_guard lock(_mutex);
        const auto it = _leases.find(source);
        return it == _leases.end() ? std::nullopt : std::optional<Lease>(it->second);
    }

    // --- PollStore ---

    std::optional<Lease> acquire(const std::string& source) override
    {
        std::lock_guard lock(_mutex);
        enter("acquire");
        auto& lease = _leases[source];
        if (!lease.holder.empty() && lease.holder != _holder)
            return std::nullopt;
        if (lease.holder.empty())
        {
            lease.source = source;
            lease.holder = _holder;
            ++lease.term;
        }
        return lease;
    }

    std::optional<std::pair<std::string, Poco::Timestamp>>
    holder(const std::string& source) override
    {
        std::lock_guard lock(_mutex);
        enter("holder");
        const auto it = _leases.find(source);
        if (it == _leases.end() || it->second.holder.empty())
            return std::nullopt;
        return std::make_pair(it->second.holder, Poco::Timestamp(0));
    }

    bool renew(const Lease& lease) override
    {
        std::lock_guard lock(_mutex);
        enter("renew");
        return current(lease);
    }

    void release(const Lease& lease) override
    {
        std::lock_guard lock(_mutex);
        enter("release");
        if (current(lease))
            _leases[lease.source].holder.clear();
    }

    std::string cursor(const std::string& source) override
    {
        std::lock_guard lock(_mutex);
        enter("cursor");
        _read[source] = _versions[source];
        return _cursors[source];
    }

    IngestResult ingest(const Lease& lease, const Batch& batch, Duration) override
    {
        std::lock_guard lock(_mutex);
        enter("ingest");
        fence(lease);
        const auto read = _read.find(lease.source);
        if (read == _read.end() || read->second != _versions[lease.source])
            throw CursorMovedException("source " + lease.source +
                                       ": the stored cursor moved under this poll");
        IngestResult result = add(batch.records, batch.rejects);
        _cursors[lease.source] = batch.cursor;
        _read[lease.source] = ++_versions[lease.source];
        return result;
    }

    IngestResult ingestPart(const Lease& lease, const std::vector<Record>& records,
                            const std::vector<Reject>& rejects, Duration) override
    {
        std::lock_guard lock(_mutex);
        enter("ingestPart");
        fence(lease);
        return add(records, rejects);
    }

    IngestResult ingestReplay(const Lease& lease, const std::vector<Record>& records,
                              const std::vector<Reject>& rejects, const ReplayProgress& progress,
                              Duration) override
    {
        std::lock_guard lock(_mutex);
        enter("ingestReplay");
        fence(lease);
        if (_stoppedReplays.count(progress.id))
            throw ReplayStoppedException("replay " + std::to_string(progress.id) +
                                         " no longer runs");
        _progress.push_back(progress);
        return add(records, rejects);
    }

    const std::string& holder() const override { return _holder; }
    Duration ttl() const override { return _ttl; }

private:
    // Counts the call and throws its next fault, if any; under _mutex.
    void enter(const std::string& call)
    {
        ++_calls[call];
        auto& faults = _faults[call];
        if (faults.empty())
            return;
        const std::string message = faults.front();
        faults.pop_front();
        throw StoreException(message);
    }
    bool current(const Lease& lease) const
    {
        const auto it = _leases.find(lease.source);
        return it != _leases.end() && it->second.holder == lease.holder &&
               it->second.term == lease.term;
    }
    void fence(const Lease& lease) const
    {
        if (!current(lease))
            throw LeaseLostException("source " + lease.source + ": lease term " +
                                     std::to_string(lease.term) + " is no longer current");
    }
    IngestResult add(const std::vector<Record>& records, const std::vector<Reject>& rejects)
    {
        IngestResult result;
        for (const auto& record : records)
            if (_ids.insert(record.id).second)
            {
                _order.push_back(record.id);
                ++result.records;
                if (record.verdict == Record::Verdict::Skip)
                    ++result.skipped;
            }
        result.rejects = static_cast<int>(rejects.size());
        return result;
    }

    std::string _holder;
    Duration _ttl;
    mutable std::mutex _mutex;
    std::map<std::string, Lease> _leases;
    std::map<std::string, std::string> _cursors;
    std::map<std::string, Poco::Int64> _versions; // bumped by every cursor write
    std::map<std::string, Poco::Int64> _read;     // the version this poller read or wrote last
    std::map<std::string, std::deque<std::string>> _faults;
    std::map<std::string, int> _calls;
    std::set<std::string> _ids;
    std::vector<std::string> _order;
    std::vector<ReplayProgress> _progress;
    std::set<Poco::Int64> _stoppedReplays;
};

/// A Source that answers from a script: each fetch takes the next answer (records by id,
/// `created_at` = their number in seconds since the epoch, a cursor, more), or throws what
/// the script says; an empty script answers nothing new, the cursor unchanged. The cursors it
/// was asked from are kept. One thread at a time, as the engine calls a source.
class ScriptedSource final : public Source
{
public:
    struct Answer
    {
        Answer(std::vector<std::string> ids = {}, std::string cursor = {}, bool more = false,
               std::string error = {}, std::vector<std::string> streamed = {})
            : ids(std::move(ids))
            , cursor(std::move(cursor))
            , more(more)
            , error(std::move(error))
            , streamed(std::move(streamed))
        {
        }

        std::vector<std::string> ids;
        std::string cursor;
        bool more = false;
        std::string error;                 ///< Thrown as a SourceException when set.
        std::vector<std::string> streamed; ///< Ids handed to the sink first, as one part.
        std::function<void()> during;      ///< Called first, as if while the fetch runs.
    };

    void then(Answer answer) { _script.push_back(std::move(answer)); }
    const std::vector<std::string>& askedFrom() const { return _asked; }

    std::vector<ConfigKey> settings() const override { return {}; }
    void initialize(SourceContext&) override {}
    Batch fetch(const std::string& cursor) override
    {
        NullSink sink;
        return stream(cursor, sink);
    }
    Batch stream(const std::string& cursor, RecordSink& sink) override
    {
        _asked.push_back(cursor);
        if (_script.empty())
            return Batch{{}, {}, cursor, false};
        Answer answer = std::move(_script.front());
        _script.pop_front();
        if (answer.during)
            answer.during();
        if (!answer.error.empty())
            throw SourceException(answer.error);
        if (!answer.streamed.empty())
        {
            std::vector<Record> part = records(answer.streamed);
            std::vector<Reject> none;
            sink.write(part, none);
        }
        return Batch{records(answer.ids), {}, answer.cursor, answer.more};
    }

    /// Records with these ids; an id that is a number N is created at N seconds.
    static std::vector<Record> records(const std::vector<std::string>& ids)
    {
        std::vector<Record> out;
        for (const auto& id : ids)
        {
            Record record;
            record.id = id;
            record.createdAt = Poco::Timestamp(std::stoll(id) * 1000000);
            record.payload = "{\"id\":\"" + id + "\"}";
            out.push_back(std::move(record));
        }
        return out;
    }

private:
    class NullSink final : public RecordSink
    {
    public:
        void write(std::vector<Record>&, std::vector<Reject>&) override {}
    };

    std::deque<Answer> _script;
    std::vector<std::string> _asked;
};

/// The replays' rows in memory.
class MemoryReplayRows final : public ReplayRows
{
public:
    void put(const Replay& replay)
    {
        std::lock_guard lock(_mutex);
        _rows[replay.id] = replay;
    }
    void fail(const std::string& message)
    {
        std::lock_guard lock(_mutex);
        _failure = message;
    }
    std::optional<Replay> get(const std::string& source, Poco::Int64 id) override
    {
        std::lock_guard lock(_mutex);
        if (!_failure.empty())
            throw StoreException(_failure);
        const auto it = _rows.find(id);
        if (it == _rows.end() || it->second.source != source)
            return std::nullopt;
        return it->second;
    }
    void end(Poco::Int64 id, const std::string& state, const std::string& error) override
    {
        std::lock_guard lock(_mutex);
        if (!_failure.empty())
            throw StoreException(_failure);
        _rows[id].state = state;
        _rows[id].error = error;
    }

private:
    std::mutex _mutex;
    std::map<Poco::Int64, Replay> _rows;
    std::string _failure;
};

} // namespace courierd::test
