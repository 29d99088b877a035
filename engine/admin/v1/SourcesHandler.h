#pragma once

#include "admin/Router.h"
#include "admin/Services.h"

namespace courierd
{

/// `GET /api/v1/sources`, `GET /api/v1/sources/{name}`, `POST …/{name}/pause`, `/resume`
/// (200, the source) and `/trigger` (202), and the cursor: `GET|PUT …/{name}/cursor`,
/// `GET …/{name}/cursor/history`, and replays: `POST …/{name}/replays`,
/// `GET|DELETE …/{name}/replays/{id}`.
class SourcesHandler : public ResourceHandler<SourcesHandler, SourceService>
{
public:
    using ResourceHandler::ResourceHandler;

    static void addRoutes(Router& router, SourceService& sources);

    void list(Exchange& exchange);
    void get(Exchange& exchange); ///< 404 `source_not_found`
    void pause(Exchange& exchange);
    void resume(Exchange& exchange);
    void trigger(Exchange& exchange);
    void getCursor(Exchange& exchange);
    /// `{"cursor"}`, `{"from"}`, `{"reset": true}` or `{"restore": change id}`, and `"reason"`.
    void putCursor(Exchange& exchange);
    void cursorHistory(Exchange& exchange);
    /// `{"from", "to"}` → 202 with the replay.
    void startReplay(Exchange& exchange);
    void getReplay(Exchange& exchange);
    void cancelReplay(Exchange& exchange);

    /// The longest range one replay reads.
    static constexpr Poco::Int64 MAX_REPLAY_DAYS = 31;

    /// One source as the API writes it.
    static Poco::JSON::Object toJson(const SourceView& source);

private:
    [[noreturn]] static void notFound(const std::string& name);
    // The `{id}` of a replay route: 404 unless 1 to 18 digits.
    static Poco::Int64 replayId(Exchange& exchange);
    // Get or cancel: 200 with the replay, 404 `not_found`.
    void replayAction(Exchange& exchange,
                      std::optional<Replay> (SourceService::*action)(const std::string&,
                                                                     Poco::Int64));
    // Pause or resume: 200 with the source as it is now.
    void control(Exchange& exchange,
                 std::optional<SourceView> (SourceService::*change)(const std::string&));
};

} // namespace courierd
