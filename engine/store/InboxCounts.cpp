#include "store/InboxCounts.h"

#include "store/Sql.h"

namespace courierd
{

using namespace sql::store;

using namespace Poco::Data::Keywords;

InboxCounts::Counts InboxCounts::read(Poco::Data::Session& session)
{
    std::vector<std::string> sources, states;
    std::vector<Poco::Int64> rows;
    session << INBOX_COUNTS, into(sources), into(states), into(rows), now;
    Counts counts;
    for (std::size_t i = 0; i < sources.size(); ++i)
        if (rows[i] != 0)
            counts[sources[i]][states[i]] = rows[i];
    return counts;
}

void InboxCounts::fold(Poco::Data::Session& session)
{
    session << FOLD_INBOX_COUNTS, now;
}

} // namespace courierd
