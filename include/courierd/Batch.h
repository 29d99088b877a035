#pragma once

#include "courierd/Record.h"
#include "courierd/Reject.h"

#include <string>
#include <vector>

namespace courierd
{

/// What one Source::fetch() returns. The engine stores the records, the rejects and the new
/// cursor in one transaction: either all of them are kept or none is. A plain value type.
struct Batch
{
    std::vector<Record> records;
    std::vector<Reject> rejects;

    /// The cursor to hand to the next fetch. Opaque to the engine (JSON is fine). It must not
    /// pass any element that is not in `records` or `rejects`.
    std::string cursor;

    /// True when the source has more ready now: the engine fetches again in the same tick
    /// (pagination) instead of waiting for the next one.
    bool more = false;
};

} // namespace courierd
