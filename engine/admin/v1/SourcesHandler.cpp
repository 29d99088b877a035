#include "admin/v1/SourcesHandler.h"

#include "admin/v1/LedgerJson.h"
#include "courierd/Rfc3339.h"
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

Poco::Dynamic::Var timeOrNull(const std::optional<Poco::Timestamp>& at)
{
    return at ? Poco::Dynamic::Var(rfc3339(*at)) : Poco::Dynamic::Var();
}

Poco::JSON::Object changeJson(const std::string& source, const CursorChange& change)
{
    Poco::JSON::Object object(Poco::JSON_PRESERVE_KEY_ORDER);
    object.set("id", change.id);
    object.set("source", source);
    object.set("at", rfc3339(change.at));
    object.set("previous", orNull(change.previous));
    object.set("cursor", change.cursor);
    object.set("remote", change.remote);
    object.set("reason", change.reason);
    return object;
}

[[noreturn]] void badBody(const std::string& why)
{
    throw ApiError{HTTPResponse::HTTP_BAD_REQUEST, "bad_request", why};
}

// The body of PUT …/cursor: exactly one of cursor, from, reset, restore; and a reason.
CursorRequest readCursorRequest(const Poco::JSON::Object::Ptr& body)
{
    CursorRequest request;
    int asked = 0;
    request.cursor = stringField(body, "cursor", "bad_request");
    asked += request.cursor.has_value();
    if (const auto from = stringField(body, "from", "bad_request"))
    {
        request.from = parseRfc3339(*from);
        if (!request.from)
            badBody("from '" + clipped(*from, 60) +
                    "': not an RFC 3339 time (2026-11-24T10:15:30Z)");
        ++asked;
    }
    if (body->has("reset") && !body->isNull("reset"))
    {
        if (!body->get("reset").isBoolean() || !body->getValue<bool>("reset"))
            badBody("reset: must be true");
        request.reset = true;
        ++asked;
    }
    if (body->has("restore") && !body->isNull("restore"))
    {
        const auto value = body->get("restore");
        // (POCO's Var takes a boolean for an integer: true was change 1.)
        if (value.isBoolean() || !value.isInteger() || value.convert<Poco::Int64>() < 1)
            badBody("restore: must be the id of a change in the cursor's history");
        request.restore = value.convert<Poco::Int64>();
        ++asked;
    }
    if (asked != 1)
        badBody("give exactly one of \"cursor\", \"from\", \"reset\": true and "
                "\"restore\" (and a \"reason\")");
    request.reason = stringField(body, "reason", "bad_request").value_or("");
    return request;
}

Poco::JSON::Object replayJson(const Replay& replay)
{
    Poco::JSON::Object object(Poco::JSON_PRESERVE_KEY_ORDER);
    object.set("id", replay.id);
    object.set("source", replay.source);
    object.set("from", rfc3339(replay.from));
    object.set("to", rfc3339(replay.to));
    object.set("state", replay.state);
    object.set("records_read", replay.recordsRead);
    object.set("records_new", replay.recordsNew);
    object.set("error", orNull(replay.error));
    object.set("instance", orNull(replay.holder));
    object.set("created_at", rfc3339(replay.createdAt));
    object.set("updated_at", rfc3339(replay.updatedAt));
    object.set("finished_at", replay.finishedAt ? Poco::Dynamic::Var(rfc3339(*replay.finishedAt))
                                                : Poco::Dynamic::Var());
    return object;
}

// A required RFC 3339 time of the body.
Poco::Timestamp timeField(const Poco::JSON::Object::Ptr& body, const std::string& name)
{
    const auto text = stringField(body, name, "bad_request");
    if (!text)
        badBody("\"" + name + "\": required, an RFC 3339 time (2026-11-24T10:15:30Z)");
    const auto time = parseRfc3339(*text);
    if (!time)
        badBody(name + " '" + clipped(*text, 60) +
                "': not an RFC 3339 time (2026-11-24T10:15:30Z)");
    return *time;
}

} // namespace

void SourcesHandler::addRoutes(Router& router, SourceService& sources)
{
    router.add<SourcesHandler>("GET", SOURCES, Access::Token, &SourcesHandler::list, sources);
    router.add<SourcesHandler>("GET", SOURCES + "/{name}", Access::Token, &SourcesHandler::get,
                               sources);
    router.add<SourcesHandler>("POST", SOURCES + "/{name}/pause", Access::Token,
                               &SourcesHandler::pause, sources);
    router.add<SourcesHandler>("POST", SOURCES + "/{name}/resume", Access::Token,
                               &SourcesHandler::resume, sources);
    router.add<SourcesHandler>("POST", SOURCES + "/{name}/trigger", Access::Token,
                               &SourcesHandler::trigger, sources);
    router.add<SourcesHandler>("GET", SOURCES + "/{name}/cursor", Access::Token,
                               &SourcesHandler::getCursor, sources);
    router.add<SourcesHandler>("PUT", SOURCES + "/{name}/cursor", Access::Token,
                               &SourcesHandler::putCursor, sources);
    router.add<SourcesHandler>("GET", SOURCES + "/{name}/cursor/history", Access::Token,
                               &SourcesHandler::cursorHistory, sources);
    router.add<SourcesHandler>("POST", SOURCES + "/{name}/replays", Access::Token,
                               &SourcesHandler::startReplay, sources);
    router.add<SourcesHandler>("GET", SOURCES + "/{name}/replays/{id}", Access::Token,
                               &SourcesHandler::getReplay, sources);
    router.add<SourcesHandler>("DELETE", SOURCES + "/{name}/replays/{id}", Access::Token,
                               &SourcesHandler::cancelReplay, sources);
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

void SourcesHandler::getCursor(Exchange& exchange)
{
    const std::string& name = exchange.param("name");
    const auto cursor = service().cursor(name);
    if (!cursor)
        notFound(name);
    Poco::JSON::Object body(Poco::JSON_PRESERVE_KEY_ORDER);
    body.set("source", name);
    body.set("cursor", *cursor ? Poco::Dynamic::Var((*cursor)->cursor) : Poco::Dynamic::Var());
    body.set("version", *cursor ? Poco::Dynamic::Var((*cursor)->version) : Poco::Dynamic::Var());
    body.set("updated_at",
             *cursor ? Poco::Dynamic::Var(rfc3339((*cursor)->updatedAt)) : Poco::Dynamic::Var());
    exchange.send(HTTPResponse::HTTP_OK, body);
}

void SourcesHandler::putCursor(Exchange& exchange)
{
    const std::string& name = exchange.param("name");
    CursorRequest request = readCursorRequest(exchange.body());
    request.remote = exchange.request().clientAddress().toString();
    const auto change = service().setCursor(name, request);
    if (!change)
        notFound(name);
    exchange.send(HTTPResponse::HTTP_OK, changeJson(name, *change));
}

void SourcesHandler::cursorHistory(Exchange& exchange)
{
    const std::string& name = exchange.param("name");
    const PageRequest page = pageRequest(exchange);
    const int limit = page.limit;
    std::optional<Poco::Int64> before;
    if (page.after)
    {
        before = parseIdSegment(*page.after);
        if (!before)
            badQuery("after", *page.after, "not a page's \"next\"");
    }
    const auto changes = service().cursorHistory(name, limit, before);
    if (!changes)
        notFound(name);
    Poco::JSON::Array items;
    for (const auto& change : *changes)
        items.add(changeJson(name, change));
    Poco::JSON::Object body(Poco::JSON_PRESERVE_KEY_ORDER);
    body.set("items", items);
    body.set("next", static_cast<int>(changes->size()) == limit
                         ? Poco::Dynamic::Var(std::to_string(changes->back().id))
                         : Poco::Dynamic::Var());
    exchange.send(HTTPResponse::HTTP_OK, body);
}

Poco::Int64 SourcesHandler::replayId(Exchange& exchange)
{
    const std::string& text = exchange.param("id");
    const auto id = parseIdSegment(text);
    if (!id)
        throw ApiError{HTTPResponse::HTTP_NOT_FOUND, "not_found",
                       "no replay " + clipped(text, 40) + " of source " +
                           clipped(exchange.param("name"), 100)};
    return *id;
}

void SourcesHandler::startReplay(Exchange& exchange)
{
    const std::string& name = exchange.param("name");
    const auto body = exchange.body();
    const Poco::Timestamp from = timeField(body, "from");
    const Poco::Timestamp to = timeField(body, "to");
    if (to <= from)
        badBody("\"to\" must be after \"from\"");
    if (to - from > MAX_REPLAY_DAYS * 24 * 3600 * Poco::Timestamp::resolution())
        badBody("a replay reads at most " + std::to_string(MAX_REPLAY_DAYS) +
                " days: split the range");
    const auto replay =
        service().startReplay(name, from, to, exchange.request().clientAddress().toString());
    if (!replay)
        notFound(name);
    exchange.response().set("Location",
                            SOURCES + "/" + name + "/replays/" + std::to_string(replay->id));
    exchange.send(HTTPResponse::HTTP_ACCEPTED, replayJson(*replay));
}

void SourcesHandler::getReplay(Exchange& exchange)
{
    replayAction(exchange, &SourceService::replay);
}

void SourcesHandler::cancelReplay(Exchange& exchange)
{
    replayAction(exchange, &SourceService::cancelReplay);
}

void SourcesHandler::replayAction(Exchange& exchange,
                                  std::optional<Replay> (SourceService::*action)(const std::string&,
                                                                                 Poco::Int64))
{
    const std::string& name = exchange.param("name");
    const Poco::Int64 id = replayId(exchange);
    const auto replay = (service().*action)(name, id);
    if (!replay)
        throw ApiError{HTTPResponse::HTTP_NOT_FOUND, "not_found",
                       "source " + clipped(name, 100) + " has no replay " + std::to_string(id)};
    exchange.send(HTTPResponse::HTTP_OK, replayJson(*replay));
}

} // namespace courierd
