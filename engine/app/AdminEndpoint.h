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
/// adapters the handlers see over the daemon's components (those the engine uses too, such as
/// `controls`, `replays` and `assigner`, are the engine's own), and the server itself. Its
/// threads use the database's reserved sessions (POOL_SIZE of them: however many requests
/// arrive, they never take the sessions the scheduler, the workers and the monitor need).
/// Construction binds the address, so that a port in use stops start-up with a configuration
/// error naming the key.
class AdminEndpoint
{
public:
    /// The daemon's components it serves from.
    struct Engine
    {
        Database& database; ///< Made with POOL_SIZE reserved sessions.
        SourceScheduler& scheduler;
        SourceControls& controls;
        ReplayStore& replays;
        CourierAssigner& assigner;
        AssignmentPipeline& pipeline;
        Reloader& reloader;
        metrics::Registry& registry;
        metrics::History& history;
    };

    AdminEndpoint(const EngineConfig& engine, const Settings& settings, Engine parts);
    ~AdminEndpoint();

    /// Serves from now on, and logs where.
    void start();
    /// Stops serving; waits for the requests in progress.
    void stop();
    /// The tokens and allowed hosts of a reload.
    void reconfigure(const AdminConfig& admin);

    /// The database sessions reserved for the admin's threads (and the store gauges').
    static constexpr int POOL_SIZE = 2;

private:
    std::string _listen;
    DatabaseHealth _health;
    CourierRepository _couriers;
    RepositoryCouriers _courierService;
    SourceStore _sourceStore;
    CursorStore _cursors;
    ScheduledSources _sourceService;
    DaemonReload _reloadService;
    Ledger _ledger;
    StoreLedger _ledgerService;
    std::unique_ptr<AdminServer> _server;
};

} // namespace courierd
