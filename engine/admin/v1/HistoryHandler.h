#pragma once

#include "admin/Router.h"
#include "metrics/History.h"

namespace courierd
{

/// `GET /api/v1/history`: the last 15 minutes at 15 s steps, as this instance kept them in
/// memory (metrics::History): each source's lag, orders assigned per minute, the latency's p50
/// and p99. For the console's sparklines.
class HistoryHandler : public ResourceHandler<HistoryHandler, metrics::History>
{
public:
    using ResourceHandler::ResourceHandler;

    static void addRoutes(Router& router, metrics::History& history);

    void points(Exchange& exchange);
};

} // namespace courierd
