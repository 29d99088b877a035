#include "admin/HealthHandler.h"

namespace courierd
{

using Poco::Net::HTTPResponse;

void HealthHandler::addRoutes(Router& router, HealthService& health)
{
    router.add<HealthHandler>("GET", "/health", Access::Open, &HealthHandler::health, health);
    router.add<HealthHandler>("GET", "/ready", Access::Open, &HealthHandler::ready, health);
}

void HealthHandler::health(Exchange& exchange)
{
    Poco::JSON::Object body;
    body.set("status", "ok");
    exchange.send(HTTPResponse::HTTP_OK, body);
}

void HealthHandler::ready(Exchange& exchange)
{
    if (const std::string why = service().unready(); !why.empty())
        throw ApiError{HTTPResponse::HTTP_SERVICE_UNAVAILABLE, "not_ready", why};
    Poco::JSON::Object body;
    body.set("status", "ready");
    body.set("sources", static_cast<Poco::UInt64>(service().sources()));
    exchange.send(HTTPResponse::HTTP_OK, body);
}

} // namespace courierd
