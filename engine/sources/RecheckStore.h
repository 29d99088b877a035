#pragma once

#include "courierd/Recheck.h"
#include "sources/RecheckRows.h"
#include "store/Database.h"

#include <cstddef>
#include <string>
#include <vector>

namespace courierd
{

/// The sources' side of the rechecks in PostgreSQL: which running deliveries and waiting orders
/// to ask about, when each delivery and inbox row was asked and what the source said, and the
/// waiting orders skipped for it. (Ending a delivery is
/// the couriers': CourierAssigner::endDeliveries.) Thread-safe.
class RecheckStore
{
public:
    explicit RecheckStore(Database& database);

    /// See RecheckRows::runningDeliveries().
    std::vector<RecheckQuery> runningDeliveries(const std::string& source, std::size_t limit);

    /// Stamps the deliveries and inbox rows of `answers` with now, the inbox rows with the
    /// verdict (`canceled: status canceled`).
    void stamp(const std::string& source, const std::vector<RecheckAnswer>& answers);

    /// See RecheckRows::waitingOrders() and settleWaiting().
    std::vector<RecheckQuery> waitingOrders(const std::string& source, Duration after,
                                            std::size_t limit);
    std::vector<std::string> settleWaiting(const std::string& source,
                                           const std::vector<RecheckRows::Settled>& settled);

private:
    Database& _database;
};

} // namespace courierd
