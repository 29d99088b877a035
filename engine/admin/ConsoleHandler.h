#pragma once

#include "admin/ConsoleAssets.h"
#include "admin/Router.h"

namespace courierd
{

/// The operator console: `GET /` (the page) and `GET /ui/{file}` (its script and style, named
/// by their hash), compiled into the binary, open like the probes (the page asks for the
/// token; the API it calls needs it). Every answer carries a strict Content-Security-Policy (no
/// inline script or style, nothing but this origin), `nosniff`, `no-referrer` and no framing;
/// the hashed files are cacheable for good, the page is revalidated; gzip when asked for.
class ConsoleHandler : public ResourceHandler<ConsoleHandler, const std::span<const console::Asset>>
{
public:
    using ResourceHandler::ResourceHandler;

    static void addRoutes(Router& router);

    void page(Exchange& exchange);
    void file(Exchange& exchange);

    /// The policy every console answer carries.
    static const char* const CONTENT_SECURITY_POLICY;

private:
    void serve(Exchange& exchange, const std::string& path);
};

} // namespace courierd
