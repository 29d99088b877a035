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
            .duration("timeout", &S::timeout, "3s", "time one HTTP attempt may take", 100ms, 300s)
            .integer("retry_count", &S::retryCount, "3", "retries of a failed request", 0, 10)
            .duration("poll_timeout", &S::pollTimeout, "10m",
                      "longest one request may take, its whole answer included; a source that "
                      "trickles bytes is cut off here",
                      1s, DAY)
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
                     "orders per request (sent as limit); 0 for one request per poll", 0, 100000)
            .integer("max_response_bytes", &S::maxResponseBytes, "1073741824",
                     "largest answer accepted; a larger one fails the poll (answers are "
                     "streamed: this bounds the transfer, not memory)",
                     1024, 1LL << 40)
            .integer("max_order_bytes", &S::maxOrderBytes, "1048576",
                     "largest single order; a larger one is rejected, kept cut to this size", 256,
                     64 * 1024 * 1024)
            .integer("write_batch", &S::writeBatch, "1000",
                     "orders stored per transaction while an answer is still being read", 1, 100000)
            .integer("write_batch_bytes", &S::writeBatchBytes, "4194304",
                     "bytes of orders stored per transaction while an answer is still being "
                     "read (a part is stored when it reaches write_batch orders or this many "
                     "bytes)",
                     1024, 64 * 1024 * 1024);
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
