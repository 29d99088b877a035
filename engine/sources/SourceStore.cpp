#include "sources/SourceStore.h"

#include "sources/Sql.h"
#include "store/InboxCounts.h"

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

} // namespace courierd
