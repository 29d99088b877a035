#pragma once

#include "couriers/Courier.h"
#include "store/Database.h"

#include <map>
#include <optional>
#include <vector>

namespace courierd
{

/// Creates, changes and reads couriers. Validates what comes from outside; `busy` belongs to
/// the assignment use case and cannot be set or cleared here. Thread-safe.
class CourierRepository
{
public:
    explicit CourierRepository(Database& database);

    /// Stores a new courier and returns it with its id. Throws ValidationException naming the
    /// field (empty name, unknown transport or status, `busy`), StoreException.
    Courier create(const NewCourier& courier);

    /// Makes sure demo couriers `demo courier 1` … `demo courier N` exist (transports in turn:
    /// on foot, scooter, car), adding the missing ones in one transaction that concurrent
    /// instances serialize on; never changes or removes a courier. Returns how many it added.
    /// Throws StoreException.
    int ensureDemoCouriers(int count);

    /// Applies the fields present in `changes` and returns the courier as stored. Throws
    /// Poco::NotFoundException for an unknown id, ValidationException for a bad value,
    /// ConflictException when the status of a busy courier would change, StoreException.
    Courier update(Poco::Int64 id, const CourierChanges& changes);

    /// The courier, or nothing for an unknown id. Throws StoreException.
    std::optional<Courier> get(Poco::Int64 id);

    /// Every courier, or those with `status`, by id. Throws StoreException.
    std::vector<Courier> list(std::optional<CourierStatus> status = std::nullopt);

    /// Couriers by status (every status present, 0 if none). Throws StoreException or
    /// Poco::Data exceptions.
    std::map<std::string, Poco::Int64> countByStatus();

private:
    Database& _database;
};

} // namespace courierd
