#pragma once

#include "admin/Services.h"
#include "couriers/CourierRepository.h"
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
    ScheduledSources(std::function<std::vector<SourceStatus>()> statuses, SourceStore& store,
                     SourceControls& controls, std::function<void()> controlsChanged);
    std::vector<SourceView> list() override;
    std::optional<SourceView> get(const std::string& name) override;
    std::optional<SourceView> pause(const std::string& name) override;
    std::optional<SourceView> resume(const std::string& name) override;
    std::optional<Poco::Timestamp> trigger(const std::string& name) override;

private:
    std::vector<SourceView> views(const std::string* only);
    bool runs(const std::string& name);
    void refresh();

    std::function<std::vector<SourceStatus>()> _statuses;
    SourceStore& _store;
    SourceControls& _controls;
    std::function<void()> _controlsChanged;
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
