#include "admin/v1/SourcesHandler.h"

#include "courierd/Utf8.h"

namespace courierd
{

using Poco::Net::HTTPResponse;

namespace
{

const std::string SOURCES = "/api/v1/sources";

Poco::Dynamic::Var textOrNull(const std::string& text)
{
    return text.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(text);
}

} // namespace

void SourcesHandler::addRoutes(Router& router, SourceService& sources)
{
    router.add<SourcesHandler>("GET", SOURCES, Access::Token, &SourcesHandler::list, sources);
    router.add<SourcesHandler>("GET", SOURCES + "/{name}", Access::Token, &SourcesHandler::get,
                               sources);
}

Poco::JSON::Object SourcesHandler::toJson(const SourceView& source)
{
    const SourceStatus& status = source.status;
    Poco::JSON::Object item(Poco::JSON_PRESERVE_KEY_ORDER);
    item.set("name", status.name);
    item.set("state", source.state);
    item.set("plugin", status.plugin);
    item.set("plugin_version", status.pluginVersion);
    item.set("interval", formatDuration(status.interval));
    item.set("lease_held", status.leaseHeld);
    item.set("last_tick_at", status.lastTickAt ? Poco::Dynamic::Var(rfc3339(*status.lastTickAt))
                                               : Poco::Dynamic::Var());
    item.set("last_outcome", textOrNull(status.lastOutcome));
    item.set("last_error", textOrNull(status.lastError));
    item.set("ticks", status.ticks);
    item.set("cursor", orNull(source.cursor));
    Poco::JSON::Object records(Poco::JSON_PRESERVE_KEY_ORDER);
    for (const auto& [state, rows] : source.records)
        records.set(state, rows);
    item.set("records", records);
    return item;
}

void SourcesHandler::list(Exchange& exchange)
{
    Poco::JSON::Array list;
    for (const auto& source : service().list())
        list.add(toJson(source));
    exchange.send(HTTPResponse::HTTP_OK, list);
}

void SourcesHandler::get(Exchange& exchange)
{
    const std::string& name = exchange.param("name");
    const auto source = service().get(name);
    if (!source)
        throw ApiError{HTTPResponse::HTTP_NOT_FOUND, "source_not_found",
                       "no source " + clipped(name, 100) + " runs here"};
    exchange.send(HTTPResponse::HTTP_OK, toJson(*source));
}

} // namespace courierd
