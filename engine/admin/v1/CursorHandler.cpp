#include "admin/v1/CursorHandler.h"

#include "admin/v1/LedgerJson.h"
#include "admin/v1/SourcesHandler.h"
#include "courierd/Rfc3339.h"
#include "courierd/Utf8.h"

namespace courierd
{

using Poco::Net::HTTPResponse;

namespace
{

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
            badRequest("from '" + clipped(*from, 60) +
                       "': not an RFC 3339 time (2026-11-24T10:15:30Z)");
        ++asked;
    }
    if (body->has("reset") && !body->isNull("reset"))
    {
        if (!body->get("reset").isBoolean() || !body->getValue<bool>("reset"))
            badRequest("reset: must be true");
        request.reset = true;
        ++asked;
    }
    if (body->has("restore") && !body->isNull("restore"))
    {
        const auto value = body->get("restore");
        // (POCO's Var takes a boolean for an integer: true was change 1.)
        if (value.isBoolean() || !value.isInteger() || value.convert<Poco::Int64>() < 1)
            badRequest("restore: must be the id of a change in the cursor's history");
        request.restore = value.convert<Poco::Int64>();
        ++asked;
    }
    if (asked != 1)
        badRequest("give exactly one of \"cursor\", \"from\", \"reset\": true and "
                   "\"restore\" (and a \"reason\")");
    request.reason = stringField(body, "reason", "bad_request").value_or("");
    return request;
}

} // namespace

void CursorHandler::addRoutes(Router& router, SourceService& sources)
{
    router.add<CursorHandler>("GET", SourcesHandler::PATH + "/{name}/cursor", Access::Token,
                              &CursorHandler::getCursor, sources);
    router.add<CursorHandler>("PUT", SourcesHandler::PATH + "/{name}/cursor", Access::Token,
                              &CursorHandler::putCursor, sources);
    router.add<CursorHandler>("GET", SourcesHandler::PATH + "/{name}/cursor/history", Access::Token,
                              &CursorHandler::cursorHistory, sources);
}

void CursorHandler::getCursor(Exchange& exchange)
{
    const std::string& name = exchange.param("name");
    const auto cursor = service().cursor(name);
    if (!cursor)
        SourcesHandler::notFound(name);
    Poco::JSON::Object body(Poco::JSON_PRESERVE_KEY_ORDER);
    body.set("source", name);
    body.set("cursor", *cursor ? Poco::Dynamic::Var((*cursor)->cursor) : Poco::Dynamic::Var());
    body.set("version", *cursor ? Poco::Dynamic::Var((*cursor)->version) : Poco::Dynamic::Var());
    body.set("updated_at",
             *cursor ? Poco::Dynamic::Var(rfc3339((*cursor)->updatedAt)) : Poco::Dynamic::Var());
    exchange.send(HTTPResponse::HTTP_OK, body);
}

void CursorHandler::putCursor(Exchange& exchange)
{
    const std::string& name = exchange.param("name");
    CursorRequest request = readCursorRequest(exchange.body());
    request.remote = exchange.request().clientAddress().toString();
    const auto change = service().setCursor(name, request);
    if (!change)
        SourcesHandler::notFound(name);
    exchange.send(HTTPResponse::HTTP_OK, changeJson(name, *change));
}

void CursorHandler::cursorHistory(Exchange& exchange)
{
    const std::string& name = exchange.param("name");
    const PageRequest page = pageRequest(exchange);
    const auto changes = service().cursorHistory(name, page.limit, beforeId(page));
    if (!changes)
        SourcesHandler::notFound(name);
    exchange.send(HTTPResponse::HTTP_OK,
                  idPage(*changes, page,
                         [&](const CursorChange& change) { return changeJson(name, change); }));
}

} // namespace courierd
