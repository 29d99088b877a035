#pragma once

#include "admin/Router.h"
#include "admin/Services.h"

namespace courierd
{

/// `GET /api/v1/sources`, `GET /api/v1/sources/{name}`.
class SourcesHandler : public ResourceHandler<SourcesHandler, SourceService>
{
public:
    using ResourceHandler::ResourceHandler;

    static void addRoutes(Router& router, SourceService& sources);

    void list(Exchange& exchange);
    void get(Exchange& exchange); ///< 404 `source_not_found`

    /// One source as the API writes it.
    static Poco::JSON::Object toJson(const SourceView& source);
};

} // namespace courierd
