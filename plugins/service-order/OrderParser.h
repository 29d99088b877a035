#pragma once

#include "courierd/Recheck.h"
#include "courierd/Record.h"
#include "courierd/Reject.h"

#include <optional>
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

/// An order's id and status, as a listing's element (`idKey` "id") or the answer of
/// `GET /order/{id}/status` (`idKey` "order_id") gives them.
struct OrderStatus
{
    std::string id;
    std::string status;
};

/// The id and status of `element`; nothing when it is not a JSON object with a non-empty string
/// id and a string status, both UTF-8 text without NUL. Pure; any thread.
std::optional<OrderStatus> parseStatus(std::string_view element, const std::string& idKey);

/// What a status says of an order, by the plugin's first-read rule: a status in `assignable` is
/// Needed, `canceled` Canceled, `deleted` Gone, any other status in `known` (the contract's)
/// NotNeeded with the reason `status NAME`; one outside the contract is Unknown. Pure.
courierd::RecheckAnswer fateOf(const std::string& id, const std::string& status,
                               const std::set<std::string>& assignable,
                               const std::set<std::string>& known);

} // namespace service_order
