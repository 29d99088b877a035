#include "app/AdminAdapters.h"

#include "app/Reloader.h"
#include "courierd/Exceptions.h"
#include "courierd/Rfc3339.h"
#include "util/Exceptions.h"

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

ScheduledSources::ScheduledSources(Parts parts)
    : _parts(std::move(parts))
{
}

std::optional<std::optional<StoredCursor>> ScheduledSources::cursor(const std::string& name)
{
    if (!runs(name))
        return std::nullopt;
    return _parts.cursors.read(name);
}

std::optional<CursorChange> ScheduledSources::setCursor(const std::string& name,
                                                        const CursorRequest& request)
{
    if (!runs(name))
        return std::nullopt;
    std::string cursor;
    if (request.cursor)
        cursor = *request.cursor;
    else if (request.from)
        cursor = cursorAt(name, *request.from);
    else if (request.restore)
    {
        const auto change = _parts.cursors.change(name, *request.restore);
        if (!change)
            throw CodedValidationException("bad_request",
                                           "source " + name + " has no cursor change " +
                                               std::to_string(*request.restore) + " to restore");
        cursor = change->previous.value_or("");
    }
    auto change = _parts.cursors.set(name, cursor, request.remote, request.reason);
    if (!change)
        throw CodedConflictException(
            "source_not_paused", "source " + name +
                                     " is not paused: pause it first (POST /api/v1/sources/" +
                                     name + "/pause), so that no tick moves the cursor meanwhile");
    return change;
}

std::string ScheduledSources::cursorAt(const std::string& name, const Poco::Timestamp& time)
{
    if (const auto horizon = _parts.cursors.retentionHorizon(name); horizon && time <= *horizon)
        throw CodedConflictException(
            "out_of_retention", "source " + name + ": retention has deleted orders created up to " +
                                    formatRfc3339(*horizon) +
                                    ", which would be fetched again; start after that time "
                                    "(retention.inbox)");
    try
    {
        return _parts.cursorAt(name, time);
    }
    catch (const UnsupportedException& e)
    {
        throw CodedValidationException("unsupported", "source " + name + ": " + e.message());
    }
}

std::optional<Replay> ScheduledSources::startReplay(const std::string& name, Poco::Timestamp from,
                                                    Poco::Timestamp to, const std::string& remote)
{
    if (!runs(name))
        return std::nullopt;
    const std::string cursor = cursorAt(name, from);
    auto replay = _parts.replays.start(name, from, to, cursor, remote);
    if (!replay)
    {
        std::string running;
        for (const auto& other : _parts.replays.running())
            if (other.source == name)
                running = " (replay " + std::to_string(other.id) + ")";
        throw CodedConflictException("replay_running", "source " + name + " has a replay running" +
                                                           running +
                                                           ": one at a time; wait for it or "
                                                           "cancel it");
    }
    refresh(); // the instance holding the lease starts it within a beat or two
    return replay;
}

std::optional<Replay> ScheduledSources::replay(const std::string& name, Poco::Int64 id)
{
    if (!runs(name))
        return std::nullopt;
    return _parts.replays.get(name, id);
}

std::optional<Replay> ScheduledSources::cancelReplay(const std::string& name, Poco::Int64 id)
{
    if (!runs(name))
        return std::nullopt;
    auto replay = _parts.replays.cancel(name, id);
    refresh();
    return replay;
}

std::optional<std::vector<CursorChange>>
ScheduledSources::cursorHistory(const std::string& name, int limit,
                                std::optional<Poco::Int64> before)
{
    if (!runs(name))
        return std::nullopt;
    return _parts.cursors.history(name, limit, before);
}

std::optional<std::vector<Replay>> ScheduledSources::replays(const std::string& name, int limit,
                                                             std::optional<Poco::Int64> before)
{
    if (!runs(name))
        return std::nullopt;
    return _parts.replays.list(name, limit, before);
}

void ScheduledSources::refresh()
{
    // Stored already: should this read fail, the scheduler reads the controls again soon.
    try
    {
        if (_parts.controlsChanged)
            _parts.controlsChanged();
    }
    catch (const Poco::Exception&)
    {
    }
}

bool ScheduledSources::runs(const std::string& name)
{
    for (const auto& status : _parts.statuses())
        if (status.name == name)
            return true;
    return false;
}

std::optional<SourceView> ScheduledSources::pause(const std::string& name)
{
    if (!runs(name))
        return std::nullopt;
    _parts.controls.pause(name);
    refresh();
    return get(name);
}

std::optional<SourceView> ScheduledSources::resume(const std::string& name)
{
    if (!runs(name))
        return std::nullopt;
    _parts.controls.resume(name);
    refresh();
    return get(name);
}

std::optional<Poco::Timestamp> ScheduledSources::trigger(const std::string& name)
{
    if (!runs(name))
        return std::nullopt;
    const auto control = _parts.controls.trigger(name);
    refresh();
    return control.triggeredAt;
}

std::vector<SourceView> ScheduledSources::views(const std::string* only)
{
    std::vector<SourceView> out;
    std::optional<std::map<std::string, StoredSource>> stored;
    for (auto& status : _parts.statuses())
    {
        if (only && status.name != *only)
            continue;
        if (!stored)
            stored = _parts.store.read();
        SourceView view;
        for (const char* state : {"pending", "assigned", "skipped", "failed", "rejected"})
            view.records[state] = 0;
        if (const auto it = stored->find(status.name); it != stored->end())
        {
            view.cursor = it->second.cursor;
            view.newestCreatedAt = it->second.newestCreatedAt;
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

StoreLedger::StoreLedger(Ledger& ledger, CourierAssigner& assigner, std::function<void()> requeued)
    : _ledger(ledger)
    , _assigner(assigner)
    , _requeued(std::move(requeued))
{
}

std::optional<OrderLedger> StoreLedger::order(const std::string& source, const std::string& id)
{
    return _ledger.order(source, id);
}

Page<InboxEntry> StoreLedger::inbox(const InboxFilter& filter, int limit,
                                    const std::optional<std::string>& after)
{
    return _ledger.inbox(filter, limit, after);
}

Page<DeliveryEntry> StoreLedger::deliveries(const DeliveryFilter& filter, int limit,
                                            const std::optional<std::string>& after)
{
    return _ledger.deliveries(filter, limit, after);
}

RetryOutcome StoreLedger::retry(const RetryRequest& request)
{
    const RetryOutcome outcome = _ledger.retry(request);
    if (outcome.requeued > 0 && _requeued)
        _requeued();
    return outcome;
}

std::optional<Unassigned> StoreLedger::unassign(const std::string& source, const std::string& id,
                                                bool requeue, const std::string& reason,
                                                const std::string& remote)
{
    auto unassigned = _assigner.unassign(source, id, requeue, reason, remote);
    // A freed courier or a pending order: either may make an assignment possible now.
    if (unassigned && _requeued)
        _requeued();
    return unassigned;
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
