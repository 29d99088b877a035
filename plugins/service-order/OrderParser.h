#pragma once

#include "courierd/Record.h"
#include "courierd/Reject.h"

#include <set>
#include <string>
#include <string_view>
#include <variant>

namespace service_order
{

/// Reads one element of the orders array: a Record (with the verdict for its status) or, for
/// anything malformed, a Reject saying why. The element's text is kept verbatim as payload.
/// Rejected too: an id that is not UTF-8 text or is longer than courierd::MAX_RECORD_ID_BYTES,
/// and a `created_at` later than `latest` (now + max_clock_skew), which must never move the
/// watermark. Pure; any thread.
std::variant<courierd::Record, courierd::Reject> parseOrder(std::string_view element,
                                                            const std::set<std::string>& assignable,
                                                            Poco::Timestamp latest);

} // namespace service_order
