#include "ServiceOrderSettings.h"

#include "courierd/Exceptions.h"
#include "courierd/Rfc3339.h"

#include <Poco/String.h>
#include <Poco/StringTokenizer.h>

using courierd::ConfigKey;
using courierd::ConfigType;

namespace service_order
{

const std::set<std::string>& knownStatuses()
{
    static const std::set<std::string> statuses = {
        "created",   "pending",  "confirmed", "cooking", "delivering",
        "delivered", "canceled", "deleted",   "updated", "completed"};
    return statuses;
}

std::vector<ConfigKey> ServiceOrderSettings::keys()
{
    return {
        {"base_url", ConfigType::String, "http://localhost:8080", "service-order's address"},
        {"timeout", ConfigType::Duration, "3s", "time one HTTP attempt may take", 100,
         300 * courierd::MS_PER_SECOND},
        {"retry_count", ConfigType::Integer, "3", "retries of a failed request", 0, 10},
        {"poll_timeout", ConfigType::Duration, "10m",
         "longest one request may take, its whole answer included; a source that trickles "
         "bytes is cut off here",
         1000, courierd::MS_PER_DAY},
        {"lookback", ConfigType::Duration, "10s",
         "how far behind the newest created_at to keep re-reading, for orders that become "
         "visible late",
         0, courierd::MS_PER_DAY},
        {"start_from", ConfigType::String, "1970-01-01T00:00:00Z",
         "RFC3339 time the first poll starts from"},
        {"statuses", ConfigType::String, "created,pending,confirmed,cooking",
         "comma-separated statuses that need a courier; orders in others are recorded skipped"},
        {"cursor_field", ConfigType::String, "created_at",
         "created_at (a watermark) or id (for sources whose ids grow monotonically)"},
        {"page_size", ConfigType::Integer, "0",
         "orders per request (sent as limit); 0 for one request per poll", 0, 100000},
        {"max_response_bytes", ConfigType::Integer, "1073741824",
         "largest answer accepted; a larger one fails the poll (answers are streamed: this "
         "bounds the transfer, not memory)",
         1024, 1LL << 40},
        {"max_order_bytes", ConfigType::Integer, "1048576",
         "largest single order; a larger one is rejected, kept cut to this size", 256,
         64 * 1024 * 1024},
        {"write_batch", ConfigType::Integer, "1000",
         "orders stored per transaction while an answer is still being read", 1, 100000},
        {"write_batch_bytes", ConfigType::Integer, "4194304",
         "bytes of orders stored per transaction while an answer is still being read (a part "
         "is stored when it reaches write_batch orders or this many bytes)",
         1024, 64 * 1024 * 1024},
    };
}

ServiceOrderSettings ServiceOrderSettings::read(const courierd::SourceContext& context)
{
    ServiceOrderSettings settings;
    settings.baseUrl = context.getString("base_url");
    settings.timeout = context.getDuration("timeout");
    settings.pollTimeout = context.getDuration("poll_timeout");
    settings.retryCount = static_cast<int>(context.getInt("retry_count"));
    settings.lookback = context.getDuration("lookback");
    settings.pageSize = static_cast<int>(context.getInt("page_size"));
    settings.maxResponseBytes = static_cast<std::size_t>(context.getInt("max_response_bytes"));
    settings.maxOrderBytes = static_cast<std::size_t>(context.getInt("max_order_bytes"));
    settings.writeBatch = static_cast<std::size_t>(context.getInt("write_batch"));
    settings.writeBatchBytes = static_cast<std::size_t>(context.getInt("write_batch_bytes"));
    settings.interval = context.getDuration("interval");
    settings.maxClockSkew = context.getDuration("max_clock_skew");

    const std::string startFrom = context.getString("start_from");
    const auto start = courierd::parseRfc3339(startFrom);
    if (!start)
        throw courierd::ConfigException("start_from = '" + startFrom +
                                        "': not an RFC3339 time like 2026-11-24T10:15:30Z");
    settings.startFrom = *start;

    const std::string cursorField = context.getString("cursor_field");
    if (cursorField == "created_at")
        settings.cursorField = CursorField::CreatedAt;
    else if (cursorField == "id")
        settings.cursorField = CursorField::Id;
    else
        throw courierd::ConfigException("cursor_field = '" + cursorField +
                                        "': must be created_at or id");

    const std::string statuses = context.getString("statuses");
    Poco::StringTokenizer tokens(
        statuses, ",", Poco::StringTokenizer::TOK_TRIM | Poco::StringTokenizer::TOK_IGNORE_EMPTY);
    for (const auto& status : tokens)
    {
        if (!knownStatuses().count(status))
        {
            std::string known;
            for (const auto& name : knownStatuses())
                known += (known.empty() ? "" : ", ") + name;
            throw courierd::ConfigException("statuses = '" + statuses + "': unknown status '" +
                                            status + "' (known: " + known + ")");
        }
        settings.statuses.insert(status);
    }
    return settings;
}

} // namespace service_order
