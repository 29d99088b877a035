#pragma once

#include "admin/Router.h"

namespace courierd
{

/// `GET /api/v1/openapi.json` and `/api/v1/openapi.yaml`: the API's OpenAPI 3.1 document
/// (docs/openapi.yaml, compiled in). AdminRoutesTest checks that it and the route table
/// describe the same routes.
class OpenApiHandler : public JsonHandler
{
public:
    using Action = void (OpenApiHandler::*)(Exchange&);
    explicit OpenApiHandler(Action action)
        : _action(action)
    {
    }

    static void addRoutes(Router& router);

    void json(Exchange& exchange);
    void yaml(Exchange& exchange);

    /// The document as JSON text.
    static const char* document();

protected:
    void handle(Exchange& exchange) override { (this->*_action)(exchange); }

private:
    Action _action;
};

} // namespace courierd
