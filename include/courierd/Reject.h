#pragma once

#include <string>

namespace courierd
{

/// An element a source returned that could not be read as a record (no id, a mistyped
/// `created_at`, …). The engine stores it `rejected` with its reason: nothing a source sent is
/// dropped silently. A plain value type.
struct Reject
{
    std::string id;      ///< Whatever id could be salvaged; empty when none (the engine then
                         ///< keys the row by a hash of the payload).
    std::string payload; ///< The element as received, or as much of it as was readable.
    std::string reason;  ///< What is wrong with it, for operators.
};

} // namespace courierd
