#pragma once

#include "admin/Router.h"
#include "admin/Services.h"

namespace courierd
{

/// `GET /api/v1/reload` (the last reload's outcome) and `POST /api/v1/reload` (reload now,
/// as SIGHUP does; 202).
class ReloadHandler : public ResourceHandler<ReloadHandler, ReloadService>
{
public:
    using ResourceHandler::ResourceHandler;

    static void addRoutes(Router& router, ReloadService& reload);

    void last(Exchange& exchange);
    void request(Exchange& exchange);
};

} // namespace courierd
