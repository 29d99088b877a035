#include "courierd/RecordSink.h"

#include <iterator>

namespace courierd
{

namespace
{

template <typename T> void moveAppend(std::vector<T>& to, std::vector<T>& from)
{
    to.insert(to.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
    from.clear();
}

} // namespace

void BatchCollector::write(std::vector<Record>& records, std::vector<Reject>& rejects)
{
    moveAppend(_batch.records, records);
    moveAppend(_batch.rejects, rejects);
}

Batch BatchCollector::merge(Batch last)
{
    write(last.records, last.rejects);
    Batch out = std::move(_batch);
    _batch = Batch();
    out.cursor = std::move(last.cursor);
    out.more = last.more;
    return out;
}

PendingParts::PendingParts(RecordSink* sink, std::size_t limit, std::size_t byteLimit)
    : _sink(sink)
    , _limit(limit)
    , _byteLimit(byteLimit)
{
}

void PendingParts::add(Record&& record)
{
    _bytes += record.payload.size() + record.id.size();
    _batch.records.push_back(std::move(record));
    written();
}

void PendingParts::add(Reject&& reject)
{
    _bytes += reject.payload.size() + reject.id.size();
    _batch.rejects.push_back(std::move(reject));
    written();
}

void PendingParts::written()
{
    if (!_sink || (_batch.records.size() + _batch.rejects.size() < _limit && _bytes < _byteLimit))
        return;
    _sink->write(_batch.records, _batch.rejects);
    _bytes = 0;
}

Batch PendingParts::rest(std::string cursor, bool more)
{
    Batch out = std::move(_batch);
    _batch = Batch();
    _bytes = 0;
    out.cursor = std::move(cursor);
    out.more = more;
    return out;
}

} // namespace courierd
