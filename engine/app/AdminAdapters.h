#pragma once

#include "admin/Services.h"
#include "couriers/CourierAssigner.h"
#include "couriers/CourierRepository.h"
#include "ledger/Ledger.h"
#include "sources/CursorStore.h"
#include "sources/ReplayStore.h"
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
    struct Parts
    {
        /// This process's view of its sources (SourceScheduler::status()).
        std::function<std::vector<SourceStatus>()> statuses;
        SourceStore& store;
        SourceControls& controls;
        /// Makes this process read the controls (and replays) at once
        /// (SourceScheduler::readControls()).
        std::function<void()> controlsChanged;
        CursorStore& cursors;
        /// The plugin's cursor at a time (SourceScheduler::cursorAt()).
        std::function<std::string(const std::string&, const Poco::Timestamp&)> cursorAt;
        ReplayStore& replays;
    };
    explicit ScheduledSources(Parts parts);
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
    std::optional<std::vector<Replay>> replays(const std::string& name, int limit,
                                               std::optional<Poco::Int64> before) override;
    std::optional<Replay> startReplay(const std::string& name, Poco::Timestamp from,
                                      Poco::Timestamp to, const std::string& remote) override;
    std::optional<Replay> replay(const std::string& name, Poco::Int64 id) override;
    std::optional<Replay> cancelReplay(const std::string& name, Poco::Int64 id) override;

private:
    // The plugin's cursor at `time`, refused before the retention horizon (409
    // out_of_retention) or by the plugin (400 unsupported).
    std::string cursorAt(const std::string& name, const Poco::Timestamp& time);
    std::vector<SourceView> views(const std::string* only);
    bool runs(const std::string& name);
    void refresh();

    Parts _parts;
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
                                       bool requeue, const std::string& reason,
                                       const std::string& remote) override;

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
