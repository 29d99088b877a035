#pragma once

#include <Poco/Timestamp.h>
#include <Poco/Types.h>

#include <cstddef>
#include <optional>
#include <string>

namespace courierd
{

// What an assignment or an unassignment did: value types, no store (the admin handlers see
// them through admin/Services.h).

/// What became of one assignment request.
struct AssignOutcome
{
    enum class Kind
    {
        Assigned,           ///< A courier was chosen and marked busy now.
        AlreadyAssigned,    ///< The order had a delivery already; nothing changed.
        NoCourierAvailable, ///< Nobody is available; nothing was written.
    };

    Kind kind = Kind::NoCourierAvailable;
    Poco::Int64 courierId = 0;   ///< Assigned, AlreadyAssigned: the order's courier.
    Poco::Timestamp deadline{0}; ///< Assigned, AlreadyAssigned: the delivery's deadline.
};

/// One order to assign: its id (the delivery's order id) and the source it came from.
struct OrderRef
{
    std::string orderId;
    std::string source;
};

/// What an unassignment did.
/// The longest reason an operator's unassign keeps in the audit trail.
constexpr std::size_t MAX_UNASSIGN_REASON_BYTES = 500;

struct Unassigned
{
    Poco::Int64 courierId = 0;
    bool courierFreed = false; ///< The courier was busy with this order (now available).
    std::optional<std::string> inboxState; ///< The order's inbox row now (none if not there).
};

/// Why a delivery ended before its deadline: its order was canceled, or is gone, at the source.
enum class EndReason
{
    CanceledAtSource,
    GoneAtSource,
};

/// `canceled_at_source`, `gone_at_source`: deliveries.end_reason, logs and metrics.
inline const char* endReasonName(EndReason reason)
{
    return reason == EndReason::CanceledAtSource ? "canceled_at_source" : "gone_at_source";
}

/// A delivery to end: its order (of the source asked) and why.
struct Ending
{
    std::string orderId;
    EndReason reason;
};

} // namespace courierd
