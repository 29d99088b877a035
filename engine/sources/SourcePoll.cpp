#include "sources/SourcePoll.h"

#include "sdk/HttpObserver.h"
#include "util/Exceptions.h"

#include <utility>

namespace courierd
{

namespace
{

constexpr std::size_t CURSOR_IN_LOG = 120;

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
    IngestSink(PollStore& store, const Lease& lease, Duration maxClockSkew, IngestResult& total,
               const std::function<void()>& wake, const std::atomic<bool>& stopping)
        : _store(store)
        , _lease(lease)
        , _maxClockSkew(maxClockSkew)
        , _total(total)
        , _wake(wake)
        , _stopping(stopping)
    {
    }

    void write(std::vector<Record>& records, std::vector<Reject>& rejects) override
    {
        const IngestResult stored = _store.ingestPart(_lease, records, rejects, _maxClockSkew);
        records.clear();
        rejects.clear();
        add(stored);
        if (_stopping)
            throw StoppingException("the daemon is stopping; the rest of the answer is left "
                                    "for the next poll");
    }

    void add(const IngestResult& stored)
    {
        _total += stored;
        if (stored.records > 0 && _wake)
            _wake();
    }

private:
    PollStore& _store;
    const Lease& _lease;
    Duration _maxClockSkew;
    IngestResult& _total;
    const std::function<void()>& _wake;
    const std::atomic<bool>& _stopping;
};

} // namespace

SourcePoll::SourcePoll(std::string name, Source& source, Duration maxClockSkew, PollStore& store,
                       SourceLease& lease, TickLog& log, std::function<void()> wake,
                       const std::atomic<bool>& stopping, Poco::Logger& logger)
    : _name(std::move(name))
    , _source(source)
    , _maxClockSkew(maxClockSkew)
    , _store(store)
    , _lease(lease)
    , _log(log)
    , _wake(std::move(wake))
    , _stopping(stopping)
    , _logger(logger)
{
}

SourcePoll::Outcome SourcePoll::run()
{
    Outcome out;
    try
    {
        if (!_lease.take())
        {
            out.outcome = "standby";
            _log.standby(_lease.holder());
        }
        else
        {
            _log.leaseTaken();
            // The keeper renews the lease for as long as the poll runs, however it ends.
            const SourceLease::Polling polling(_lease);
            poll(out.stored);
        }
    }
    catch (const StoppingException& e)
    {
        _logger.information("source %s: %s (%d new record(s) stored)", _name, e.message(),
                            out.stored.records);
    }
    catch (const LeaseLostException& e)
    {
        _lease.lost();
        out.outcome = "standby";
        _logger.warning("%s", e.message());
    }
    catch (const CursorMovedException& e)
    {
        // The next poll starts over from the stored cursor (poll() left it to be read again).
        out.outcome = "error";
        out.error = e.message();
        out.priority = Poco::Message::PRIO_WARNING;
    }
    catch (const Poco::Exception& e)
    {
        out.outcome = "error";
        out.error = e.displayText();
    }
    catch (const std::exception& e)
    {
        out.outcome = "error";
        out.error = e.what();
    }
    if (out.outcome != "standby")
        _log.polled(out.error, out.priority);
    return out;
}

void SourcePoll::poll(IngestResult& stored)
{
    const http_observer::Scope requestsOf(_name); // the plugin's HttpClient counts for it
    const Lease& lease = *_lease.held();
    std::string cursor = _lease.cursor();
    bool moved = false;
    IngestSink sink(_store, lease, _maxClockSkew, stored, _wake, _stopping);
    for (;;)
    {
        Batch batch = _source.stream(cursor, sink);
        _lease.storing(); // until the new cursor is stored
        sink.add(_store.ingest(lease, batch, _maxClockSkew));
        moved = moved || batch.cursor != cursor;
        cursor = batch.cursor;
        _lease.stored(std::move(batch.cursor));
        if (!batch.more || _stopping)
            break;
    }
    if (stored.records > 0 || stored.rejects > 0)
        _logger.information("source %s: %d new record(s) (%d skipped), %d rejected", _name,
                            stored.records, stored.skipped, stored.rejects);
    if (moved)
        _logger.information("source %s: cursor moved to %s", _name, shortened(cursor));
    else
        _logger.debug("source %s: tick, nothing new", _name);
}

} // namespace courierd
