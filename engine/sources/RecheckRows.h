#pragma once

#include "courierd/Recheck.h"

#include <cstddef>
#include <string>
#include <vector>

namespace courierd
{

/// What the recheck of running deliveries reads and writes, narrow so that the Rechecker's
/// tests run without PostgreSQL. The daemon's is app/Rechecks (the sources' store and the
/// couriers' assigner). Implementations are thread-safe.
class RecheckRows
{
public:
    virtual ~RecheckRows() = default;

    /// At most `limit` of `source`'s running deliveries (neither ended nor past their
    /// deadline), the longest-unchecked (never checked) first: each order's id and the
    /// created_at its source gave (the delivery's assigned_at when the inbox no longer holds
    /// it). Throws on a database failure.
    virtual std::vector<RecheckQuery> runningDeliveries(const std::string& source,
                                                        std::size_t limit) = 0;

    /// Ends the running deliveries of `source` whose order `answers` call canceled or gone,
    /// freeing their couriers, and stamps every answered delivery and inbox row with now and
    /// its verdict. Returns the answers whose delivery ended now. Throws on a database failure
    /// (then nothing, or the endings alone, were written: asking again is harmless).
    virtual std::vector<RecheckAnswer> apply(const std::string& source,
                                             const std::vector<RecheckAnswer>& answers) = 0;
};

} // namespace courierd
