#include "couriers/CourierAssigner.h"

#include "courierd/Record.h"
#include "courierd/Utf8.h"
#include "couriers/Sql.h"
#include "util/Exceptions.h"

#include <Poco/Nullable.h>

#include <map>
#include <string_view>

namespace courierd
{

using namespace sql::couriers;

using namespace Poco::Data::Keywords;

namespace
{

constexpr std::size_t MAX_ID = MAX_RECORD_ID_BYTES;

void checkId(const std::string& what, const std::string& value)
{
    if (value.empty())
        throw ValidationException(what + ": must not be empty");
    if (value.size() > MAX_ID)
        throw ValidationException(what + ": longer than " + std::to_string(MAX_ID) + " bytes");
    // Found by the ledger's hostile matrix: DELETE /api/v1/deliveries/src/%C0%AF was a 500.
    if (const auto bad = firstUnstorableByte(value))
        throw ValidationException(what + ": byte " + std::to_string(*bad) +
                                  " is not UTF-8 text (or is a NUL)");
}

} // namespace

CourierAssigner::CourierAssigner(Database& database, AssignmentConfig config)
    : _database(database)
    , _config(config)
{
}

void CourierAssigner::setConfig(const AssignmentConfig& config)
{
    std::lock_guard lock(_configMutex);
    _config = config;
}

AssignOutcome CourierAssigner::assign(const std::string& orderId, const std::string& source)
{
    return assign({OrderRef{orderId, source}}).front();
}

std::vector<AssignOutcome> CourierAssigner::assign(const std::vector<OrderRef>& orders)
{
    auto session = _database.session();
    return assign(session, orders);
}

void CourierAssigner::validate(const OrderRef& order)
{
    checkId("order id", order.orderId);
    checkId("source", order.source);
}

std::vector<AssignOutcome> CourierAssigner::assign(Poco::Data::Session& session,
                                                   const std::vector<OrderRef>& orders)
{
    std::vector<std::string> orderIds;
    std::vector<std::string> sources;
    orderIds.reserve(orders.size());
    sources.reserve(orders.size());
    for (const auto& order : orders)
    {
        validate(order);
        orderIds.push_back(order.orderId);
        sources.push_back(order.source);
    }
    std::vector<AssignOutcome> outcomes(orders.size());
    if (orders.empty())
        return outcomes;

    std::string orderArray = textArray(orderIds);
    std::string sourceArray = textArray(sources);
    AssignmentConfig config;
    {
        std::lock_guard lock(_configMutex);
        config = _config;
    }
    Poco::Int64 onFoot = config.deadlineOnFoot.count();
    Poco::Int64 scooter = config.deadlineScooter.count();
    Poco::Int64 car = config.deadlineCar.count();
    std::vector<std::string> answeredSources;
    std::vector<std::string> answered;
    std::vector<Poco::Int64> fresh;
    std::vector<Poco::Nullable<Poco::Int64>> couriers;
    std::vector<Poco::Nullable<Poco::Int64>> deadlines;
    session << ASSIGN, use(orderArray), use(sourceArray), use(onFoot), use(scooter), use(car),
        into(answeredSources), into(answered), into(fresh), into(couriers), into(deadlines), now;

    // Answers by (source, order id).
    std::map<std::pair<std::string_view, std::string_view>, std::size_t> row;
    for (std::size_t i = 0; i < answered.size(); ++i)
        row.emplace(
            std::make_pair(std::string_view(answeredSources[i]), std::string_view(answered[i])), i);
    for (std::size_t k = 0; k < orders.size(); ++k)
    {
        const auto found = row.find({orders[k].source, orders[k].orderId});
        if (found == row.end() || fresh[found->second] == 2)
            continue; // No courier free, or a concurrent call assigned it meanwhile.
        const std::size_t i = found->second;
        AssignOutcome& outcome = outcomes[k];
        outcome.kind =
            fresh[i] == 1 ? AssignOutcome::Kind::Assigned : AssignOutcome::Kind::AlreadyAssigned;
        outcome.courierId = couriers[i].value();
        outcome.deadline = Poco::Timestamp(deadlines[i].value());
        // The same order twice in one call: the first copy assigned it, the others find it.
        if (fresh[i] == 1)
            fresh[i] = 0;
    }
    return outcomes;
}

std::optional<Unassigned> CourierAssigner::unassign(const std::string& source,
                                                    const std::string& orderId, bool requeue,
                                                    const std::string& reason,
                                                    const std::string& remote)
{
    checkId("source", source);
    checkId("order id", orderId);
    std::string from = source;
    std::string order = orderId;
    std::string why = escapeUnstorable(clipped(reason, MAX_UNASSIGN_REASON_BYTES));
    std::string who = escapeUnstorable(clipped(remote, 200));
    std::vector<Poco::Int64> couriers;
    std::vector<int> freed;
    std::vector<Poco::Nullable<std::string>> states;
    auto session = _database.session();
    session << UNASSIGN, use(from), use(order), use(requeue), use(why), use(who), into(couriers),
        into(freed), into(states), now;
    if (couriers.empty())
    {
        Poco::Int64 ended = 0;
        session << DELIVERY_ENDED, use(from), use(order), into(ended), now;
        if (ended > 0)
            throw CodedConflictException("delivery_ended",
                                         "the delivery of " + source + "/" + clipped(orderId, 120) +
                                             " ended at the source; its courier is free already");
        return std::nullopt;
    }
    Unassigned unassigned{couriers.front(), freed.front() == 1, std::nullopt};
    if (!states.front().isNull())
        unassigned.inboxState = states.front().value();
    return unassigned;
}

std::vector<std::string> CourierAssigner::endDeliveries(const std::string& source,
                                                        const std::vector<Ending>& endings)
{
    checkId("source", source);
    if (endings.empty())
        return {};
    std::vector<std::string> ids, reasons;
    for (const auto& ending : endings)
    {
        checkId("order id", ending.orderId);
        ids.push_back(ending.orderId);
        reasons.push_back(endReasonName(ending.reason));
    }
    std::string from = source;
    std::string idArray = textArray(ids);
    std::string reasonArray = textArray(reasons);
    std::vector<std::string> ended;
    auto session = _database.session();
    session << END_DELIVERIES, use(from), use(idArray), use(reasonArray), into(ended), now;
    return ended;
}

} // namespace courierd
