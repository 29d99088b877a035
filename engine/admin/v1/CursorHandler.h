#pragma once

#include "admin/Router.h"
#include "admin/Services.h"

namespace courierd
{

/// A source's cursor: `GET|PUT /api/v1/sources/{name}/cursor` and
/// `GET …/{name}/cursor/history`.
class CursorHandler : public ResourceHandler<CursorHandler, SourceService>
{
public:
    using ResourceHandler::ResourceHandler;

    static void addRoutes(Router& router, SourceService& sources);

    void getCursor(Exchange& exchange);
    /// `{"cursor"}`, `{"from"}`, `{"reset": true}` or `{"restore": change id}`, and `"reason"`.
    void putCursor(Exchange& exchange);
    void cursorHistory(Exchange& exchange);
};

} // namespace courierd
