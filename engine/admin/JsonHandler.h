#pragma once

#include "admin/AdminInput.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/URI.h>

#include <functional>
#include <map>
#include <optional>
#include <string>

namespace courierd
{

/// The `{name}` segments of a route's pattern and what the request had there (decoded).
using PathParams = std::map<std::string, std::string>;

/// One request and its answer, as a handler sees them.
class Exchange
{
public:
    Exchange(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response,
             const Poco::URI& uri, const PathParams& params);

    Poco::Net::HTTPServerRequest& request() { return _request; }
    Poco::Net::HTTPServerResponse& response() { return _response; }

    /// The path parameter `name` of the route (always present: the router matched it).
    const std::string& param(const std::string& name) const;
    /// The last value of query parameter `name`, if given.
    std::optional<std::string> query(const std::string& name) const;
    /// The body as one JSON object: 413 `body_too_large` past MAX_ADMIN_BODY, 400 `bad_json`.
    Poco::JSON::Object::Ptr body();

    void send(Poco::Net::HTTPResponse::HTTPStatus status, const Poco::JSON::Object& body);
    void send(Poco::Net::HTTPResponse::HTTPStatus status, const Poco::JSON::Array& body);
    /// Any other content (the metrics, the OpenAPI document).
    void sendText(Poco::Net::HTTPResponse::HTTPStatus status, const std::string& contentType,
                  const std::string& text);

private:
    Poco::Net::HTTPServerRequest& _request;
    Poco::Net::HTTPServerResponse& _response;
    const Poco::URI& _uri;
    const PathParams& _params;
};

/// Turns the text of an unexpected error into what an operator may read (no password). The
/// identity by default.
using Explain = std::function<std::string(const std::string&)>;

/// The base of every admin handler: it maps what a handler throws to the JSON error of the
/// design (`{"code", "message"}` with its status) — ApiError as it is, ValidationException 400
/// `invalid`, ConflictException 409 `conflict`, Poco::NotFoundException 404 `not_found`,
/// StoreException 503 `store_unavailable`, anything else 500 `internal` — so a handler only
/// does its job. The router has checked the method, the path and the token before.
class JsonHandler : public Poco::Net::HTTPRequestHandler
{
public:
    void handleRequest(Poco::Net::HTTPServerRequest& request,
                       Poco::Net::HTTPServerResponse& response) final;

    /// Set by the router before handleRequest().
    void bind(Poco::URI uri, PathParams params, Explain explain);

    /// Writes `error` as the design's JSON error.
    static void sendError(Poco::Net::HTTPServerResponse& response, const ApiError& error);

protected:
    virtual void handle(Exchange& exchange) = 0;
    /// The code of a ValidationException's 400 for this handler's resource.
    virtual std::string invalidCode() const { return "invalid"; }

private:
    Poco::URI _uri;
    PathParams _params;
    Explain _explain;
};

/// A handler class for one resource: each route of the resource names one of its member
/// functions (the action), and each request gets a fresh handler bound to the service.
template <typename Self, typename Service> class ResourceHandler : public JsonHandler
{
public:
    using Action = void (Self::*)(Exchange&);

    ResourceHandler(Service& service, Action action)
        : _service(service)
        , _action(action)
    {
    }

protected:
    void handle(Exchange& exchange) override { (static_cast<Self*>(this)->*_action)(exchange); }
    Service& service() { return _service; }

private:
    Service& _service;
    Action _action;
};

/// An answer decided by the router (404, 405, 401, a bad request target).
class ErrorHandler : public JsonHandler
{
public:
    explicit ErrorHandler(ApiError error, std::map<std::string, std::string> headers = {})
        : _error(std::move(error))
        , _headers(std::move(headers))
    {
    }

protected:
    void handle(Exchange& exchange) override;

private:
    ApiError _error;
    std::map<std::string, std::string> _headers;
};

/// `time` as RFC 3339 in UTC with milliseconds, as every admin answer writes times.
std::string rfc3339(const Poco::Timestamp& time);

/// `value` or JSON null.
template <typename T> Poco::Dynamic::Var orNull(const std::optional<T>& value)
{
    return value ? Poco::Dynamic::Var(*value) : Poco::Dynamic::Var();
}

} // namespace courierd
