#pragma once

#include "couriers/CourierRepository.h"
#include "store/Database.h"
#include "app/Reloader.h"
#include "sources/SourceScheduler.h"

#include <Poco/Net/HTTPServer.h>
#include <Poco/ThreadPool.h>

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace courierd
{

/// The admin HTTP endpoint's view of the daemon: only what it may read or do.
struct AdminServices
{
    Database& database;
    CourierRepository& couriers;
    std::function<std::vector<SourceStatus>()> sources;
    std::function<void()> couriersChanged; ///< A courier was added or made available.
    std::function<std::optional<ReloadReport>()> lastReload;
    std::function<void()> requestReload; ///< Asks the main thread to reload (SIGHUP to itself).
};

/// The operators' HTTP endpoint (POCO HTTPServer on a thread pool of its own):
/// `GET /health`, `GET /ready`, `GET /api/v1/sources`, `GET|POST /api/v1/reload`,
/// `GET|POST /api/v1/couriers`,
/// `GET|PATCH /api/v1/couriers/{id}`. Every answer is JSON; every error is
/// `{"code": …, "message": …}` with its HTTP status. With a token set, mutating requests need
/// `Authorization: Bearer <token>`.
class AdminServer
{
public:
    /// Binds `listen` (`host:port`; port 0 picks a free one) at once, so a taken port fails
    /// start-up. Throws Poco::Net exceptions.
    AdminServer(const std::string& listen, std::string token, AdminServices services);

    /// The token requests need from now on (a reload); empty: none. Any thread.
    void setToken(std::string token);
    ~AdminServer();

    void start();

    /// Stops accepting and waits for running requests. Idempotent.
    void stop();

    /// The bound port.
    unsigned short port() const;

    /// Connections served at once (each holds a thread while its request is read and answered).
    static constexpr int MAX_CONNECTIONS = 256;
    /// Connections accepted beyond those, waiting for a thread; more are closed at once.
    static constexpr int MAX_QUEUED = 64;
    /// How long a connection may stay silent while a request is read, and idle between two
    /// keep-alive requests.
    static inline const Poco::Timespan RECEIVE_TIMEOUT{5, 0};
    static constexpr int IDLE_THREAD_SECONDS = 10;

private:
    class Handler;
    class Factory;

    std::string token() const;

    mutable std::mutex _tokenMutex;
    std::string _token;
    AdminServices _services;
    Poco::ThreadPool _threads;
    std::unique_ptr<Poco::Net::HTTPServer> _server;
    bool _running = false;
};

} // namespace courierd
