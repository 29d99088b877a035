#include "admin/MetricsHandler.h"

#include <sstream>

namespace courierd
{

void MetricsHandler::addRoutes(Router& router, metrics::Registry& registry)
{
    router.add<MetricsHandler>("GET", "/metrics", Access::Open, &MetricsHandler::scrape, registry);
}

void MetricsHandler::scrape(Exchange& exchange)
{
    std::ostringstream text;
    service().write(text);
    exchange.sendText(Poco::Net::HTTPResponse::HTTP_OK, "text/plain; version=0.0.4; charset=utf-8",
                      text.str());
}

} // namespace courierd
