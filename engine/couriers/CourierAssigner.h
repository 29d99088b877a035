#pragma once

#include "config/EngineConfig.h"
#include "couriers/Assignment.h"
#include "store/Database.h"

#include <Poco/Timestamp.h>

#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace courierd
{

/// The assignment use case: one order, one courier, once. Thread-safe; any number of threads
/// and processes may assign at once (row locks with SKIP LOCKED and UNIQUE(source, order_id)).
/// An order is its source and its id: ids are unique within a source only.
class CourierAssigner
{
public:
    CourierAssigner(Database& database, AssignmentConfig config);

    /// New deadlines, for assignments from now on (a reload). Any thread.
    void setConfig(const AssignmentConfig& config);

    /// Assigns `orders`, most urgent first, in one statement (one transaction): the k-th order
    /// without a delivery gets the k-th least-loaded available courier (fewest deliveries, then
    /// lowest id), which is what assigning them one at a time in this order would do; its
    /// deadline comes from the courier's transport and the courier is marked busy. An order
    /// that already has a delivery keeps it. Returns one outcome per order, in the same order;
    /// NoCourierAvailable also answers an order a concurrent call assigned while this one ran
    /// (asking again answers AlreadyAssigned). Throws ValidationException for an empty or
    /// oversized id or source (then nothing was written), StoreException and Poco::Data
    /// exceptions for database failures (then nothing was written).
    std::vector<AssignOutcome> assign(const std::vector<OrderRef>& orders);

    /// The same, through `session`, so that it joins the caller's transaction (the pipeline
    /// claims inbox rows, assigns them and marks them in one).
    std::vector<AssignOutcome> assign(Poco::Data::Session& session,
                                      const std::vector<OrderRef>& orders);

    /// One order: assign({{orderId, source}}).front().
    AssignOutcome assign(const std::string& orderId, const std::string& source);

    /// Throws ValidationException unless `order` could be assigned: both ids non-empty and
    /// at most MAX_RECORD_ID_BYTES.
    static void validate(const OrderRef& order);

    /// Removes the delivery of `source`'s order `orderId` and frees its courier if that
    /// delivery is the one it is busy with; in the same transaction the order's inbox row goes
    /// back to pending (attempts reset, due now) or, without `requeue`, becomes skipped
    /// "unassigned by operator". Nothing when the order has no delivery.
    /// Throws CodedConflictException `delivery_ended` for a delivery that ended at the source
    /// (its row is history, and its courier is free already).
    /// `reason` and `remote` (who asked) are kept in the audit trail (table unassignments)
    /// with the delivery removed.
    std::optional<Unassigned> unassign(const std::string& source, const std::string& orderId,
                                       bool requeue = true, const std::string& reason = "",
                                       const std::string& remote = "");

    /// Ends the running deliveries (neither ended nor past their deadline) of `source`'s orders
    /// in `endings`, in one statement: each row stays, with ended_at and end_reason, and a
    /// courier busy with one of them is available again. A delivery that has ended already,
    /// expired, or does not exist is left alone; its order is never assigned again either way.
    /// Returns the order ids whose delivery ended now, in id order. Throws
    /// ValidationException for an empty or oversized id (then nothing was written),
    /// StoreException and Poco::Data exceptions for database failures.
    std::vector<std::string> endDeliveries(const std::string& source,
                                           const std::vector<Ending>& endings);

private:
    Database& _database;
    mutable std::mutex _configMutex;
    AssignmentConfig _config;
};

} // namespace courierd
