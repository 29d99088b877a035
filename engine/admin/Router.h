#pragma once

#include "admin/JsonHandler.h"

#include <Poco/Net/HTTPRequestHandlerFactory.h>

#include <functional>
#include <mutex>
#include <string>
#include <vector>

namespace courierd
{

/// Who may call a route.
enum class Access
{
    Open,  ///< anyone (`/health`, `/ready`, `/metrics`)
    Token, ///< with `Authorization: Bearer <admin.token>` when a token is set
};

/// Who may reach the routes under `/api/`, set at start and by every reload.
struct AdminAccess
{
    /// Bearer tokens accepted; none: no token needed. Two while a token is rotated.
    std::vector<std::string> tokens;
    /// Host names answered besides the listen address, `localhost` and IP addresses
    /// (`admin.allowed_hosts`); a port is ignored, as case is.
    std::vector<std::string> hosts;
};

/// One row of the route table.
struct Route
{
    std::string method;  ///< `GET`, `POST`, …
    std::string pattern; ///< `/api/v1/couriers/{id}`: literal segments and `{name}` parameters
    Access access = Access::Token;
    std::function<JsonHandler*()> make; ///< a fresh handler for one request
};

/// The admin endpoint's route table, as POCO intends routing: the HTTPServer asks this
/// factory for a handler per request, and it inspects the request. The path (decoded, as POCO's
/// URI gives it) is split into segments and matched against each route's pattern; a `{name}`
/// segment matches any one non-empty segment, a literal one only itself. From the table come:
/// a path no route has: 404 `not_found`; a path with routes but not for this method: 405
/// `method_not_allowed` with `Allow`; a request target that is not a URI: 400 `bad_request`; a
/// route (or any path under `/api/`) needing the token without it: 401 `unauthorized` with
/// `WWW-Authenticate: Bearer` — before 404 and 405, so that nothing is learnt without the
/// token. Tokens are compared in constant time. So that no web page the operator opens can
/// drive the API (a cross-site "simple" request, DNS rebinding), every request under `/api/`
/// is refused, whatever the token, when its `Host` is not the listen address, `localhost`, an IP
/// address (no page can rebind one) or an allowed host (421 `host_not_allowed`, before the
/// token); when it
/// mutates (not GET, HEAD or OPTIONS) and has an `Origin` other than `http://<its Host>` (403
/// `origin_not_allowed`); and when it has a body that is not `application/json` (415
/// `unsupported_media_type`). Routes are added before the server starts; the access may change
/// at any time (a reload).
class Router : public Poco::Net::HTTPRequestHandlerFactory
{
public:
    /// Called on a request's thread before anything else (the daemon marks the threads that
    /// serve admin requests, so that they use the admin's own database sessions).
    using OnRequestThread = std::function<void()>;

    /// `listenHost`: the host part of `admin.listen`, always answered.
    Router(AdminAccess access, std::string listenHost, Explain explain = {},
           OnRequestThread onRequestThread = {});

    void add(Route route);

    /// Adds a route answered by `action` of a `Handler` (a ResourceHandler) on `service`.
    template <typename Handler, typename Service>
    void add(std::string method, std::string pattern, Access access,
             typename Handler::Action action, Service& service)
    {
        add(Route{std::move(method), std::move(pattern), access,
                  [&service, action] { return new Handler(service, action); }});
    }

    const std::vector<Route>& routes() const { return _routes; }

    void setAccess(AdminAccess access);

    Poco::Net::HTTPRequestHandler*
    createRequestHandler(const Poco::Net::HTTPServerRequest& request) override;

    /// Whether `given` (an Authorization header's value) carries `token`, in time that does
    /// not depend on where they differ. Pure.
    static bool authorized(const std::string& given, const std::string& token);

    /// The host of a `Host` header (`name`, `name:port`, `[v6]:port`), lower case, without its
    /// port. Pure.
    static std::string hostOf(const std::string& header);

private:
    AdminAccess access() const;
    // The refusal of `request` by the rules against cross-site use, or nullptr.
    JsonHandler* crossSiteRefusal(const Poco::Net::HTTPServerRequest& request) const;

    std::vector<Route> _routes;
    std::vector<std::vector<std::string>> _patterns; // each route's pattern, split
    Explain _explain;
    OnRequestThread _onRequestThread;
    const std::string _listenHost;
    mutable std::mutex _accessMutex;
    AdminAccess _access;
};

} // namespace courierd
