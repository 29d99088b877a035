#include "admin/v1/SourcesHandler.h"

#include "admin/v1/LedgerJson.h"
#include "courierd/Rfc3339.h"
#include "courierd/Utf8.h"

namespace courierd
{

using Poco::Net::HTTPResponse;

namespace
{

Poco::Dynamic::Var textOrNull(const std::string& text)
{
    return text.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(text);
}

Poco::Dynamic::Var timeOrNull(const std::optional<Poco::Timestamp>& at)
{
    return at ? Poco::Dynamic::Var(rfc3339(*at)) : Poco::Dynamic::Var();
}

} // namespace

const std::string SourcesHandler::PATH = "/api/v1/sources";

void SourcesHandler::addRoutes(Router& router, SourceService& sources)
{
    router.add<SourcesHandler>("GET", PATH, Access::Token, &SourcesHandler::list, sources);
    router.add<SourcesHandler>("GET", PATH + "/{name}", Access::Token, &SourcesHandler::get,
                               sources);
    router.add<SourcesHandler>("POST", PATH + "/{name}/pause", Access::Token,
                               &SourcesHandler::pause, sources);
    router.add<SourcesHandler>("POST", PATH + "/{name}/resume", Access::Token,
                               &SourcesHandler::resume, sources);
    router.add<SourcesHandler>("POST", PATH + "/{name}/trigger", Access::Token,
                               &SourcesHandler::trigger, sources);
}

Poco::JSON::Object SourcesHandler::toJson(const SourceView& source)
{
    const SourceStatus& status = source.status;
    Poco::JSON::Object item(Poco::JSON_PRESERVE_KEY_ORDER);
    item.set("name", status.name);
    item.set("state", status.state);
    item.set("plugin", status.plugin);
    item.set("plugin_version", status.pluginVersion);
    item.set("interval", formatDuration(status.interval));
    item.set("lease_held", status.leaseHeld);
    item.set("last_tick_at", status.lastTickAt ? Poco::Dynamic::Var(rfc3339(*status.lastTickAt))
                                               : Poco::Dynamic::Var());
    item.set("last_success_at", timeOrNull(status.lastSuccessAt));
    item.set("last_outcome", textOrNull(status.lastOutcome));
    item.set("last_error", textOrNull(status.lastError));
    item.set("failures", status.failures);
    item.set("next_poll_at", timeOrNull(status.nextPollAt));
    item.set("newest_created_at", timeOrNull(source.newestCreatedAt));
    item.set("lag_seconds",
             source.newestCreatedAt
                 ? Poco::Dynamic::Var(static_cast<double>(source.newestCreatedAt->elapsed()) / 1e6)
                 : Poco::Dynamic::Var());
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

void SourcesHandler::notFound(const std::string& name)
{
    throw ApiError{HTTPResponse::HTTP_NOT_FOUND, "source_not_found",
                   "no source " + clipped(name, 100) + " runs on this instance"};
}

void SourcesHandler::get(Exchange& exchange)
{
    const std::string& name = exchange.param("name");
    const auto source = service().get(name);
    if (!source)
        notFound(name);
    exchange.send(HTTPResponse::HTTP_OK, toJson(*source));
}

void SourcesHandler::pause(Exchange& exchange)
{
    control(exchange, &SourceService::pause);
}

void SourcesHandler::resume(Exchange& exchange)
{
    control(exchange, &SourceService::resume);
}

void SourcesHandler::control(Exchange& exchange,
                             std::optional<SourceView> (SourceService::*change)(const std::string&))
{
    const std::string& name = exchange.param("name");
    const auto source = (service().*change)(name);
    if (!source)
        notFound(name);
    exchange.send(HTTPResponse::HTTP_OK, toJson(*source));
}

void SourcesHandler::trigger(Exchange& exchange)
{
    const std::string& name = exchange.param("name");
    const auto at = service().trigger(name);
    if (!at)
        notFound(name);
    Poco::JSON::Object body(Poco::JSON_PRESERVE_KEY_ORDER);
    body.set("source", name);
    body.set("triggered_at", rfc3339(*at));
    exchange.send(HTTPResponse::HTTP_ACCEPTED, body);
}

} // namespace courierd
