#include "admin/ConsoleHandler.h"

#include "admin/JsonHandler.h"
#include "courierd/Utf8.h"

namespace courierd
{

using Poco::Net::HTTPResponse;

const char* const ConsoleHandler::CONTENT_SECURITY_POLICY =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

void ConsoleHandler::addRoutes(Router& router)
{
    static const std::span<const console::Asset> assets = console::assets();
    router.add<ConsoleHandler>("GET", "/", Access::Open, &ConsoleHandler::page, assets);
    router.add<ConsoleHandler>("GET", "/ui/{file}", Access::Open, &ConsoleHandler::file, assets);
}

void ConsoleHandler::page(Exchange& exchange)
{
    serve(exchange, "/");
}

void ConsoleHandler::file(Exchange& exchange)
{
    serve(exchange, "/ui/" + exchange.param("file"));
}

void ConsoleHandler::serve(Exchange& exchange, const std::string& path)
{
    const console::Asset* found = nullptr;
    for (const auto& asset : service())
        if (path == asset.path)
            found = &asset;
    if (!found)
        throw ApiError{HTTPResponse::HTTP_NOT_FOUND, "not_found",
                       "the console has no " + escapeUnstorable(clipped(path, 80)) +
                           " (a page older than this courierd: reload it)"};
    auto& response = exchange.response();
    response.set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    response.set("X-Content-Type-Options", "nosniff");
    response.set("Referrer-Policy", "no-referrer");
    response.set("X-Frame-Options", "DENY");
    response.set("Cache-Control",
                 found->immutable ? "public, max-age=31536000, immutable" : "no-cache");
    response.set("Vary", "Accept-Encoding");
    const std::string accepts = exchange.request().get("Accept-Encoding", "");
    const bool gzip = accepts.find("gzip") != std::string::npos;
    if (gzip)
        response.set("Content-Encoding", "gzip");
    exchange.sendText(HTTPResponse::HTTP_OK, found->type,
                      std::string(gzip ? found->gzip : found->text));
}

} // namespace courierd
