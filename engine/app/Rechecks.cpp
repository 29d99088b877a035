#include "app/Rechecks.h"

#include <map>

namespace courierd
{

Rechecks::Rechecks(RecheckStore& store, CourierAssigner& assigner)
    : _store(store)
    , _assigner(assigner)
{
}

std::vector<RecheckQuery> Rechecks::runningDeliveries(const std::string& source, std::size_t limit)
{
    return _store.runningDeliveries(source, limit);
}

std::vector<RecheckAnswer> Rechecks::apply(const std::string& source,
                                           const std::vector<RecheckAnswer>& answers)
{
    std::vector<Ending> endings;
    std::map<std::string, const RecheckAnswer*> byId;
    for (const auto& answer : answers)
    {
        byId.emplace(answer.id, &answer);
        if (answer.fate == Fate::Canceled)
            endings.push_back({answer.id, EndReason::CanceledAtSource});
        else if (answer.fate == Fate::Gone)
            endings.push_back({answer.id, EndReason::GoneAtSource});
    }
    std::vector<RecheckAnswer> ended;
    for (const auto& id : _assigner.endDeliveries(source, endings))
        if (const auto it = byId.find(id); it != byId.end())
            ended.push_back(*it->second);
    _store.stamp(source, answers);
    return ended;
}

std::vector<RecheckQuery> Rechecks::waitingOrders(const std::string& source, Duration after,
                                                  std::size_t limit)
{
    return _store.waitingOrders(source, after, limit);
}

std::vector<std::string> Rechecks::settleWaiting(const std::string& source,
                                                 const std::vector<Settled>& settled)
{
    return _store.settleWaiting(source, settled);
}

} // namespace courierd
