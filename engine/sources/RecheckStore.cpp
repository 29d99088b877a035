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
        verdicts.push_back(std::string(fateName(answer.fate)) +
                           (answer.reason.empty() ? "" : ": " + answer.reason));
    }
    std::string name = source;
    std::string idArray = textArray(ids);
    std::string verdictArray = textArray(verdicts);
    auto session = _database.session();
    session << STAMP_RECHECKED, use(name), use(idArray), use(verdictArray), now;
}

} // namespace courierd
