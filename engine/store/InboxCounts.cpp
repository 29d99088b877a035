#include "store/InboxCounts.h"

namespace courierd
{

using namespace Poco::Data::Keywords;

namespace
{

const std::string READ = R"sql(
SELECT source, state, sum(n)::bigint FROM inbox_counts GROUP BY source, state
)sql";

// Rows appended while this runs are not seen by the DELETE and stay as they are.
const std::string FOLD = R"sql(
WITH gone AS (DELETE FROM inbox_counts RETURNING source, state, n)
INSERT INTO inbox_counts (source, state, n)
SELECT source, state, sum(n) FROM gone GROUP BY source, state HAVING sum(n) <> 0
)sql";

} // namespace

InboxCounts::Counts InboxCounts::read(Poco::Data::Session& session)
{
    std::vector<std::string> sources, states;
    std::vector<Poco::Int64> rows;
    session << READ, into(sources), into(states), into(rows), now;
    Counts counts;
    for (std::size_t i = 0; i < sources.size(); ++i)
        if (rows[i] != 0)
            counts[sources[i]][states[i]] = rows[i];
    return counts;
}

void InboxCounts::fold(Poco::Data::Session& session)
{
    session << FOLD, now;
}

} // namespace courierd
