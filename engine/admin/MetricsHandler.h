#pragma once

#include "admin/Router.h"
#include "metrics/Registry.h"

namespace courierd
{

/// `GET /metrics`: the registry in the Prometheus text format 0.0.4, open without the token.
/// It only writes what the components registered; no query runs for a scrape.
class MetricsHandler : public ResourceHandler<MetricsHandler, metrics::Registry>
{
public:
    using ResourceHandler::ResourceHandler;

    static void addRoutes(Router& router, metrics::Registry& registry);

    void scrape(Exchange& exchange);
};

} // namespace courierd
