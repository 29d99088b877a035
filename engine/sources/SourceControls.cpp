#include "sources/SourceControls.h"

#include "sources/Sql.h"

namespace courierd
{

using namespace sql::sources;

using namespace Poco::Data::Keywords;

namespace
{

SourceControl control(bool paused, const Poco::Nullable<Poco::Int64>& triggered,
                      Poco::Int64 updated)
{
    SourceControl out;
    out.paused = paused;
    if (!triggered.isNull())
        out.triggeredAt = Poco::Timestamp(triggered.value());
    out.updatedAt = Poco::Timestamp(updated);
    return out;
}

} // namespace

SourceControls::SourceControls(Database& database)
    : _database(database)
{
}

std::map<std::string, SourceControl> SourceControls::read()
{
    std::vector<std::string> sources;
    std::vector<bool> paused;
    std::vector<Poco::Nullable<Poco::Int64>> triggered;
    std::vector<Poco::Int64> updated;
    auto session = _database.session();
    session << READ, into(sources), into(paused), into(triggered), into(updated), now;
    std::map<std::string, SourceControl> out;
    for (std::size_t i = 0; i < sources.size(); ++i)
        out[sources[i]] = control(paused[i], triggered[i], updated[i]);
    return out;
}

SourceControl SourceControls::write(const std::string& sql, const std::string& source)
{
    std::string name = source;
    bool paused = false;
    Poco::Nullable<Poco::Int64> triggered;
    Poco::Int64 updated = 0;
    auto session = _database.session();
    session << sql + RETURNING, use(name), into(paused), into(triggered), into(updated), now;
    return control(paused, triggered, updated);
}

SourceControl SourceControls::pause(const std::string& source)
{
    return write(PAUSE, source);
}

SourceControl SourceControls::resume(const std::string& source)
{
    return write(RESUME, source);
}

SourceControl SourceControls::trigger(const std::string& source)
{
    return write(TRIGGER, source);
}

} // namespace courierd
