#include "sources/SourceStore.h"

#include "store/InboxCounts.h"

namespace courierd
{

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
    session << "SELECT source, cursor FROM source_cursors", into(names), into(cursors), now;
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
    session << "SELECT source, (extract(epoch FROM newest_created_at) * 1000000)::bigint "
               "FROM source_freshness",
        into(names), into(at), now;
    std::map<std::string, Poco::Timestamp> out;
    for (std::size_t i = 0; i < names.size(); ++i)
        out.emplace(names[i], Poco::Timestamp(at[i]));
    return out;
}

} // namespace courierd
