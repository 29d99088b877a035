#include "CourierAssigner.h"

#include "Exceptions.h"
#include "Statements.h"

namespace courierd
{

using namespace Poco::Data::Keywords;

namespace
{

constexpr std::size_t MAX_ID = 200;

// engine/sql/assign.sql, compiled in: one statement, one transaction.
const std::string ASSIGN = sql::ASSIGN;

const std::string EXISTING = R"sql(
SELECT courier_id, (extract(epoch FROM deadline) * 1000000)::bigint
FROM deliveries WHERE order_id = $1
)sql";

// The courier is freed only if this delivery is the one it is busy with: an expired delivery
// whose courier has moved on leaves that courier alone.
const std::string UNASSIGN = R"sql(
WITH removed AS (
    DELETE FROM deliveries WHERE order_id = $1 RETURNING courier_id
), freed AS (
    UPDATE couriers c
    SET delivery_count = c.delivery_count - 1,
        status = CASE WHEN c.active_order_id = $1 THEN 'available' ELSE c.status END,
        busy_until = CASE WHEN c.active_order_id = $1 THEN NULL ELSE c.busy_until END,
        active_order_id = CASE WHEN c.active_order_id = $1 THEN NULL ELSE c.active_order_id END,
        updated_at = now()
    FROM removed r
    WHERE c.id = r.courier_id
)
SELECT courier_id FROM removed
)sql";

void checkId(const std::string& what, const std::string& value)
{
    if (value.empty())
        throw ValidationException(what + ": must not be empty");
    if (value.size() > MAX_ID)
        throw ValidationException(what + ": longer than " + std::to_string(MAX_ID) + " bytes");
}

} // namespace

CourierAssigner::CourierAssigner(Database& database, AssignmentConfig config)
    : _database(database)
    , _config(config)
{
}

AssignOutcome CourierAssigner::assign(const std::string& orderId, const std::string& source)
{
    auto session = _database.session();
    return assign(session, orderId, source);
}

AssignOutcome CourierAssigner::assign(Poco::Data::Session& session, const std::string& orderId,
                                      const std::string& source)
{
    checkId("order id", orderId);
    checkId("source", source);

    std::string order = orderId;
    std::string from = source;
    Poco::Int64 onFoot = _config.deadlineOnFoot.count();
    Poco::Int64 scooter = _config.deadlineScooter.count();
    Poco::Int64 car = _config.deadlineCar.count();
    std::vector<Poco::Int64> fresh;
    std::vector<Poco::Int64> couriers;
    std::vector<Poco::Int64> deadlines;

    session << ASSIGN, use(order), use(from), use(onFoot), use(scooter), use(car), into(fresh),
        into(couriers), into(deadlines), now;

    AssignOutcome outcome;
    if (couriers.empty())
    {
        // Either nobody is free, or another transaction inserted this order while ours ran.
        session << EXISTING, use(order), into(couriers), into(deadlines), now;
        if (couriers.empty())
            return outcome;
        fresh.assign(1, 0);
    }
    outcome.kind =
        fresh.front() != 0 ? AssignOutcome::Kind::Assigned : AssignOutcome::Kind::AlreadyAssigned;
    outcome.courierId = couriers.front();
    outcome.deadline = Poco::Timestamp(deadlines.front());
    return outcome;
}

std::optional<Poco::Int64> CourierAssigner::unassign(const std::string& orderId)
{
    checkId("order id", orderId);
    std::string order = orderId;
    std::vector<Poco::Int64> couriers;
    auto session = _database.session();
    session << UNASSIGN, use(order), into(couriers), now;
    if (couriers.empty())
        return std::nullopt;
    return couriers.front();
}

} // namespace courierd
