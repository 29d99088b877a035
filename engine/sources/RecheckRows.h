#pragma once

#include "courierd/Duration.h"
#include "courierd/Recheck.h"

#include <cstddef>
#include <string>
#include <vector>

namespace courierd
{

/// What the rechecks read and write (of running deliveries, and of orders waiting for a
/// courier), narrow so that the Rechecker's
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

    /// At most `limit` of `source`'s pending orders that were passed over for lack of a
    /// courier and fetched, or last rechecked, longer than `after` ago: the longest-unchecked
    /// first, each with the created_at its source gave. Throws on a database failure.
    virtual std::vector<RecheckQuery> waitingOrders(const std::string& source, Duration after,
                                                    std::size_t limit) = 0;

    /// What became of one waiting order: its verdict for the inbox row (`recheck_verdict`),
    /// and, when it is no longer to be assigned, the reason it ends `skipped` with.
    struct Settled
    {
        std::string id;
        std::string verdict;
        std::string skipped; ///< Empty: it stays pending, to be assigned.
    };

    /// Stamps each row of `settled` that is still pending with now and its verdict, and ends
    /// those with a `skipped` reason skipped, never assigned. Returns the ids skipped now.
    /// Throws on a database failure (then nothing was written).
    virtual std::vector<std::string> settleWaiting(const std::string& source,
                                                   const std::vector<Settled>& settled) = 0;
};

/// An answer as an inbox row's `recheck_verdict`: the fate, and its reason after a colon
/// (`canceled: status canceled`).
inline std::string verdictOf(const RecheckAnswer& answer)
{
    return std::string(fateName(answer.fate)) + (answer.reason.empty() ? "" : ": " + answer.reason);
}

} // namespace courierd
