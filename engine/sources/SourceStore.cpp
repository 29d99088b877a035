#include "sources/SourceStore.h"

#include "courierd/Duration.h"
#include "courierd/Rfc3339.h"
#include "courierd/Utf8.h"
#include "sources/SourceCatalog.h"
#include "sources/Sql.h"
#include "store/InboxCounts.h"
#include "util/Exceptions.h"

#include <Poco/Data/Transaction.h>

namespace courierd
{

using namespace sql::sources;

using namespace Poco::Data::Keywords;

SourceStore::SourceStore(Database& database)
    : _database(database)
{
}

std::map<std::string, StoredSource> SourceStore::read()
{
    auto session = _database.session();
    std::map<std::string, StoredSource> sources;
    for (auto& [source, states] : InboxCounts::read(session))
        sources[source].records = std::move(states);
    std::vector<std::string> names, cursors;
    session << CURSORS, into(names), into(cursors), now;
    for (std::size_t i = 0; i < names.size(); ++i)
        sources[names[i]].cursor = cursors[i];
    for (const auto& [source, at] : newest(session))
        sources[source].newestCreatedAt = at;
    return sources;
}

std::map<std::string, Poco::Timestamp> SourceStore::newest()
{
    auto session = _database.session();
    return newest(session);
}

std::map<std::string, Poco::Timestamp> SourceStore::newest(Poco::Data::Session& session)
{
    std::vector<std::string> names;
    std::vector<Poco::Int64> at;
    session << NEWEST, into(names), into(at), now;
    std::map<std::string, Poco::Timestamp> out;
    for (std::size_t i = 0; i < names.size(); ++i)
        out.emplace(names[i], Poco::Timestamp(at[i]));
    return out;
}

SourceStore::Renamed SourceStore::rename(const std::string& from, const std::string& to)
{
    for (const auto* name : {&from, &to})
        if (!SourceCatalog::validName(*name))
            throw ValidationException("'" + clipped(*name, 80) +
                                      "' is not a source name: " + SourceCatalog::NAME_RULE);
    if (from == to)
        throw ValidationException("a rename needs two different source names, got " + from +
                                  " twice");
    std::string oldName = from, newName = to;
    auto session = _database.session();
    Poco::Data::Transaction transaction(session);
    session << RENAME_LOCK_INSTANCES, now;
    std::vector<std::string> instances;
    std::vector<Poco::Int64> ago, ttls;
    session << RENAME_LIVE_INSTANCES, use(oldName), use(newName), into(instances), into(ago),
        into(ttls), now;
    if (!instances.empty())
        throw ConflictException(
            "instance " + clipped(instances.front(), 100) + " has source " + from + " or " + to +
            " configured and is alive (its last beat " + std::to_string(ago.front()) +
            " ms ago; taken for dead once that passes its daemon.lease_ttl, " +
            formatDuration(Duration(ttls.front())) + ")" +
            (instances.size() > 1
                 ? ", and " + std::to_string(instances.size() - 1) + " more instance(s)"
                 : std::string()) +
            ": stop every courierd sharing this database first");
    std::vector<std::string> holders;
    std::vector<Poco::Int64> until;
    session << RENAME_LIVE_LEASE, use(oldName), use(newName), into(holders), into(until), now;
    if (!holders.empty())
        throw ConflictException("instance " + clipped(holders.front(), 100) +
                                " holds the lease of source " + from + " or " + to + " until " +
                                formatRfc3339(Poco::Timestamp(until.front())) +
                                ": stop every courierd sharing this database first");
    int used = 0;
    session << RENAME_NAME_USED, use(newName), into(used), now;
    if (used != 0)
        throw ConflictException("source " + to +
                                " already has orders or a cursor: a rename never merges two "
                                "sources");
    session << RENAME_NAME_USED, use(oldName), into(used), now;
    if (used == 0)
        throw Poco::NotFoundException(
            "source " + from +
            " holds nothing in this database (no orders, deliveries, cursor or replays): is the "
            "name right? Nothing was changed");
    Renamed renamed;
    session << RENAME_ORDERS, use(oldName), use(newName), into(renamed.inbox),
        into(renamed.deliveries), into(renamed.busyCouriers), now;
    int cursors = 0;
    session << RENAME_REST, use(oldName), use(newName), into(cursors), now;
    session << RENAME_PAUSE_OLD, use(oldName), now;
    renamed.cursor = cursors > 0;
    transaction.commit();
    return renamed;
}

} // namespace courierd
