#include "admin/v1/OpenApiHandler.h"

#include "admin/OpenApi.h"

namespace courierd
{

using Poco::Net::HTTPResponse;

void OpenApiHandler::addRoutes(Router& router)
{
    for (const auto& [path, action] : {std::pair{"/api/v1/openapi.json", &OpenApiHandler::json},
                                       std::pair{"/api/v1/openapi.yaml", &OpenApiHandler::yaml}})
        router.add(Route{"GET", path, Access::Token,
                         [action = action] { return new OpenApiHandler(action); }});
}

const char* OpenApiHandler::document()
{
    return openapi::JSON;
}

void OpenApiHandler::json(Exchange& exchange)
{
    exchange.sendText(HTTPResponse::HTTP_OK, "application/json", openapi::JSON);
}

void OpenApiHandler::yaml(Exchange& exchange)
{
    exchange.sendText(HTTPResponse::HTTP_OK, "application/yaml", openapi::YAML);
}

} // namespace courierd
