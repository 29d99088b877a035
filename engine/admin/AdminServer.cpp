#include "admin/AdminServer.h"

#include "admin/ConsoleHandler.h"
#include "admin/HealthHandler.h"
#include "admin/MetricsHandler.h"
#include "admin/v1/CouriersHandler.h"
#include "admin/v1/CursorHandler.h"
#include "admin/v1/DeliveriesHandler.h"
#include "admin/v1/HistoryHandler.h"
#include "admin/v1/InboxHandler.h"
#include "admin/v1/OpenApiHandler.h"
#include "admin/v1/OrdersHandler.h"
#include "admin/v1/ReloadHandler.h"
#include "admin/v1/ReplaysHandler.h"
#include "admin/v1/SourcesHandler.h"

#include <Poco/Net/ServerSocket.h>

namespace courierd
{

AdminServer::AdminServer(const std::string& listen, AdminAccess access, AdminServices services,
                         Explain explain, Router::OnRequestThread onRequestThread)
    : _router(new Router(std::move(access), listen.substr(0, listen.rfind(':')), std::move(explain),
                         std::move(onRequestThread)))
    , _threads("admin", 2, MAX_CONNECTIONS, IDLE_THREAD_SECONDS)
{
    // The route table: each resource adds its routes (Fluent Bit's register.c).
    HealthHandler::addRoutes(*_router, services.health);
    MetricsHandler::addRoutes(*_router, services.metrics);
    SourcesHandler::addRoutes(*_router, services.sources);
    CursorHandler::addRoutes(*_router, services.sources);
    ReplaysHandler::addRoutes(*_router, services.sources);
    CouriersHandler::addRoutes(*_router, services.couriers);
    ReloadHandler::addRoutes(*_router, services.reload);
    HistoryHandler::addRoutes(*_router, services.history);
    OrdersHandler::addRoutes(*_router, services.ledger);
    InboxHandler::addRoutes(*_router, services.ledger);
    DeliveriesHandler::addRoutes(*_router, services.ledger);
    OpenApiHandler::addRoutes(*_router);
    ConsoleHandler::addRoutes(*_router);

    // Bound without SO_REUSEPORT, which ServerSocket(address) sets in POCO 1.11: a second
    // courierd on the port must fail to start, not share its requests.
    Poco::Net::ServerSocket socket;
    socket.bind(Poco::Net::SocketAddress(listen), true, false);
    socket.listen();
    // A connection holds a thread while its request is read: slow or idle clients must neither
    // hold threads for long nor leave none for a liveness probe. Idle and slow connections are
    // dropped after a few seconds; up to MAX_CONNECTIONS are served at once, a few more wait,
    // and the rest are refused at once rather than queued without bound.
    auto* params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(MAX_CONNECTIONS);
    params->setMaxQueued(MAX_QUEUED);
    params->setTimeout(RECEIVE_TIMEOUT);
    params->setKeepAlive(true);
    params->setKeepAliveTimeout(RECEIVE_TIMEOUT);
    params->setMaxKeepAliveRequests(100);
    _server = std::make_unique<Poco::Net::HTTPServer>(
        Poco::Net::HTTPRequestHandlerFactory::Ptr(_router), _threads, socket, params);
}

void AdminServer::setAccess(AdminAccess access)
{
    _router->setAccess(std::move(access));
}

AdminServer::~AdminServer()
{
    stop();
}

void AdminServer::start()
{
    _server->start();
    _running = true;
    constexpr long every = IDLE_THREAD_SECONDS * 1000L;
    _collector = std::make_unique<Poco::Timer>(every, every);
    _collector->start(Poco::TimerCallback<AdminServer>(*this, &AdminServer::onCollect),
                      _collectorThread);
}

void AdminServer::onCollect(Poco::Timer&)
{
    _threads.collect();
}

void AdminServer::stop()
{
    if (!_running)
        return;
    _running = false;
    if (_collector)
        _collector->stop();
    _server->stopAll(true);
    _threads.joinAll();
}

unsigned short AdminServer::port() const
{
    return _server->port();
}

} // namespace courierd
