#include "app/StatusLine.h"

#include "app/ServiceManager.h"
#include "pipeline/AssignmentPipeline.h"
#include "store/Database.h"
#include "store/InboxCounts.h"

#include <utility>

namespace courierd
{

StatusLine::StatusLine(Database& database, std::function<std::size_t()> sources,
                       const AssignmentPipeline& pipeline)
    : _database(database)
    , _sources(std::move(sources))
    , _pipeline(pipeline)
{
}

std::string StatusLine::text()
{
    Poco::Int64 pending = 0;
    Poco::Int64 assigned = 0;
    try
    {
        auto session = _database.session();
        for (const auto& [source, states] : InboxCounts::read(session))
        {
            pending += states.count("pending") ? states.at("pending") : 0;
            assigned += states.count("assigned") ? states.at("assigned") : 0;
        }
    }
    catch (const Poco::Exception&)
    {
        return std::to_string(_sources()) + " source(s); the database is unreachable";
    }
    return std::to_string(_sources()) + " source(s); " + std::to_string(pending) + " pending, " +
           std::to_string(assigned) + " assigned; " + std::to_string(_pipeline.assigned()) +
           " assigned by this process";
}

void StatusLine::start()
{
    if (ServiceManager::listening())
        _timer.start(Poco::TimerCallback<StatusLine>(*this, &StatusLine::onTimer));
}

void StatusLine::stop()
{
    _timer.stop();
}

void StatusLine::onTimer(Poco::Timer&)
{
    ServiceManager::status(text());
}

} // namespace courierd
