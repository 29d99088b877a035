#include "admin/AdminServer.h"

#include "admin/AdminInput.h"
#include "util/Exceptions.h"
#include "store/InboxCounts.h"
#include "courierd/Utf8.h"

#include <Poco/DateTimeFormatter.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <sstream>

namespace courierd
{

using namespace Poco::Data::Keywords;
using Poco::Net::HTTPResponse;

namespace
{

const std::string COURIERS = "/api/v1/couriers";

std::string rfc3339(const Poco::Timestamp& time)
{
    return Poco::DateTimeFormatter::format(time, "%Y-%m-%dT%H:%M:%S.%iZ");
}

Poco::JSON::Object::Ptr toJson(const Courier& courier)
{
    Poco::JSON::Object::Ptr object = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    object->set("id", courier.id);
    object->set("name", courier.name);
    object->set("phone", courier.phone);
    object->set("status", std::string(toString(courier.status)));
    object->set("transport_type", std::string(toString(courier.transport)));
    object->set("delivery_count", courier.deliveryCount);
    object->set("active_order_id", courier.activeOrderId
                                       ? Poco::Dynamic::Var(*courier.activeOrderId)
                                       : Poco::Dynamic::Var());
    object->set("active_source", courier.activeSource ? Poco::Dynamic::Var(*courier.activeSource)
                                                      : Poco::Dynamic::Var());
    object->set("busy_until", courier.busyUntil ? Poco::Dynamic::Var(rfc3339(*courier.busyUntil))
                                                : Poco::Dynamic::Var());
    return object;
}

// The request body as a JSON object, or an ApiError.
Poco::JSON::Object::Ptr readObject(Poco::Net::HTTPServerRequest& request)
{
    if (request.getContentLength() > static_cast<std::streamsize>(MAX_ADMIN_BODY))
        throw ApiError{HTTPResponse::HTTP_REQUEST_ENTITY_TOO_LARGE, "body_too_large",
                       "the body is larger than " + std::to_string(MAX_ADMIN_BODY) + " bytes"};
    std::string body;
    Poco::StreamCopier::copyToString(request.stream(), body, MAX_ADMIN_BODY + 1);
    return parseJsonObject(body);
}

} // namespace

class AdminServer::Handler : public Poco::Net::HTTPRequestHandler
{
public:
    explicit Handler(AdminServer& server)
        : _server(server)
    {
    }

    void handleRequest(Poco::Net::HTTPServerRequest& request,
                       Poco::Net::HTTPServerResponse& response) override
    {
        try
        {
            route(request, response);
        }
        catch (const ApiError& e)
        {
            error(response, e);
        }
        catch (const ValidationException& e)
        {
            error(response, {HTTPResponse::HTTP_BAD_REQUEST, "invalid_courier", e.message()});
        }
        catch (const ConflictException& e)
        {
            error(response, {HTTPResponse::HTTP_CONFLICT, "conflict", e.message()});
        }
        catch (const Poco::NotFoundException& e)
        {
            error(response, {HTTPResponse::HTTP_NOT_FOUND, "not_found", e.displayText()});
        }
        catch (const StoreException& e)
        {
            error(response,
                  {HTTPResponse::HTTP_SERVICE_UNAVAILABLE, "store_unavailable", e.message()});
        }
        catch (const Poco::Exception& e)
        {
            error(response, {HTTPResponse::HTTP_INTERNAL_SERVER_ERROR, "internal",
                             _server._services.database.explain(e.displayText())});
        }
        catch (const std::exception& e)
        {
            error(response, {HTTPResponse::HTTP_INTERNAL_SERVER_ERROR, "internal", e.what()});
        }
    }

private:
    void route(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response)
    {
        Poco::URI uri;
        try
        {
            // Found by the hostile matrix: "%zz" in the path or the query was a 500.
            uri = Poco::URI(request.getURI());
            uri.getQueryParameters();
        }
        catch (const Poco::SyntaxException& e)
        {
            throw ApiError{HTTPResponse::HTTP_BAD_REQUEST, "bad_request",
                           "the request target is not a valid URI: " + clipped(e.message(), 120)};
        }
        const std::string& path = uri.getPath();
        const std::string& method = request.getMethod();
        const auto only = [&](std::initializer_list<std::string> allowed)
        {
            for (const auto& m : allowed)
                if (m == method)
                    return;
            std::string list;
            for (const auto& m : allowed)
                list += (list.empty() ? "" : ", ") + m;
            response.set("Allow", list);
            throw ApiError{HTTPResponse::HTTP_METHOD_NOT_ALLOWED, "method_not_allowed",
                           method + " " + path + ": allowed " + list};
        };
        if (method != "GET" && method != "HEAD")
            authorize(request);

        if (path == "/health")
        {
            only({"GET"});
            Poco::JSON::Object body;
            body.set("status", "ok");
            return send(response, HTTPResponse::HTTP_OK, body);
        }
        if (path == "/ready")
        {
            only({"GET"});
            return ready(response);
        }
        if (path == "/api/v1/sources")
        {
            only({"GET"});
            return sources(response);
        }
        if (path == "/api/v1/reload")
        {
            only({"GET", "POST"});
            return method == "GET" ? lastReload(response) : requestReload(response);
        }
        if (path == COURIERS)
        {
            only({"GET", "POST"});
            return method == "GET" ? listCouriers(uri, response) : createCourier(request, response);
        }
        if (path.compare(0, COURIERS.size() + 1, COURIERS + "/") == 0)
        {
            only({"GET", "PATCH"});
            const std::string text = path.substr(COURIERS.size() + 1);
            const auto id = parseIdSegment(text);
            if (!id)
                throw ApiError{HTTPResponse::HTTP_NOT_FOUND, "not_found",
                               "no courier " + clipped(text, 40)};
            return method == "GET" ? getCourier(*id, response)
                                   : updateCourier(*id, request, response);
        }
        throw ApiError{HTTPResponse::HTTP_NOT_FOUND, "not_found",
                       "no route " + clipped(method, 20) + " " + clipped(path, 200)};
    }

    void authorize(Poco::Net::HTTPServerRequest& request)
    {
        const std::string token = _server.token();
        if (token.empty())
            return;
        const std::string expected = "Bearer " + token;
        if (request.get("Authorization", "") != expected)
            throw ApiError{HTTPResponse::HTTP_UNAUTHORIZED, "unauthorized",
                           "this request needs Authorization: Bearer <admin.token>"};
    }

    void ready(Poco::Net::HTTPServerResponse& response)
    {
        Poco::JSON::Object body;
        try
        {
            auto session = _server._services.database.session();
            int one = 0;
            session << "SELECT 1", into(one), now;
        }
        catch (const Poco::Exception& e)
        {
            throw ApiError{HTTPResponse::HTTP_SERVICE_UNAVAILABLE, "not_ready",
                           "database unreachable: " +
                               _server._services.database.redact(e.message())};
        }
        body.set("status", "ready");
        body.set("sources", static_cast<int>(_server._services.sources().size()));
        send(response, HTTPResponse::HTTP_OK, body);
    }

    // The last reload: when, whether it applied, every problem if not, what it changed and
    // which changed keys wait for a restart. `{"last": null}` before the first.
    void lastReload(Poco::Net::HTTPServerResponse& response)
    {
        Poco::JSON::Object body(Poco::JSON_PRESERVE_KEY_ORDER);
        const auto report =
            _server._services.lastReload ? _server._services.lastReload() : std::nullopt;
        if (!report)
        {
            body.set("last", Poco::Dynamic::Var());
            return send(response, HTTPResponse::HTTP_OK, body);
        }
        const auto list = [](const std::vector<std::string>& items)
        {
            Poco::JSON::Array array;
            for (const auto& item : items)
                array.add(item);
            return array;
        };
        Poco::JSON::Object::Ptr last = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        last->set("at", rfc3339(report->at));
        last->set("outcome", report->ok ? "applied" : "failed");
        last->set("problems", list(report->problems));
        last->set("restart_needed", list(report->restartNeeded));
        last->set("sources_added", list(report->added));
        last->set("sources_changed", list(report->changed));
        last->set("sources_removed", list(report->removed));
        last->set("keys_applied", list(report->applied));
        body.set("last", last);
        send(response, HTTPResponse::HTTP_OK, body);
    }

    // Like SIGHUP: the main thread reloads; GET /api/v1/reload shows the outcome.
    void requestReload(Poco::Net::HTTPServerResponse& response)
    {
        if (_server._services.requestReload)
            _server._services.requestReload();
        Poco::JSON::Object body;
        body.set("status", "reloading");
        send(response, HTTPResponse::HTTP_ACCEPTED, body);
    }

    void sources(Poco::Net::HTTPServerResponse& response)
    {
        // Counts from the deltas the triggers keep: never a count of the whole inbox.
        auto session = _server._services.database.session();
        const InboxCounts::Counts counted = InboxCounts::read(session);
        std::vector<std::string> names, cursors;
        session << "SELECT source, cursor FROM source_cursors", into(names), into(cursors), now;

        Poco::JSON::Array list;
        for (const auto& status : _server._services.sources())
        {
            Poco::JSON::Object::Ptr item = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
            item->set("name", status.name);
            item->set("plugin", status.plugin);
            item->set("plugin_version", status.pluginVersion);
            item->set("interval", formatDuration(status.interval));
            item->set("lease_held", status.leaseHeld);
            item->set("last_tick_at", status.lastTickAt
                                          ? Poco::Dynamic::Var(rfc3339(*status.lastTickAt))
                                          : Poco::Dynamic::Var());
            item->set("last_outcome", status.lastOutcome.empty()
                                          ? Poco::Dynamic::Var()
                                          : Poco::Dynamic::Var(status.lastOutcome));
            item->set("last_error", status.lastError.empty()
                                        ? Poco::Dynamic::Var()
                                        : Poco::Dynamic::Var(status.lastError));
            item->set("ticks", status.ticks);
            Poco::JSON::Object counts(Poco::JSON_PRESERVE_KEY_ORDER);
            const auto ofSource = counted.find(status.name);
            for (const char* state : {"pending", "assigned", "skipped", "failed", "rejected"})
            {
                Poco::Int64 rows = 0;
                if (ofSource != counted.end())
                    if (const auto it = ofSource->second.find(state); it != ofSource->second.end())
                        rows = it->second;
                counts.set(state, rows);
            }
            Poco::Dynamic::Var cursor;
            for (std::size_t i = 0; i < names.size(); ++i)
                if (names[i] == status.name)
                    cursor = cursors[i];
            item->set("cursor", cursor);
            item->set("records", counts);
            list.add(item);
        }
        send(response, HTTPResponse::HTTP_OK, list);
    }

    void listCouriers(const Poco::URI& uri, Poco::Net::HTTPServerResponse& response)
    {
        std::optional<CourierStatus> status;
        for (const auto& [name, value] : uri.getQueryParameters())
        {
            if (name != "status")
                continue;
            status = parseCourierStatus(value);
            if (!status)
                throw ApiError{HTTPResponse::HTTP_BAD_REQUEST, "bad_query",
                               "status '" + clipped(value, 40) +
                                   "': must be one of available, busy, paused"};
        }
        Poco::JSON::Array list;
        for (const auto& courier : _server._services.couriers.list(status))
            list.add(toJson(courier));
        send(response, HTTPResponse::HTTP_OK, list);
    }

    void createCourier(Poco::Net::HTTPServerRequest& request,
                       Poco::Net::HTTPServerResponse& response)
    {
        const Courier created =
            _server._services.couriers.create(readNewCourier(readObject(request)));
        if (created.status == CourierStatus::Available && _server._services.couriersChanged)
            _server._services.couriersChanged();
        response.set("Location", COURIERS + "/" + std::to_string(created.id));
        send(response, HTTPResponse::HTTP_CREATED, *toJson(created));
    }

    void getCourier(Poco::Int64 id, Poco::Net::HTTPServerResponse& response)
    {
        const auto courier = _server._services.couriers.get(id);
        if (!courier)
            throw ApiError{HTTPResponse::HTTP_NOT_FOUND, "not_found",
                           "no courier " + std::to_string(id)};
        send(response, HTTPResponse::HTTP_OK, *toJson(*courier));
    }

    void updateCourier(Poco::Int64 id, Poco::Net::HTTPServerRequest& request,
                       Poco::Net::HTTPServerResponse& response)
    {
        const CourierChanges changes = readCourierChanges(readObject(request));
        const Courier updated = _server._services.couriers.update(id, changes);
        if (changes.status && updated.status == CourierStatus::Available &&
            _server._services.couriersChanged)
            _server._services.couriersChanged();
        send(response, HTTPResponse::HTTP_OK, *toJson(updated));
    }

    template <typename Json>
    void send(Poco::Net::HTTPServerResponse& response, HTTPResponse::HTTPStatus status,
              const Json& body)
    {
        std::ostringstream out;
        body.stringify(out);
        const std::string text = out.str();
        response.setStatusAndReason(status); // the reason phrase of this status, not "OK"
        response.setContentType("application/json");
        response.setContentLength(static_cast<std::streamsize>(text.size()));
        response.send() << text;
    }

    void error(Poco::Net::HTTPServerResponse& response, const ApiError& e)
    {
        Poco::JSON::Object body(Poco::JSON_PRESERVE_KEY_ORDER);
        body.set("code", e.code);
        body.set("message", e.message);
        send(response, e.status, body);
    }

    AdminServer& _server;
};

class AdminServer::Factory : public Poco::Net::HTTPRequestHandlerFactory
{
public:
    explicit Factory(AdminServer& server)
        : _server(server)
    {
    }
    Poco::Net::HTTPRequestHandler*
    createRequestHandler(const Poco::Net::HTTPServerRequest&) override
    {
        return new Handler(_server);
    }

private:
    AdminServer& _server;
};

AdminServer::AdminServer(const std::string& listen, std::string token, AdminServices services)
    : _token(std::move(token))
    , _services(std::move(services))
    , _threads("admin", 2, MAX_CONNECTIONS, IDLE_THREAD_SECONDS)
{
    Poco::Net::ServerSocket socket{Poco::Net::SocketAddress(listen)};
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
    _server = std::make_unique<Poco::Net::HTTPServer>(new Factory(*this), _threads, socket, params);
}

void AdminServer::setToken(std::string token)
{
    std::lock_guard lock(_tokenMutex);
    _token = std::move(token);
}

std::string AdminServer::token() const
{
    std::lock_guard lock(_tokenMutex);
    return _token;
}

AdminServer::~AdminServer()
{
    stop();
}

void AdminServer::start()
{
    _server->start();
    _running = true;
}

void AdminServer::stop()
{
    if (!_running)
        return;
    _running = false;
    _server->stopAll(true);
    _threads.joinAll();
}

unsigned short AdminServer::port() const
{
    return _server->port();
}

} // namespace courierd
