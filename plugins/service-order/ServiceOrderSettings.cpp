#include "ServiceOrderSettings.h"

namespace service_order
{

const std::set<std::string>& knownStatuses()
{
    static const std::set<std::string> statuses = {
        "created",   "pending",  "confirmed", "cooking", "delivering",
        "delivered", "canceled", "deleted",   "updated", "completed"};
    return statuses;
}

const courierd::ConfigMap<ServiceOrderSettings>& ServiceOrderSettings::map()
{
    using namespace std::chrono_literals;
    using S = ServiceOrderSettings;
    constexpr auto DAY = std::chrono::hours(24);
    static const auto map =
        courierd::ConfigMap<S>()
            .string("base_url", &S::baseUrl, "http://localhost:8080", "service-order's address")
            .include(&S::http, courierd::HttpSourceSettings::map())
            .duration("lookback", &S::lookback, "10s",
                      "how far behind the newest created_at to keep re-reading, for orders that "
                      "become visible late",
                      0ms, DAY)
            .time("start_from", &S::startFrom, "1970-01-01T00:00:00Z",
                  "RFC3339 time the first poll starts from")
            .list("statuses", &S::statuses, "created,pending,confirmed,cooking",
                  "comma-separated statuses that need a courier; orders in others are recorded "
                  "skipped",
                  {knownStatuses().begin(), knownStatuses().end()})
            .enumeration("cursor_field", &S::cursorField, "created_at",
                         "created_at (a watermark) or id (for sources whose ids grow "
                         "monotonically)",
                         {{"created_at", CursorField::CreatedAt}, {"id", CursorField::Id}})
            .integer("page_size", &S::pageSize, "0",
                     "orders per request (sent as limit); 0 for one request per poll", 0, 100000);
    return map;
}

ServiceOrderSettings ServiceOrderSettings::read(const courierd::SourceContext& context)
{
    ServiceOrderSettings settings = map().read(context);
    // The engine's keys of the section, which bound the retries and the clock.
    settings.interval = context.getDuration("interval");
    settings.maxClockSkew = context.getDuration("max_clock_skew");
    return settings;
}

} // namespace service_order
