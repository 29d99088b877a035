#pragma once

#include "admin/AdminServer.h"
#include "app/AdminAdapters.h"
#include "config/EngineConfig.h"
#include "config/Settings.h"
#include "metrics/Registry.h"

#include <functional>
#include <memory>

namespace courierd
{

class AssignmentPipeline;
class Reloader;
class SourceScheduler;

/// The running daemon's admin endpoint (`admin.listen`; none when it is empty): the service
/// adapters the handlers see over the daemon's components, on the admin's own small pool
/// (`adminDatabase`: however many requests arrive, it never takes the sessions the scheduler,
/// the workers and the monitor need), and the server itself. Construction binds the address,
/// so that a port in use stops start-up with a configuration error naming the key.
class AdminEndpoint
{
public:
    AdminEndpoint(const EngineConfig& engine, const Settings& settings, Database& adminDatabase,
                  SourceScheduler& scheduler, AssignmentPipeline& pipeline, Reloader& reloader,
                  metrics::Registry& registry);
    ~AdminEndpoint();

    /// Serves from now on, and logs where.
    void start();
    /// Stops serving; waits for the requests in progress.
    void stop();
    /// The tokens and allowed hosts of a reload.
    void reconfigure(const AdminConfig& admin);

    /// Sessions of the admin's own pool.
    static constexpr int POOL_SIZE = 2;

private:
    std::string _listen;
    DatabaseHealth _health;
    CourierRepository _couriers;
    RepositoryCouriers _courierService;
    SourceStore _sourceStore;
    SourceControls _controls;
    CursorStore _cursors;
    ReplayStore _replays;
    ScheduledSources _sourceService;
    DaemonReload _reloadService;
    Ledger _ledger;
    CourierAssigner _assigner;
    StoreLedger _ledgerService;
    std::unique_ptr<AdminServer> _server;
};

} // namespace courierd
