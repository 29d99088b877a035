#pragma once

#include "courierd/Batch.h"
#include "courierd/Export.h"
#include "courierd/Record.h"
#include "courierd/Reject.h"

#include <cstddef>
#include <vector>

namespace courierd
{

/// Where Source::stream() hands over what it has read so far. Implemented by the engine; used
/// on the source's timer thread, inside stream() only.
class COURIERD_SDK_API RecordSink
{
public:
    virtual ~RecordSink() = default;

    /// Stores `records` and `rejects` now, in one transaction of their own, then empties both.
    /// The cursor does not move: the Batch that stream() returns moves it, after everything
    /// written here is stored. Throws when they could not be stored (the lease was lost, the
    /// database failed) or the daemon is stopping (StoppingException): let it propagate, so that
    /// the fetch ends and the cursor stays.
    virtual void write(std::vector<Record>& records, std::vector<Reject>& rejects) = 0;
};

/// A RecordSink that keeps everything written to it in one Batch, so that a plugin that streams
/// can offer fetch() too: `BatchCollector all; return all.merge(stream(cursor, all));`.
/// Not thread-safe.
class COURIERD_SDK_API BatchCollector : public RecordSink
{
public:
    void write(std::vector<Record>& records, std::vector<Reject>& rejects) override;

    /// Everything written so far followed by `last`'s records and rejects, with `last`'s
    /// cursor and `more` flag. Leaves this collector empty.
    Batch merge(Batch last);

private:
    Batch _batch;
};

/// What a streaming plugin has read and not yet handed over: written to `sink` in parts of
/// `limit` records and rejects, or sooner once a part holds `byteLimit` bytes of ids and
/// payloads, so that memory is bounded by bytes however long the answer. Without a sink it
/// keeps everything (one page, returned whole). Not thread-safe; inside stream() only.
/// Plugin ABI 8.
class COURIERD_SDK_API PendingParts
{
public:
    PendingParts(RecordSink* sink, std::size_t limit, std::size_t byteLimit);

    void add(Record&& record);
    void add(Reject&& reject);

    /// What is left, to return from stream() with `cursor` and `more`. Leaves it empty.
    Batch rest(std::string cursor, bool more);

private:
    void written();

    RecordSink* _sink;
    std::size_t _limit, _byteLimit, _bytes = 0;
    Batch _batch;
};

} // namespace courierd
