#pragma once
// An orders API that pages in each of the four ways http-json reads, served over loopback:
//   GET /offset?from=MS&limit=N&offset=K        → {"orders":[…]}
//   GET /page?from=MS&page=P&per_page=N          → {"orders":[…],"next":P+1|null}
//   GET /link?from=MS&limit=N[&after=K]          → {"orders":[…],"next":URL|null}, and the same
//                                                  URL in a Link header (rel="next")
//   GET /token?from=MS&limit=N[&cursor=T]        → {"orders":[…],"next_cursor":T|null}
//   GET /orders/ID                               → the order, or 404
// Orders are {"id": integer, "created_at": epoch ms, "status"}, sorted by (created_at, id), the
// `from` filter inclusive. loopToken() makes /token hand out the same token for ever. Every
// request's target and X-Api-Key header are kept. Header-only, on POCO; thread-safe.
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/NumberParser.h>
#include <Poco/ThreadPool.h>
#include <Poco/URI.h>

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace courierd::test
{

class FakePagedApi
{
public:
    struct Order
    {
        long long id;
        long long createdAtMs;
        std::string status;
    };

    FakePagedApi()
    {
        Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
        auto* params = new Poco::Net::HTTPServerParams;
        params->setMaxThreads(4);
        _server =
            std::make_unique<Poco::Net::HTTPServer>(new Factory(*this), _pool, socket, params);
        _server->start();
    }

    ~FakePagedApi() { _server->stopAll(true); }

    std::string baseUrl() const { return "http://127.0.0.1:" + std::to_string(_server->port()); }

    /// Adds `count` orders created at `createdAtMs`; returns their ids.
    std::vector<long long> add(int count, long long createdAtMs, const std::string& status = "new")
    {
        std::lock_guard lock(_mutex);
        std::vector<long long> ids;
        for (int i = 0; i < count; ++i)
        {
            _orders.push_back({_nextId, createdAtMs, status});
            ids.push_back(_nextId++);
        }
        std::stable_sort(_orders.begin(), _orders.end(),
                         [](const Order& a, const Order& b) {
                             return a.createdAtMs != b.createdAtMs ? a.createdAtMs < b.createdAtMs
                                                                   : a.id < b.id;
                         });
        return ids;
    }

    void setStatus(long long id, const std::string& status)
    {
        std::lock_guard lock(_mutex);
        for (auto& order : _orders)
            if (order.id == id)
                order.status = status;
    }

    void remove(long long id)
    {
        std::lock_guard lock(_mutex);
        std::erase_if(_orders, [id](const Order& order) { return order.id == id; });
    }

    void loopToken(bool on)
    {
        std::lock_guard lock(_mutex);
        _loopToken = on;
    }

    /// Called before each answer is made, outside the lock (orders arriving mid-paging).
    void beforeAnswer(std::function<void(int request)> hook)
    {
        std::lock_guard lock(_mutex);
        _hook = std::move(hook);
    }

    std::vector<std::string> targets() const
    {
        std::lock_guard lock(_mutex);
        return _targets;
    }

    std::vector<std::string> apiKeys() const
    {
        std::lock_guard lock(_mutex);
        return _apiKeys;
    }

private:
    class Handler : public Poco::Net::HTTPRequestHandler
    {
    public:
        explicit Handler(FakePagedApi& fake)
            : _fake(fake)
        {
        }

        void handleRequest(Poco::Net::HTTPServerRequest& request,
                           Poco::Net::HTTPServerResponse& response) override
        {
            std::function<void(int)> hook;
            int number = 0;
            {
                std::lock_guard lock(_fake._mutex);
                _fake._targets.push_back(request.getURI());
                _fake._apiKeys.push_back(request.get("X-Api-Key", ""));
                hook = _fake._hook;
                number = static_cast<int>(_fake._targets.size());
            }
            if (hook)
                hook(number);
            const Poco::URI uri(request.getURI());
            std::map<std::string, std::string> query;
            for (const auto& [key, value] : uri.getQueryParameters())
                query[key] = value;
            const auto number64 = [&](const std::string& name, long long otherwise)
            {
                const auto it = query.find(name);
                return it == query.end() ? otherwise : Poco::NumberParser::parse64(it->second);
            };
            try
            {
                const std::string path = uri.getPath();
                if (path.starts_with("/orders/"))
                    return one(response, Poco::NumberParser::parse64(path.substr(8)));
                std::vector<Order> matching;
                {
                    std::lock_guard lock(_fake._mutex);
                    for (const auto& order : _fake._orders)
                        if (order.createdAtMs >= number64("from", 0))
                            matching.push_back(order);
                }
                if (path == "/offset")
                {
                    const auto offset = static_cast<std::size_t>(number64("offset", 0));
                    return answer(response, 200,
                                  "{\"orders\":[" + slice(matching, offset, number64("limit", 10)) +
                                      "]}");
                }
                if (path == "/page")
                {
                    const long long page = number64("page", 1), size = number64("per_page", 10);
                    const auto first = static_cast<std::size_t>((page - 1) * size);
                    const bool last = first + static_cast<std::size_t>(size) >= matching.size();
                    return answer(response, 200,
                                  "{\"orders\":[" + slice(matching, first, size) + "],\"next\":" +
                                      (last ? std::string("null") : std::to_string(page + 1)) +
                                      "}");
                }
                if (path == "/link" || path == "/token")
                {
                    // Keyset: after the order at index `after` (the token is that index).
                    const std::string key = path == "/link" ? "after" : "cursor";
                    const auto first = static_cast<std::size_t>(number64(key, 0));
                    const long long limit = number64("limit", 10);
                    const bool last = first + static_cast<std::size_t>(limit) >= matching.size();
                    std::string next = std::to_string(first + static_cast<std::size_t>(limit));
                    bool loop = false;
                    {
                        std::lock_guard lock(_fake._mutex);
                        loop = _fake._loopToken;
                    }
                    if (loop)
                        next = "1";
                    if (path == "/link")
                    {
                        const std::string url =
                            _fake.baseUrl() + "/link?from=" + std::to_string(number64("from", 0)) +
                            "&limit=" + std::to_string(limit) + "&after=" + next;
                        if (!last)
                            response.set("Link", "<" + url + ">; rel=\"next\"");
                        return answer(response, 200,
                                      "{\"orders\":[" + slice(matching, first, limit) +
                                          "],\"next\":" +
                                          (last ? std::string("null") : "\"" + url + "\"") + "}");
                    }
                    return answer(
                        response, 200,
                        "{\"orders\":[" + slice(matching, first, limit) + "],\"next_cursor\":" +
                            (last && !loop ? std::string("null") : "\"" + next + "\"") + "}");
                }
                answer(response, 404, R"({"error":"not found"})");
            }
            catch (const Poco::Exception&)
            {
                answer(response, 400, R"({"error":"bad request"})");
            }
        }

    private:
        static std::string json(const Order& order)
        {
            return "{\"id\":" + std::to_string(order.id) +
                   ",\"created_at\":" + std::to_string(order.createdAtMs) + ",\"status\":\"" +
                   order.status + "\"}";
        }

        static std::string slice(const std::vector<Order>& orders, std::size_t first,
                                 long long limit)
        {
            std::string out;
            for (std::size_t i = first; i < orders.size() && i < first + limit; ++i)
                out += (out.empty() ? "" : ",") + json(orders[i]);
            return out;
        }

        void one(Poco::Net::HTTPServerResponse& response, long long id)
        {
            std::lock_guard lock(_fake._mutex);
            for (const auto& order : _fake._orders)
                if (order.id == id)
                    return answer(response, 200, json(order));
            answer(response, 404, R"({"error":"no such order"})");
        }

        static void answer(Poco::Net::HTTPServerResponse& response, int status,
                           const std::string& body)
        {
            response.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
            response.setContentType("application/json");
            response.setContentLength(static_cast<std::streamsize>(body.size()));
            response.send() << body;
        }

        FakePagedApi& _fake;
    };

    class Factory : public Poco::Net::HTTPRequestHandlerFactory
    {
    public:
        explicit Factory(FakePagedApi& fake)
            : _fake(fake)
        {
        }
        Poco::Net::HTTPRequestHandler*
        createRequestHandler(const Poco::Net::HTTPServerRequest&) override
        {
            return new Handler(_fake);
        }

    private:
        FakePagedApi& _fake;
    };

    mutable std::mutex _mutex;
    std::vector<Order> _orders;
    long long _nextId = 1;
    bool _loopToken = false;
    std::function<void(int)> _hook;
    std::vector<std::string> _targets, _apiKeys;
    Poco::ThreadPool _pool{1, 4};
    std::unique_ptr<Poco::Net::HTTPServer> _server;
};

} // namespace courierd::test
