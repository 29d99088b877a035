#include "Invariants.h"

#include "couriers/DeliveryMonitor.h"

#include <Poco/Data/Transaction.h>

namespace courierd::test
{

using namespace Poco::Data::Keywords;

namespace
{

struct Rule
{
    const char* name;
    const char* countOfViolations;
};

const Rule RULES[] = {
    {"2: an order has two deliveries",
     "SELECT count(*) FROM (SELECT 1 FROM deliveries GROUP BY source, order_id "
     "HAVING count(*) > 1) o"},
    // A running delivery has neither ended at the source nor passed its deadline.
    {"3: a busy courier has no running delivery",
     "SELECT count(*) FROM couriers c WHERE c.status = 'busy' AND NOT EXISTS "
     "(SELECT 1 FROM deliveries d WHERE d.courier_id = c.id AND d.deadline > now() "
     "AND d.ended_at IS NULL)"},
    {"3: a courier with a running delivery is not busy",
     "SELECT count(*) FROM couriers c WHERE c.status <> 'busy' AND EXISTS "
     "(SELECT 1 FROM deliveries d WHERE d.courier_id = c.id AND d.deadline > now() "
     "AND d.ended_at IS NULL)"},
    {"3: a courier has two running deliveries",
     "SELECT count(*) FROM (SELECT courier_id FROM deliveries WHERE deadline > now() "
     "AND ended_at IS NULL GROUP BY courier_id HAVING count(*) > 1) c"},
    {"3: a busy courier's active order is not its running delivery",
     "SELECT count(*) FROM couriers c WHERE c.status = 'busy' AND NOT EXISTS "
     "(SELECT 1 FROM deliveries d WHERE d.courier_id = c.id AND d.order_id = c.active_order_id "
     "AND d.source = c.active_source AND d.ended_at IS NULL "
     "AND d.deadline = c.busy_until)"},
    {"counts: inbox_counts differ from the inbox",
     "SELECT count(*) FROM (SELECT source, state, count(*) AS n FROM inbox GROUP BY 1, 2) a "
     "FULL JOIN (SELECT source, state, sum(n) AS n FROM inbox_counts GROUP BY 1, 2 "
     "HAVING sum(n) <> 0) b USING (source, state) WHERE a.n IS DISTINCT FROM b.n"},
    {"load: delivery_count differs from the courier's deliveries",
     "SELECT count(*) FROM couriers c WHERE c.delivery_count <> "
     "(SELECT count(*) FROM deliveries d WHERE d.courier_id = c.id)"},
};

} // namespace

std::vector<std::string> violatedInvariants(Database& database)
{
    auto session = database.session();
    Poco::Data::Transaction transaction(session);
    DeliveryMonitor::releaseExpired(session);
    std::vector<std::string> violated;
    for (const auto& rule : RULES)
    {
        Poco::Int64 count = 0;
        session << rule.countOfViolations, into(count), now;
        if (count != 0)
            violated.push_back(std::string(rule.name) + " (" + std::to_string(count) + " rows)");
    }
    transaction.rollback();
    return violated;
}

} // namespace courierd::test
