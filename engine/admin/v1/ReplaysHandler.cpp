#include "admin/v1/ReplaysHandler.h"

#include "admin/v1/LedgerJson.h"
#include "admin/v1/SourcesHandler.h"
#include "courierd/Rfc3339.h"
#include "courierd/Utf8.h"

namespace courierd
{

using Poco::Net::HTTPResponse;

namespace
{

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
        badRequest("\"" + name + "\": required, an RFC 3339 time (2026-11-24T10:15:30Z)");
    const auto time = parseRfc3339(*text);
    if (!time)
        badRequest(name + " '" + clipped(*text, 60) +
                   "': not an RFC 3339 time (2026-11-24T10:15:30Z)");
    return *time;
}

} // namespace

void ReplaysHandler::addRoutes(Router& router, SourceService& sources)
{
    router.add<ReplaysHandler>("POST", SourcesHandler::PATH + "/{name}/replays", Access::Token,
                               &ReplaysHandler::startReplay, sources);
    router.add<ReplaysHandler>("GET", SourcesHandler::PATH + "/{name}/replays", Access::Token,
                               &ReplaysHandler::listReplays, sources);
    router.add<ReplaysHandler>("GET", SourcesHandler::PATH + "/{name}/replays/{id}", Access::Token,
                               &ReplaysHandler::getReplay, sources);
    router.add<ReplaysHandler>("DELETE", SourcesHandler::PATH + "/{name}/replays/{id}",
                               Access::Token, &ReplaysHandler::cancelReplay, sources);
}

Poco::Int64 ReplaysHandler::replayId(Exchange& exchange)
{
    const std::string& text = exchange.param("id");
    const auto id = parseIdSegment(text);
    if (!id)
        throw ApiError{HTTPResponse::HTTP_NOT_FOUND, "not_found",
                       "no replay " + clipped(text, 40) + " of source " +
                           clipped(exchange.param("name"), 100)};
    return *id;
}

void ReplaysHandler::startReplay(Exchange& exchange)
{
    const std::string& name = exchange.param("name");
    const auto body = exchange.body();
    const Poco::Timestamp from = timeField(body, "from");
    const Poco::Timestamp to = timeField(body, "to");
    if (to <= from)
        badRequest("\"to\" must be after \"from\"");
    if (to - from > MAX_REPLAY_DAYS * 24 * 3600 * Poco::Timestamp::resolution())
        badRequest("a replay reads at most " + std::to_string(MAX_REPLAY_DAYS) +
                   " days: split the range");
    const auto replay =
        service().startReplay(name, from, to, exchange.request().clientAddress().toString());
    if (!replay)
        SourcesHandler::notFound(name);
    exchange.response().set("Location", SourcesHandler::PATH + "/" + name + "/replays/" +
                                            std::to_string(replay->id));
    exchange.send(HTTPResponse::HTTP_ACCEPTED, replayJson(*replay));
}

void ReplaysHandler::listReplays(Exchange& exchange)
{
    const std::string& name = exchange.param("name");
    const PageRequest page = pageRequest(exchange);
    const auto replays = service().replays(name, page.limit, beforeId(page));
    if (!replays)
        SourcesHandler::notFound(name);
    exchange.send(HTTPResponse::HTTP_OK, idPage(*replays, page, replayJson));
}

void ReplaysHandler::getReplay(Exchange& exchange)
{
    replayAction(exchange, &SourceService::replay);
}

void ReplaysHandler::cancelReplay(Exchange& exchange)
{
    replayAction(exchange, &SourceService::cancelReplay);
}

void ReplaysHandler::replayAction(Exchange& exchange,
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
