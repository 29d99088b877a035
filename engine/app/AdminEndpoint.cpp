#include "app/AdminEndpoint.h"

#include "pipeline/AssignmentPipeline.h"
#include "sources/SourceScheduler.h"
#include "util/Exceptions.h"

#include <csignal>
#include <unistd.h>

namespace courierd
{

AdminEndpoint::AdminEndpoint(const EngineConfig& engine, const Settings& settings,
                             Database& adminDatabase, SourceScheduler& scheduler,
                             AssignmentPipeline& pipeline, Reloader& reloader,
                             metrics::Registry& registry)
    : _listen(engine.admin.listen)
    , _health(adminDatabase, [&scheduler] { return scheduler.status().size(); })
    , _couriers(adminDatabase)
    , _courierService(_couriers, [&pipeline] { pipeline.wake(); })
    , _sourceStore(adminDatabase)
    , _controls(adminDatabase)
    , _cursors(adminDatabase)
    , _replays(adminDatabase)
    , _sourceService({[&scheduler] { return scheduler.status(); }, _sourceStore, _controls,
                      [&scheduler] { scheduler.readControls(); }, _cursors,
                      [&scheduler](const std::string& name, const Poco::Timestamp& time)
                      { return scheduler.cursorAt(name, time); },
                      _replays})
    , _reloadService(reloader, [] { ::kill(::getpid(), SIGHUP); })
    , _ledger(adminDatabase)
    , _assigner(adminDatabase, engine.assignment)
    , _ledgerService(_ledger, _assigner, [&pipeline] { pipeline.wake(); })
{
    if (_listen.empty())
        return;
    try
    {
        _server = std::make_unique<AdminServer>(
            _listen, AdminAccess{engine.admin.tokens, engine.admin.allowedHosts},
            AdminServices{_health, _courierService, _sourceService, _reloadService, _ledgerService,
                          registry},
            [&adminDatabase](const std::string& text) { return adminDatabase.explain(text); });
    }
    catch (const Poco::Exception& e)
    {
        throw ConfigException(settings.describe("admin.listen") +
                              ": cannot listen there: " + e.displayText());
    }
}

AdminEndpoint::~AdminEndpoint() = default;

void AdminEndpoint::start()
{
    if (!_server)
        return;
    _server->start();
    Poco::Logger::get("courierd")
        .information("admin endpoint on http://%s:%hu", _listen.substr(0, _listen.rfind(':')),
                     _server->port());
}

void AdminEndpoint::stop()
{
    if (_server)
        _server->stop();
}

void AdminEndpoint::reconfigure(const AdminConfig& admin)
{
    if (_server)
        _server->setAccess({admin.tokens, admin.allowedHosts});
}

} // namespace courierd
