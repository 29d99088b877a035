#pragma once

#include "admin/Router.h"
#include "admin/Services.h"

namespace courierd
{

/// A source's replays: `POST|GET /api/v1/sources/{name}/replays`, `GET|DELETE
/// …/{name}/replays/{id}`.
class ReplaysHandler : public ResourceHandler<ReplaysHandler, SourceService>
{
public:
    using ResourceHandler::ResourceHandler;

    static void addRoutes(Router& router, SourceService& sources);

    /// `{"from", "to"}` → 202 with the replay.
    void startReplay(Exchange& exchange);
    /// Newest first, keyset pages (`?limit=`, `?after=`).
    void listReplays(Exchange& exchange);
    void getReplay(Exchange& exchange);
    void cancelReplay(Exchange& exchange);

    /// The longest range one replay reads.
    static constexpr Poco::Int64 MAX_REPLAY_DAYS = 31;

private:
    // The `{id}` of a replay route: 404 unless 1 to 18 digits.
    static Poco::Int64 replayId(Exchange& exchange);
    // Get or cancel: 200 with the replay, 404 `not_found`.
    void replayAction(Exchange& exchange,
                      std::optional<Replay> (SourceService::*action)(const std::string&,
                                                                     Poco::Int64));
};

} // namespace courierd
