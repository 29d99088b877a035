#include "app/AdminEndpoint.h"

#include "pipeline/AssignmentPipeline.h"
#include "sources/SourceScheduler.h"
#include "util/Exceptions.h"

#include <csignal>
#include <unistd.h>

namespace courierd
{

AdminEndpoint::AdminEndpoint(const EngineConfig& engine, const Settings& settings, Engine parts)
    : _listen(engine.admin.listen)
    , _health(parts.database, [&scheduler = parts.scheduler] { return scheduler.status().size(); })
    , _couriers(parts.database)
    , _courierService(_couriers, [&pipeline = parts.pipeline] { pipeline.wake(); })
    , _sourceStore(parts.database)
    , _cursors(parts.database)
    , _sourceService(
          {[&scheduler = parts.scheduler] { return scheduler.status(); }, _sourceStore,
           parts.controls, [&scheduler = parts.scheduler] { scheduler.readControls(); }, _cursors,
           [&scheduler = parts.scheduler](const std::string& name, const Poco::Timestamp& time)
           { return scheduler.cursorAt(name, time); },
           parts.replays})
    , _reloadService(parts.reloader, [] { ::kill(::getpid(), SIGHUP); })
    , _ledger(parts.database)
    , _ledgerService(_ledger, parts.assigner, [&pipeline = parts.pipeline] { pipeline.wake(); })
{
    if (_listen.empty())
        return;
    Database& database = parts.database;
    try
    {
        _server = std::make_unique<AdminServer>(
            _listen, AdminAccess{engine.admin.tokens, engine.admin.allowedHosts},
            AdminServices{_health, _courierService, _sourceService, _reloadService, _ledgerService,
                          parts.registry, parts.history},
            [&database](const std::string& text) { return database.explain(text); },
            [&database] { database.reserveThisThread(); });
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
