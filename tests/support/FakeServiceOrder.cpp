#include "FakeServiceOrder.h"

#include "courierd/Rfc3339.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Thread.h>
#include <Poco/URI.h>
#include <Poco/UUIDGenerator.h>

#include <algorithm>
#include <random>
#include <sstream>

namespace courierd::test
{

namespace
{

const std::string ORDERS = "/public/api/v1/orders";
const std::string ORDER = "/public/api/v1/order/";

void answer(Poco::Net::HTTPServerResponse& response, int status, const std::string& body,
            const std::string& contentType = "application/json")
{
    response.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
    response.setContentType(contentType);
    response.setContentLength(static_cast<std::streamsize>(body.size()));
    response.send() << body;
}

} // namespace

class FakeServiceOrder::Handler : public Poco::Net::HTTPRequestHandler
{
public:
    explicit Handler(FakeServiceOrder& fake)
        : _fake(fake)
    {
    }

    void handleRequest(Poco::Net::HTTPServerRequest& request,
                       Poco::Net::HTTPServerResponse& response) override
    {
        const Poco::URI uri(request.getURI());
        const std::string path = uri.getPath();
        const bool orderPath =
            path.compare(0, ORDER.size(), ORDER) == 0 && path.size() > ORDER.size();
        const std::string rest = orderPath ? path.substr(ORDER.size()) : std::string();
        if (request.getMethod() == "GET" && path == ORDERS)
            list(uri, request, response);
        else if (request.getMethod() == "GET" && orderPath && rest.size() > 7 &&
                 rest.compare(rest.size() - 7, 7, "/status") == 0)
            status(rest.substr(0, rest.size() - 7), request, response);
        else if (request.getMethod() == "DELETE" && orderPath &&
                 rest.find('/') == std::string::npos)
        {
            _fake.remove(rest);
            response.setStatus(Poco::Net::HTTPResponse::HTTP_NO_CONTENT);
            response.send();
        }
        else if (request.getMethod() == "POST" && uri.getPath() == "/public/api/v1/order")
        {
            const auto id = _fake.addOrder("created");
            std::lock_guard lock(_fake._mutex);
            for (const auto& order : _fake._orders)
                if (order.id == id)
                    answer(response, 201, _fake.json(order));
        }
        else if (request.getMethod() == "POST" && uri.getPath() == "/public/api/v1/debug/seed")
        {
            // Ten orders 6 to 15 minutes in the past, in varied statuses.
            const char* statuses[] = {"created",  "pending", "confirmed", "cooking",   "delivering",
                                      "canceled", "created", "pending",   "completed", "confirmed"};
            for (int i = 0; i < 10; ++i)
                _fake.addOrder(statuses[i], Poco::Timestamp() - Poco::Timespan(0, 0, 6 + i, 0, 0));
            answer(response, 200, R"({"message":"seeded"})");
        }
        else
            answer(response, 404, R"({"code":"not_found","message":"no such route"})");
    }

private:
    // Records the request; answers it with the next queued fault, if any (then true).
    bool faulted(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response)
    {
        std::optional<Fault> fault;
        {
            std::lock_guard lock(_fake._mutex);
            _fake._requests.push_back(request.getURI());
            if (!_fake._faults.empty())
            {
                fault = std::move(_fake._faults.front());
                _fake._faults.pop_front();
            }
        }
        if (fault)
        {
            if (fault->delayMs > 0)
                Poco::Thread::sleep(fault->delayMs);
            auto& socket = static_cast<Poco::Net::StreamSocket&>(
                dynamic_cast<Poco::Net::HTTPServerRequestImpl&>(request).socket());
            if (fault->dropConnection)
            {
                response.setKeepAlive(false);
                socket.close(); // the client sees a reset or an empty reply
                return true;
            }
            if (fault->neverAnswer)
            {
                while (!_fake._stopping)
                    Poco::Thread::sleep(20);
                return true;
            }
            if (fault->headersForever)
            {
                response.setKeepAlive(false);
                try
                {
                    const std::string start = "HTTP/1.1 200 OK\r\n";
                    socket.sendBytes(start.data(), static_cast<int>(start.size()));
                    for (long i = 0; !_fake._stopping; ++i)
                    {
                        const std::string line = "X-Forever-" + std::to_string(i) + ": " +
                                                 std::string(100, 'h') + "\r\n";
                        socket.sendBytes(line.data(), static_cast<int>(line.size()));
                    }
                }
                catch (const Poco::Exception&)
                {
                    // The client gave up.
                }
                socket.close();
                return true;
            }
            for (const auto& [name, value] : fault->headers)
                response.set(name, value);
            if (fault->repeat > 0)
            {
                response.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(fault->status));
                response.setContentType(fault->contentType);
                response.setContentLength64(static_cast<Poco::Int64>(
                    fault->body.size() + fault->repeated.size() * fault->repeat +
                    fault->tail.size()));
                std::ostream& out = response.send();
                out << fault->body;
                for (std::size_t i = 0; i < fault->repeat && out && !_fake._stopping; ++i)
                    out << fault->repeated;
                out << fault->tail << std::flush;
                return true;
            }
            if (fault->trickleMs > 0)
            {
                response.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(fault->status));
                response.setContentType(fault->contentType);
                response.setContentLength(static_cast<std::streamsize>(fault->body.size()));
                std::ostream& out = response.send();
                // Until the client hangs up or the fake stops: a trickle can last minutes.
                for (char c : fault->body)
                {
                    if (!(out << c << std::flush) || _fake._stopping)
                        return true;
                    Poco::Thread::sleep(fault->trickleMs);
                }
                return true;
            }
            answer(response, fault->status, fault->body, fault->contentType);
            return true;
        }
        return false;
    }

    void status(const std::string& id, Poco::Net::HTTPServerRequest& request,
                Poco::Net::HTTPServerResponse& response)
    {
        if (faulted(request, response))
            return;
        std::optional<std::string> status;
        {
            std::lock_guard lock(_fake._mutex);
            for (const auto& order : _fake._orders)
                if (order.id == id && !order.deleted)
                    status = order.status;
        }
        if (!status)
            return answer(response, 404, R"({"code":"not_found","message":"order not found"})");
        Poco::JSON::Object object;
        object.set("order_id", id);
        object.set("status", *status);
        std::ostringstream out;
        object.stringify(out);
        answer(response, 200, out.str());
    }

    void list(const Poco::URI& uri, Poco::Net::HTTPServerRequest& request,
              Poco::Net::HTTPServerResponse& response)
    {
        if (faulted(request, response))
            return;

        Poco::Timestamp from = Poco::Timestamp::fromEpochTime(0);
        std::size_t limit = 0;
        std::optional<long long> afterId;
        for (const auto& [name, value] : uri.getQueryParameters())
        {
            if (name == "from")
            {
                const auto parsed = courierd::parseRfc3339(value);
                if (!parsed)
                    return answer(response, 400,
                                  R"({"code":"bad_request","message":"invalid from: )" + value +
                                      "\"}");
                from = *parsed;
            }
            else if (name == "limit")
                limit = std::stoul(value);
            else if (name == "after_id")
                afterId = std::stoll(value);
        }

        std::vector<Order> matching;
        bool sorted = false;
        {
            std::lock_guard lock(_fake._mutex);
            for (const auto& order : _fake._orders)
                if (order.createdAt >= from && !order.deleted &&
                    (!afterId || std::stoll(order.id) > *afterId))
                    matching.push_back(order);
            sorted = _fake._limit && limit > 0;
        }
        if (sorted)
        {
            std::sort(matching.begin(), matching.end(),
                      [](const Order& a, const Order& b) { return a.createdAt < b.createdAt; });
            if (matching.size() > limit)
                matching.resize(limit);
        }
        else
        {
            static thread_local std::mt19937 random(std::random_device{}());
            std::shuffle(matching.begin(), matching.end(), random);
        }
        std::string body = "[";
        for (std::size_t i = 0; i < matching.size(); ++i)
            body += (i ? "," : "") + _fake.json(matching[i]);
        answer(response, 200, body + "]");
    }

    FakeServiceOrder& _fake;
};

class FakeServiceOrder::Factory : public Poco::Net::HTTPRequestHandlerFactory
{
public:
    explicit Factory(FakeServiceOrder& fake)
        : _fake(fake)
    {
    }
    Poco::Net::HTTPRequestHandler*
    createRequestHandler(const Poco::Net::HTTPServerRequest&) override
    {
        return new Handler(_fake);
    }

private:
    FakeServiceOrder& _fake;
};

FakeServiceOrder::FakeServiceOrder(unsigned short port)
    : _threads("fake-service-order", 2, 16)
{
    Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", port));
    auto* params = new Poco::Net::HTTPServerParams;
    params->setKeepAlive(true);
    params->setMaxThreads(16);
    _server = std::make_unique<Poco::Net::HTTPServer>(new Factory(*this), _threads, socket, params);
    _server->start();
}

FakeServiceOrder::~FakeServiceOrder()
{
    _stopping = true;
    _server->stopAll(true);
    _threads.joinAll();
}

std::string FakeServiceOrder::baseUrl() const
{
    return "http://127.0.0.1:" + std::to_string(_server->port());
}

std::string FakeServiceOrder::addOrder(const std::string& status, Poco::Timestamp createdAt,
                                       const std::string& id)
{
    Order order{id.empty() ? Poco::UUIDGenerator::defaultGenerator().createRandom().toString() : id,
                status, createdAt};
    std::lock_guard lock(_mutex);
    _orders.push_back(order);
    return order.id;
}

std::vector<std::string> FakeServiceOrder::addBurst(int count, Poco::Timestamp second,
                                                    const std::string& status)
{
    const auto base = second.epochMicroseconds() / 1'000'000 * 1'000'000;
    std::vector<std::string> ids;
    for (int i = 0; i < count; ++i)
        ids.push_back(addOrder(status, Poco::Timestamp(base + (i * 997'000 / count) + 1)));
    return ids;
}

void FakeServiceOrder::setStatus(const std::string& id, const std::string& status)
{
    std::lock_guard lock(_mutex);
    for (auto& order : _orders)
        if (order.id == id)
            order.status = status;
}

void FakeServiceOrder::remove(const std::string& id)
{
    std::lock_guard lock(_mutex);
    for (auto& order : _orders)
        if (order.id == id)
            order.deleted = true;
}

void FakeServiceOrder::fail(const Fault& fault, int times)
{
    std::lock_guard lock(_mutex);
    for (int i = 0; i < times; ++i)
        _faults.push_back(fault);
}

void FakeServiceOrder::supportLimit(bool on)
{
    std::lock_guard lock(_mutex);
    _limit = on;
}

std::vector<std::pair<std::string, Poco::Timestamp>> FakeServiceOrder::orders() const
{
    std::lock_guard lock(_mutex);
    std::vector<std::pair<std::string, Poco::Timestamp>> out;
    for (const auto& order : _orders)
        out.emplace_back(order.id, order.createdAt);
    return out;
}

std::vector<std::string> FakeServiceOrder::requests() const
{
    std::lock_guard lock(_mutex);
    return _requests;
}

std::size_t FakeServiceOrder::requestCount() const
{
    std::lock_guard lock(_mutex);
    return _requests.size();
}

std::string FakeServiceOrder::json(const Order& order) const
{
    Poco::JSON::Object object;
    object.set("id", order.id);
    object.set("user_id", "default-user");
    object.set("fio", "Иван Иванов");
    object.set("restaurant_id", "rest-1");
    Poco::JSON::Array items;
    Poco::JSON::Object item;
    item.set("food_id", "f-1");
    item.set("name", "Burger");
    item.set("quantity", 1);
    item.set("price", 300);
    items.add(item);
    object.set("items", items);
    object.set("total_price", 420);
    Poco::JSON::Object address;
    address.set("street", "Lenina");
    address.set("house", "10");
    object.set("address", address);
    object.set("status", order.status);
    object.set("created_at", courierd::formatRfc3339(order.createdAt));
    object.set("updated_at", courierd::formatRfc3339(order.createdAt));
    object.set("estimated_delivery", "0001-01-01T00:00:00Z");
    std::ostringstream out;
    object.stringify(out);
    return out.str();
}

} // namespace courierd::test
