#pragma once

#include "Database.h"
#include "EngineConfig.h"

#include <Poco/Timestamp.h>

#include <optional>
#include <string>

namespace courierd
{

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

/// The assignment use case: one order, one courier, once. Thread-safe; any number of threads
/// and processes may assign at once (row locks with SKIP LOCKED and UNIQUE(order_id)).
class CourierAssigner
{
public:
    CourierAssigner(Database& database, AssignmentConfig config);

    /// In one transaction: locks the least-loaded available courier (fewest deliveries, then
    /// lowest id), inserts the delivery with a deadline from the courier's transport, and
    /// marks the courier busy. An order that already has a delivery keeps it. Throws
    /// ValidationException for an empty or oversized id or source, StoreException and
    /// Poco::Data exceptions for database failures (then nothing was written).
    AssignOutcome assign(const std::string& orderId, const std::string& source);

    /// The same, through `session`, so that it joins the caller's transaction (the pipeline
    /// claims the inbox row, assigns and marks the row in one).
    AssignOutcome assign(Poco::Data::Session& session, const std::string& orderId,
                         const std::string& source);

    /// Removes the order's delivery and frees its courier if that delivery is the one it is
    /// busy with. Returns the courier, or nothing when the order has no delivery.
    std::optional<Poco::Int64> unassign(const std::string& orderId);

private:
    Database& _database;
    AssignmentConfig _config;
};

} // namespace courierd
