#pragma once

#include "admin/Router.h"
#include "admin/Services.h"

namespace courierd
{

/// `GET /health` (the process answers) and `GET /ready` (it can do its job: the database
/// answers), open to probes without the token.
class HealthHandler : public ResourceHandler<HealthHandler, HealthService>
{
public:
    using ResourceHandler::ResourceHandler;

    static void addRoutes(Router& router, HealthService& health);

    void health(Exchange& exchange);
    void ready(Exchange& exchange);
};

} // namespace courierd
