#pragma once

#include <Poco/Net/HTTPServer.h>
#include <Poco/ThreadPool.h>
#include <Poco/Timestamp.h>

#include <atomic>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace courierd::test
{

/// service-order as its contract describes it, served over loopback on a port of its own:
/// `GET /public/api/v1/orders?from=` with an inclusive filter on stored times that are finer
/// than the whole seconds the answers show, strict RFC3339 `from` (400 otherwise), answers in
/// random order, `POST /public/api/v1/order`, `GET /public/api/v1/order/{id}/status` (404 for
/// an order that is not there), `DELETE /public/api/v1/order/{id}` (the order is then left out
/// of the list, as service-order leaves deleted orders out) and `POST
/// /public/api/v1/debug/seed`. For sources
/// with growing numeric ids it also understands `after_id=N` (orders whose id is a number
/// above N). Faults can
/// be queued: each answers one request instead of the normal handling. Thread-safe.
class FakeServiceOrder
{
public:
    /// One queued answer in place of the normal one.
    struct Fault
    {
        int status = 503;
        std::string body = R"({"code":"unavailable","message":"injected"})";
        std::map<std::string, std::string> headers;
        std::string contentType = "application/json";
        bool dropConnection = false; ///< Close the socket without answering.
        long delayMs = 0;            ///< Wait this long before answering.
        long trickleMs = 0;          ///< Send the body a byte at a time, this long apart.
        /// Streamed after `body`, `repeat` times, then `tail`: answers of gigabytes without
        /// holding them (Content-Length is the total).
        std::string repeated;
        std::size_t repeat = 0;
        std::string tail;
        bool neverAnswer = false;    ///< Accept the request and hold it until the fake stops.
        bool headersForever = false; ///< A status line, then header lines without end.
    };

    /// Listens on 127.0.0.1:`port` (0: any free port).
    explicit FakeServiceOrder(unsigned short port = 0);
    ~FakeServiceOrder();

    FakeServiceOrder(const FakeServiceOrder&) = delete;
    FakeServiceOrder& operator=(const FakeServiceOrder&) = delete;

    /// `http://127.0.0.1:<port>`
    std::string baseUrl() const;

    /// Stores an order created at `createdAt` (microseconds kept; answers show whole seconds)
    /// and returns its id (a random UUID unless given).
    std::string addOrder(const std::string& status, Poco::Timestamp createdAt = Poco::Timestamp(),
                         const std::string& id = {});

    /// `count` orders within one second (distinct sub-second times), returns their ids.
    std::vector<std::string> addBurst(int count, Poco::Timestamp second, const std::string& status);

    void setStatus(const std::string& id, const std::string& status);

    /// What `DELETE /public/api/v1/order/{id}` does: the order is left out of the list and its
    /// status route answers 404.
    void remove(const std::string& id);

    /// Queues a fault for the next request of the orders list or an order's status.
    void fail(const Fault& fault, int times = 1);

    /// When set, `limit=N` returns the N oldest matching orders (sorted by created_at), as a
    /// source with pagination would. Off by default: service-order has none.
    void supportLimit(bool on);

    /// Every stored order's id and creation time.
    std::vector<std::pair<std::string, Poco::Timestamp>> orders() const;

    /// Requests seen by the orders list and the status route, as their full URIs.
    std::vector<std::string> requests() const;
    std::size_t requestCount() const;

private:
    class Handler;
    class Factory;
    struct Order
    {
        std::string id;
        std::string status;
        Poco::Timestamp createdAt;
        bool deleted = false;
    };

    std::string json(const Order& order) const;

    mutable std::mutex _mutex;
    std::vector<Order> _orders;
    std::deque<Fault> _faults;
    std::vector<std::string> _requests;
    bool _limit = false;
    std::atomic<bool> _stopping{false};
    Poco::ThreadPool _threads;
    std::unique_ptr<Poco::Net::HTTPServer> _server;
};

} // namespace courierd::test
