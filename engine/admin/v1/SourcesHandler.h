#pragma once

#include "admin/Router.h"
#include "admin/Services.h"

namespace courierd
{

/// `GET /api/v1/sources`, `GET /api/v1/sources/{name}`, `POST …/{name}/pause`, `/resume`
/// (200, the source) and `/trigger` (202). A source's cursor is CursorHandler's, its replays
/// ReplaysHandler's.
class SourcesHandler : public ResourceHandler<SourcesHandler, SourceService>
{
public:
    using ResourceHandler::ResourceHandler;

    static void addRoutes(Router& router, SourceService& sources);

    void list(Exchange& exchange);
    void get(Exchange& exchange); ///< 404 `source_not_found`
    void pause(Exchange& exchange);
    void resume(Exchange& exchange);
    void trigger(Exchange& exchange);

    /// One source as the API writes it.
    static Poco::JSON::Object toJson(const SourceView& source);

    /// 404 `source_not_found`: this instance runs no source `name`.
    [[noreturn]] static void notFound(const std::string& name);

    /// `/api/v1/sources`.
    static const std::string PATH;

private:
    // Pause or resume: 200 with the source as it is now.
    void control(Exchange& exchange,
                 std::optional<SourceView> (SourceService::*change)(const std::string&));
};

} // namespace courierd
