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

} // namespace courierd
