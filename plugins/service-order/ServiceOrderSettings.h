#pragma once

#include "courierd/ConfigKey.h"
#include "courierd/Duration.h"
#include "courierd/SourceContext.h"

#include <Poco/Timestamp.h>

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace service_order
{

/// What the cursor follows.
enum class CursorField
{
    CreatedAt, ///< The contract's `created_at` (whole seconds, not unique): a watermark.
    Id,        ///< A monotonically growing id, for sources that have one.
};

/// The plugin's configuration, read once in initialize(). The keys are declared in keys().
struct ServiceOrderSettings
{
    std::string baseUrl;
    courierd::Duration timeout;
    int retryCount = 3;
    courierd::Duration pollTimeout; ///< One request, its whole answer included.
    courierd::Duration lookback;
    Poco::Timestamp startFrom;
    std::set<std::string> statuses; ///< Statuses that need a courier; others are skipped.
    CursorField cursorField = CursorField::CreatedAt;
    int pageSize = 0; ///< 0: one request per fetch (service-order has no pagination).
    std::size_t maxResponseBytes = 0;
    std::size_t maxOrderBytes = 0;   ///< A larger order is rejected, cut to this size.
    std::size_t writeBatch = 0;      ///< Orders stored per transaction while reading an answer.
    std::size_t writeBatchBytes = 0; ///< Or sooner, once its orders hold this many bytes.
    courierd::Duration interval;     ///< The engine's poll interval of this source.
    courierd::Duration maxClockSkew; ///< The engine's max_clock_skew of this source.

    /// The keys of `[source.NAME]` this plugin reads.
    static std::vector<courierd::ConfigKey> keys();

    /// Reads and checks the values. Throws courierd::ConfigException naming the key and value.
    static ServiceOrderSettings read(const courierd::SourceContext& context);
};

/// Every status service-order knows.
const std::set<std::string>& knownStatuses();

} // namespace service_order
