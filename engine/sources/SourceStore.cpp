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
    return sources;
}

} // namespace courierd
