#pragma once

#include "courierd/ConfigMap.h"
#include "courierd/Duration.h"
#include "courierd/HttpSourceSettings.h"
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

/// The plugin's configuration, read once in initialize(). Every key is declared once, bound to
/// its member, in map().
struct ServiceOrderSettings
{
    std::string baseUrl;
    courierd::HttpSourceSettings http; ///< timeout, retries, size limits, write parts
    courierd::Duration lookback;
    Poco::Timestamp startFrom;
    std::set<std::string> statuses; ///< Statuses that need a courier; others are skipped.
    CursorField cursorField{};
    int pageSize{};              ///< 0: one request per fetch (service-order has no pagination).
    courierd::Duration interval; ///< The engine's poll interval of this source.
    courierd::Duration maxClockSkew; ///< The engine's max_clock_skew of this source.

    /// The keys of `[source.NAME]` this plugin reads, bound to the members above.
    static const courierd::ConfigMap<ServiceOrderSettings>& map();

    /// The values the host checked, and the engine's interval and max_clock_skew.
    static ServiceOrderSettings read(const courierd::SourceContext& context);
};

/// Every status service-order knows.
const std::set<std::string>& knownStatuses();

} // namespace service_order
