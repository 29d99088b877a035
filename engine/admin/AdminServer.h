#pragma once

#include "admin/Router.h"
#include "admin/Services.h"

#include <Poco/Net/HTTPServer.h>
#include <Poco/SharedPtr.h>
#include <Poco/ThreadPool.h>
#include <Poco/Timer.h>

#include <memory>
#include <string>

namespace courierd
{

/// The operators' HTTP endpoint: a POCO HTTPServer on a thread pool of its own, routing
/// through the route table of Router. The routes come from one handler class per resource
/// (HealthHandler, v1/CouriersHandler, v1/SourcesHandler, v1/ReloadHandler), each adding its
/// own; handlers see only `services`. Every answer is JSON; every error is `{"code", "message"}`
/// with its HTTP status.
class AdminServer
{
public:
    /// Binds `listen` (`host:port`; port 0 picks a free one) at once, and alone (no
    /// SO_REUSEPORT), so a taken port fails start-up. `access`: the tokens and extra host names
    /// (see Router). `explain` makes an unexpected error's text fit for the operator (no
    /// password). `onRequestThread`: see Router. Throws Poco::Net exceptions.
    AdminServer(const std::string& listen, AdminAccess access, AdminServices services,
                Explain explain = {}, Router::OnRequestThread onRequestThread = {});
    ~AdminServer();

    /// The tokens and host names from now on (a reload). Any thread.
    void setAccess(AdminAccess access);

    void start();

    /// Stops accepting and waits for running requests. Idempotent.
    void stop();

    /// The bound port.
    unsigned short port() const;

    /// The route table.
    const std::vector<Route>& routes() const { return _router->routes(); }

    /// Connections served at once (each holds a thread while its request is read and answered).
    static constexpr int MAX_CONNECTIONS = 256;
    /// Connections accepted beyond those, waiting for a thread; more are closed at once.
    static constexpr int MAX_QUEUED = 64;
    /// How long a connection may stay silent while a request is read, and idle between two
    /// keep-alive requests.
    static inline const Poco::Timespan RECEIVE_TIMEOUT{5, 0};
    static constexpr int IDLE_THREAD_SECONDS = 10;

private:
    // Ends the threads a burst of connections left idle (POCO's pool trims them only when it is
    // asked for the next thread), so that their stacks are given back.
    void onCollect(Poco::Timer&);

    Poco::SharedPtr<Router> _router;
    Poco::ThreadPool _threads;
    Poco::ThreadPool _collectorThread{"admin-collect", 1, 1};
    std::unique_ptr<Poco::Timer> _collector;
    std::unique_ptr<Poco::Net::HTTPServer> _server;
    bool _running = false;
};

} // namespace courierd
