#pragma once

#include "TestDatabase.h"
#include "config/EngineConfig.h"
#include "couriers/CourierAssigner.h"
#include "couriers/CourierRepository.h"
#include "store/Database.h"
#include "store/Migrator.h"

#include <memory>

namespace courierd::test
{

/// A migrated throw-away database with the store's services on it: what the tests of the
/// courier domain start from.
struct StoreFixture
{
    explicit StoreFixture(const std::string& tag, int poolSize = 8);

    /// Deadlines short enough to expire during a test, distinct per transport.
    static AssignmentConfig assignmentConfig();

    Courier addCourier(const std::string& name, const std::string& transport = "car",
                       const std::string& status = "available");

    /// Moves the order's delivery a day into the past (as if its deadline had passed), keeping
    /// the courier's copy of the deadline in step, then runs the monitor's release.
    void expire(const std::string& orderId);

    TestDatabase db;
    Database database;
    CourierRepository couriers;
    CourierAssigner assigner;
};

} // namespace courierd::test
