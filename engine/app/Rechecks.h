#pragma once

#include "couriers/CourierAssigner.h"
#include "sources/RecheckRows.h"
#include "sources/RecheckStore.h"

namespace courierd
{

/// The daemon's RecheckRows: the running deliveries, the waiting orders and the stamps from the
/// sources' store,
/// the endings from the couriers' assigner (sources/ never reaches couriers/ itself).
class Rechecks : public RecheckRows
{
public:
    Rechecks(RecheckStore& store, CourierAssigner& assigner);

    std::vector<RecheckQuery> runningDeliveries(const std::string& source,
                                                std::size_t limit) override;
    std::vector<RecheckAnswer> apply(const std::string& source,
                                     const std::vector<RecheckAnswer>& answers) override;
    std::vector<RecheckQuery> waitingOrders(const std::string& source, Duration after,
                                            std::size_t limit) override;
    std::vector<std::string> settleWaiting(const std::string& source,
                                           const std::vector<Settled>& settled) override;

private:
    RecheckStore& _store;
    CourierAssigner& _assigner;
};

} // namespace courierd
