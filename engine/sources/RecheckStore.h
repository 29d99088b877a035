#pragma once

#include "courierd/Recheck.h"
#include "store/Database.h"

#include <cstddef>
#include <string>
#include <vector>

namespace courierd
{

/// The sources' side of the recheck in PostgreSQL: which running deliveries to ask about, and
/// when each delivery and inbox row was asked and what the source said. (Ending a delivery is
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

private:
    Database& _database;
};

} // namespace courierd
