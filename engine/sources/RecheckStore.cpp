#include "sources/RecheckStore.h"

#include "sources/Sql.h"

namespace courierd
{

using namespace sql::sources;
using namespace Poco::Data::Keywords;

RecheckStore::RecheckStore(Database& database)
    : _database(database)
{
}

std::vector<RecheckQuery> RecheckStore::runningDeliveries(const std::string& source,
                                                          std::size_t limit)
{
    std::string name = source;
    auto count = static_cast<Poco::Int64>(limit);
    std::vector<std::string> ids;
    std::vector<Poco::Int64> created;
    auto session = _database.session();
    session << RUNNING_DELIVERIES, use(name), use(count), into(ids), into(created), now;
    std::vector<RecheckQuery> out;
    for (std::size_t i = 0; i < ids.size(); ++i)
        out.push_back({ids[i], Poco::Timestamp(created[i])});
    return out;
}

void RecheckStore::stamp(const std::string& source, const std::vector<RecheckAnswer>& answers)
{
    if (answers.empty())
        return;
    std::vector<std::string> ids, verdicts;
    for (const auto& answer : answers)
    {
        ids.push_back(answer.id);
        verdicts.push_back(verdictOf(answer));
    }
    std::string name = source;
    std::string idArray = textArray(ids);
    std::string verdictArray = textArray(verdicts);
    auto session = _database.session();
    session << STAMP_RECHECKED, use(name), use(idArray), use(verdictArray), now;
}

std::vector<RecheckQuery> RecheckStore::waitingOrders(const std::string& source, Duration after,
                                                      std::size_t limit)
{
    std::string name = source;
    Poco::Int64 afterMs = after.count();
    auto count = static_cast<Poco::Int64>(limit);
    std::vector<std::string> ids;
    std::vector<Poco::Int64> created;
    auto session = _database.session();
    session << WAITING_ORDERS, use(name), use(afterMs), use(count), into(ids), into(created), now;
    std::vector<RecheckQuery> out;
    for (std::size_t i = 0; i < ids.size(); ++i)
        out.push_back({ids[i], Poco::Timestamp(created[i])});
    return out;
}

std::vector<std::string>
RecheckStore::settleWaiting(const std::string& source,
                            const std::vector<RecheckRows::Settled>& settled)
{
    if (settled.empty())
        return {};
    std::vector<std::string> ids, verdicts, skipped;
    for (const auto& one : settled)
    {
        ids.push_back(one.id);
        verdicts.push_back(one.verdict);
        skipped.push_back(one.skipped);
    }
    std::string name = source;
    std::string idArray = textArray(ids);
    std::string verdictArray = textArray(verdicts);
    std::string skippedArray = textArray(skipped);
    std::vector<std::string> ended;
    auto session = _database.session();
    session << SETTLE_WAITING, use(name), use(idArray), use(verdictArray), use(skippedArray),
        into(ended), now;
    return ended;
}

} // namespace courierd
