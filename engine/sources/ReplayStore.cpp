#include "sources/ReplayStore.h"

#include "courierd/Utf8.h"
#include "sources/Sql.h"

#include <Poco/Data/RecordSet.h>

namespace courierd
{

using namespace sql::sources;

using namespace Poco::Data::Keywords;

namespace
{

std::vector<Replay> readReplays(Poco::Data::Statement& statement)
{
    statement.execute();
    Poco::Data::RecordSet rows(statement);
    std::vector<Replay> replays;
    const auto time = [&rows](std::size_t column, std::size_t row)
    { return Poco::Timestamp(rows.value(column, row).convert<Poco::Int64>()); };
    for (std::size_t row = 0; row < rows.rowCount(); ++row)
    {
        Replay replay;
        replay.id = rows.value(0, row).convert<Poco::Int64>();
        replay.source = rows.value(1, row).convert<std::string>();
        replay.from = time(2, row);
        replay.to = time(3, row);
        replay.state = rows.value(4, row).convert<std::string>();
        replay.cursor = rows.value(5, row).convert<std::string>();
        replay.recordsRead = rows.value(6, row).convert<Poco::Int64>();
        replay.recordsNew = rows.value(7, row).convert<Poco::Int64>();
        if (!rows.isNull(8, row))
            replay.error = rows.value(8, row).convert<std::string>();
        if (!rows.isNull(9, row))
            replay.holder = rows.value(9, row).convert<std::string>();
        replay.createdAt = time(10, row);
        replay.updatedAt = time(11, row);
        if (!rows.isNull(12, row))
            replay.finishedAt = time(12, row);
        replays.push_back(std::move(replay));
    }
    return replays;
}

std::optional<Replay> first(std::vector<Replay> replays)
{
    if (replays.empty())
        return std::nullopt;
    return std::move(replays.front());
}

} // namespace

ReplayStore::ReplayStore(Database& database)
    : _database(database)
{
}

std::optional<Replay> ReplayStore::start(const std::string& source, Poco::Timestamp from,
                                         Poco::Timestamp to, const std::string& cursor,
                                         const std::string& remote)
{
    std::string name = source, text = cursor, who = clipped(remote, 200);
    Poco::Int64 fromUs = from.epochMicroseconds(), toUs = to.epochMicroseconds();
    auto session = _database.session();
    Poco::Data::Statement insert(session);
    insert << START_REPLAY, use(name), use(fromUs), use(toUs), use(text), use(who);
    return first(readReplays(insert));
}

std::optional<Replay> ReplayStore::get(const std::string& source, Poco::Int64 id)
{
    std::string name = source;
    auto session = _database.session();
    Poco::Data::Statement select(session);
    select << REPLAY, use(name), use(id);
    return first(readReplays(select));
}

std::vector<Replay> ReplayStore::list(const std::string& source, int limit,
                                      std::optional<Poco::Int64> before)
{
    std::string name = source;
    Poco::Int64 after = before.value_or(0);
    auto session = _database.session();
    Poco::Data::Statement select(session);
    if (before)
        select << REPLAYS_AFTER, use(name), use(limit), use(after);
    else
        select << REPLAYS, use(name), use(limit);
    return readReplays(select);
}

std::optional<Replay> ReplayStore::cancel(const std::string& source, Poco::Int64 id)
{
    {
        std::string name = source;
        auto session = _database.session();
        session << CANCEL_REPLAY, use(name), use(id), now;
    }
    return get(source, id);
}

std::vector<Replay> ReplayStore::running()
{
    auto session = _database.session();
    Poco::Data::Statement select(session);
    select << RUNNING_REPLAYS;
    return readReplays(select);
}

void ReplayStore::end(Poco::Int64 id, const std::string& state, const std::string& error)
{
    std::string to = state, why = clipped(error, 2000);
    auto session = _database.session();
    session << END_REPLAY, use(id), use(to), use(why), now;
}

} // namespace courierd
