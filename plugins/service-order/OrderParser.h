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
/// Pure; any thread.
std::variant<courierd::Record, courierd::Reject>
parseOrder(std::string_view element, const std::set<std::string>& assignable);

} // namespace service_order
