#pragma once
// The marketplace example-http is written for, as a test double served over loopback:
//   GET /v2/orders?created_from=<epoch ms>&page=P&per_page=N   (Authorization: Bearer KEY)
//     → {"data":{"orders":[…]},"page":P,"per_page":N,"next_page":P+1|null}
// Orders sorted by (created_at, id), the filter inclusive, per_page capped at 500, integer ids,
// epoch-millisecond times that many orders share; 401 without the key. Under load (busy(N))
// every Nth request is answered 429 with Retry-After: 1, or 503, in turn. A control API seeds
// it from outside (courierd-plugin-check's seeding hook, a shell):
//   POST /control/orders?count=N[&created_at=MS][&status=S]   → {"ids":[…]}
//   POST /control/busy?every=N                                 (0: never)
// Header-only, on POCO; thread-safe.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/NumberParser.h>
#include <Poco/Timestamp.h>
#include <Poco/URI.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

namespace marketplace
{

class FakeMarketplace
{
public:
    struct Order
    {
        long long id;
        long long createdAtMs;
        std::string status;
    };

    explicit FakeMarketplace(std::string key, unsigned short port = 0)
        : _key(std::move(key))
    {
        Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", port));
        auto* params = new Poco::Net::HTTPServerParams;
        params->setMaxThreads(8);
        _server = std::make_unique<Poco::Net::HTTPServer>(new Factory(*this), socket, params);
        _server->start();
    }

    ~FakeMarketplace() { _server->stopAll(true); }

    std::string baseUrl() const { return "http://127.0.0.1:" + std::to_string(_server->port()); }

    /// Adds `count` orders created at `createdAtMs` (now when negative); returns their ids.
    std::vector<long long> add(int count, long long createdAtMs = -1,
                               const std::string& status = "new")
    {
        if (createdAtMs < 0)
            createdAtMs = Poco::Timestamp().epochMicroseconds() / 1000;
        std::lock_guard lock(_mutex);
        std::vector<long long> ids;
        for (int i = 0; i < count; ++i)
        {
            _orders.push_back({_nextId, createdAtMs, status});
            ids.push_back(_nextId++);
        }
        // Sorted as the API sorts: by created_at, then id.
        std::stable_sort(_orders.begin(), _orders.end(),
                         [](const Order& a, const Order& b) {
                             return a.createdAtMs != b.createdAtMs ? a.createdAtMs < b.createdAtMs
                                                                   : a.id < b.id;
                         });
        return ids;
    }

    /// Every Nth request answers 429 (Retry-After: 1) or 503, in turn; 0: none.
    void busy(int every)
    {
        std::lock_guard lock(_mutex);
        _busyEvery = every;
    }

    std::size_t requests() const
    {
        std::lock_guard lock(_mutex);
        return _requests;
    }

    std::size_t size() const
    {
        std::lock_guard lock(_mutex);
        return _orders.size();
    }

private:
    class Handler : public Poco::Net::HTTPRequestHandler
    {
    public:
        explicit Handler(FakeMarketplace& fake)
            : _fake(fake)
        {
        }

        void handleRequest(Poco::Net::HTTPServerRequest& request,
                           Poco::Net::HTTPServerResponse& response) override
        {
            const Poco::URI uri(request.getURI());
            const auto parameter = [&](const std::string& name, long long otherwise) -> long long
            {
                for (const auto& [key, value] : uri.getQueryParameters())
                    if (key == name)
                        return Poco::NumberParser::parse64(value);
                return otherwise;
            };
            try
            {
                if (request.getMethod() == "POST" && uri.getPath() == "/control/orders")
                {
                    std::string status = "new";
                    for (const auto& [key, value] : uri.getQueryParameters())
                        if (key == "status")
                            status = value;
                    Poco::JSON::Array ids;
                    for (const long long id : _fake.add(static_cast<int>(parameter("count", 1)),
                                                        parameter("created_at", -1), status))
                        ids.add(id);
                    Poco::JSON::Object body;
                    body.set("ids", ids);
                    return answer(response, 200, stringify(body));
                }
                if (request.getMethod() == "POST" && uri.getPath() == "/control/busy")
                {
                    _fake.busy(static_cast<int>(parameter("every", 0)));
                    return answer(response, 204, "");
                }
                if (request.getMethod() != "GET" || uri.getPath() != "/v2/orders")
                    return answer(response, 404, R"({"error":"not found"})");
                if (request.get("Authorization", "") != "Bearer " + _fake._key)
                    return answer(response, 401, R"({"error":"invalid API key"})");
                if (const int busy = _fake.countRequest(); busy != 0)
                {
                    if (busy == 429)
                        response.set("Retry-After", "1");
                    return answer(response, busy, R"({"error":"busy, try again"})");
                }
                list(response, parameter("created_from", 0), std::max(1LL, parameter("page", 1)),
                     std::clamp(parameter("per_page", 50), 1LL, 500LL));
            }
            catch (const Poco::Exception&)
            {
                answer(response, 400, R"({"error":"bad request"})");
            }
        }

    private:
        void list(Poco::Net::HTTPServerResponse& response, long long from, long long page,
                  long long perPage)
        {
            std::vector<Order> matching;
            {
                std::lock_guard lock(_fake._mutex);
                for (const auto& order : _fake._orders)
                    if (order.createdAtMs >= from)
                        matching.push_back(order);
            }
            const auto first = static_cast<std::size_t>((page - 1) * perPage);
            std::string orders;
            for (std::size_t i = first; i < matching.size() && i < first + perPage; ++i)
                orders += std::string(orders.empty() ? "" : ",") +
                          "{\"id\":" + std::to_string(matching[i].id) +
                          ",\"created_at\":" + std::to_string(matching[i].createdAtMs) +
                          ",\"status\":\"" + matching[i].status +
                          "\",\"customer\":{\"name\":\"Customer " + std::to_string(matching[i].id) +
                          "\"},\"total\":{\"amount\":1250,\"currency\":\"RUB\"}}";
            const bool last = first + perPage >= matching.size();
            answer(response, 200,
                   "{\"data\":{\"orders\":[" + orders + "]},\"page\":" + std::to_string(page) +
                       ",\"per_page\":" + std::to_string(perPage) + ",\"next_page\":" +
                       (last ? std::string("null") : std::to_string(page + 1)) + "}");
        }

        static std::string stringify(const Poco::JSON::Object& object)
        {
            std::ostringstream out;
            object.stringify(out);
            return out.str();
        }

        static void answer(Poco::Net::HTTPServerResponse& response, int status,
                           const std::string& body)
        {
            response.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
            response.setContentType("application/json");
            response.setContentLength(static_cast<std::streamsize>(body.size()));
            response.send() << body;
        }

        FakeMarketplace& _fake;
    };

    class Factory : public Poco::Net::HTTPRequestHandlerFactory
    {
    public:
        explicit Factory(FakeMarketplace& fake)
            : _fake(fake)
        {
        }
        Poco::Net::HTTPRequestHandler*
        createRequestHandler(const Poco::Net::HTTPServerRequest&) override
        {
            return new Handler(_fake);
        }

    private:
        FakeMarketplace& _fake;
    };

    // Counts a listing request; the status to answer it with when the marketplace is busy.
    int countRequest()
    {
        std::lock_guard lock(_mutex);
        ++_requests;
        if (_busyEvery <= 0 || _requests % _busyEvery != 0)
            return 0;
        return (_requests / _busyEvery) % 2 ? 429 : 503;
    }

    const std::string _key;
    mutable std::mutex _mutex;
    std::vector<Order> _orders;
    long long _nextId = 1001;
    int _busyEvery = 0;
    std::size_t _requests = 0;
    std::unique_ptr<Poco::Net::HTTPServer> _server;
};

} // namespace marketplace
