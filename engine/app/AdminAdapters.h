#pragma once

#include "admin/Services.h"
#include "couriers/CourierAssigner.h"
#include "couriers/CourierRepository.h"
#include "ledger/Ledger.h"
#include "sources/CursorStore.h"
#include "sources/SourceControls.h"
#include "sources/SourceStatus.h"
#include "sources/SourceStore.h"
#include "store/Database.h"

#include <functional>

namespace courierd
{

class Reloader;

/// The admin's service interfaces over the daemon's components. Each is a thin adapter: the
/// work and the SQL stay in the components.

class DatabaseHealth : public HealthService
{
public:
    DatabaseHealth(Database& database, std::function<std::size_t()> sources);
    std::string unready() override;
    std::size_t sources() override { return _sources(); }

private:
    Database& _database;
    std::function<std::size_t()> _sources;
};

class RepositoryCouriers : public CourierService
{
public:
    /// `available` is called when a courier becomes available (it may take a pending order).
    RepositoryCouriers(CourierRepository& couriers, std::function<void()> available);
    std::vector<Courier> list(std::optional<CourierStatus> status) override;
    std::optional<Courier> get(Poco::Int64 id) override;
    Courier create(const NewCourier& courier) override;
    Courier update(Poco::Int64 id, const CourierChanges& changes) override;

private:
    CourierRepository& _couriers;
    std::function<void()> _available;
};

class ScheduledSources : public SourceService
{
public:
    /// `statuses`: this process's view of its sources (SourceScheduler::status());
    /// `controlsChanged`: makes this process read the controls at once
    /// (SourceScheduler::readControls()).
    /// `cursorAt`: the plugin's cursor at a time (SourceScheduler::cursorAt()).
    ScheduledSources(
        std::function<std::vector<SourceStatus>()> statuses, SourceStore& store,
        SourceControls& controls, std::function<void()> controlsChanged, CursorStore& cursors,
        std::function<std::string(const std::string&, const Poco::Timestamp&)> cursorAt);
    std::vector<SourceView> list() override;
    std::optional<SourceView> get(const std::string& name) override;
    std::optional<SourceView> pause(const std::string& name) override;
    std::optional<SourceView> resume(const std::string& name) override;
    std::optional<Poco::Timestamp> trigger(const std::string& name) override;
    std::optional<std::optional<StoredCursor>> cursor(const std::string& name) override;
    std::optional<CursorChange> setCursor(const std::string& name,
                                          const CursorRequest& request) override;
    std::optional<std::vector<CursorChange>>
    cursorHistory(const std::string& name, int limit, std::optional<Poco::Int64> before) override;

private:
    std::vector<SourceView> views(const std::string* only);
    bool runs(const std::string& name);
    void refresh();

    std::function<std::vector<SourceStatus>()> _statuses;
    SourceStore& _store;
    SourceControls& _controls;
    std::function<void()> _controlsChanged;
    CursorStore& _cursors;
    std::function<std::string(const std::string&, const Poco::Timestamp&)> _cursorAt;
};

class StoreLedger : public LedgerService
{
public:
    /// `requeued` is called when orders went back to pending (the pipeline takes them).
    StoreLedger(Ledger& ledger, CourierAssigner& assigner, std::function<void()> requeued);
    std::optional<OrderLedger> order(const std::string& source, const std::string& id) override;
    Page<InboxEntry> inbox(const InboxFilter& filter, int limit,
                           const std::optional<std::string>& after) override;
    Page<DeliveryEntry> deliveries(const DeliveryFilter& filter, int limit,
                                   const std::optional<std::string>& after) override;
    RetryOutcome retry(const RetryRequest& request) override;
    std::optional<Unassigned> unassign(const std::string& source, const std::string& id,
                                       bool requeue) override;

private:
    Ledger& _ledger;
    CourierAssigner& _assigner;
    std::function<void()> _requeued;
};

class DaemonReload : public ReloadService
{
public:
    DaemonReload(Reloader& reloader, std::function<void()> request);
    std::optional<ReloadReport> last() override;
    void request() override { _request(); }

private:
    Reloader& _reloader;
    std::function<void()> _request;
};

} // namespace courierd
