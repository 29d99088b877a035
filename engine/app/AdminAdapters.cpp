#include "app/AdminAdapters.h"

#include "app/Reloader.h"

namespace courierd
{

DatabaseHealth::DatabaseHealth(Database& database, std::function<std::size_t()> sources)
    : _database(database)
    , _sources(std::move(sources))
{
}

std::string DatabaseHealth::unready()
{
    const std::string why = _database.ping();
    return why.empty() ? why : "database unreachable: " + why;
}

RepositoryCouriers::RepositoryCouriers(CourierRepository& couriers, std::function<void()> available)
    : _couriers(couriers)
    , _available(std::move(available))
{
}

std::vector<Courier> RepositoryCouriers::list(std::optional<CourierStatus> status)
{
    return _couriers.list(status);
}

std::optional<Courier> RepositoryCouriers::get(Poco::Int64 id)
{
    return _couriers.get(id);
}

Courier RepositoryCouriers::create(const NewCourier& courier)
{
    Courier created = _couriers.create(courier);
    if (created.status == CourierStatus::Available && _available)
        _available();
    return created;
}

Courier RepositoryCouriers::update(Poco::Int64 id, const CourierChanges& changes)
{
    Courier updated = _couriers.update(id, changes);
    if (changes.status && updated.status == CourierStatus::Available && _available)
        _available();
    return updated;
}

ScheduledSources::ScheduledSources(std::function<std::vector<SourceStatus>()> statuses,
                                   SourceStore& store)
    : _statuses(std::move(statuses))
    , _store(store)
{
}

std::vector<SourceView> ScheduledSources::views(const std::string* only)
{
    std::vector<SourceView> out;
    std::optional<std::map<std::string, StoredSource>> stored;
    for (auto& status : _statuses())
    {
        if (only && status.name != *only)
            continue;
        if (!stored)
            stored = _store.read();
        SourceView view;
        view.state = status.lastOutcome == "standby" ? "standby" : "running";
        for (const char* state : {"pending", "assigned", "skipped", "failed", "rejected"})
            view.records[state] = 0;
        if (const auto it = stored->find(status.name); it != stored->end())
        {
            view.cursor = it->second.cursor;
            for (const auto& [state, rows] : it->second.records)
                view.records[state] = rows;
        }
        view.status = std::move(status);
        out.push_back(std::move(view));
    }
    return out;
}

std::vector<SourceView> ScheduledSources::list()
{
    return views(nullptr);
}

std::optional<SourceView> ScheduledSources::get(const std::string& name)
{
    auto found = views(&name);
    if (found.empty())
        return std::nullopt;
    return std::move(found.front());
}

DaemonReload::DaemonReload(Reloader& reloader, std::function<void()> request)
    : _reloader(reloader)
    , _request(std::move(request))
{
}

std::optional<ReloadReport> DaemonReload::last()
{
    return _reloader.report();
}

} // namespace courierd
