#pragma once

#include "courierd/Recheck.h"

#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace service_order
{

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
