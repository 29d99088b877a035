#include "StoreFixture.h"

#include "couriers/DeliveryMonitor.h"

#include <Poco/Logger.h>

namespace courierd::test
{

StoreFixture::StoreFixture(const std::string& tag, int poolSize)
    : db(tag)
    , database(db.store(poolSize))
    , couriers(database)
    , assigner(database, assignmentConfig())
{
    auto session = database.connect();
    Migrator(Migrator::builtIn()).apply(session, Poco::Logger::get("test"));
}

AssignmentConfig StoreFixture::assignmentConfig()
{
    using namespace std::chrono_literals;
    AssignmentConfig config = EngineConfig::defaults().assignment;
    config.deadlineOnFoot = 30min;
    config.deadlineScooter = 15min;
    config.deadlineCar = 5min;
    config.releaseInterval = 10s;
    return config;
}

Courier StoreFixture::addCourier(const std::string& name, const std::string& transport,
                                 const std::string& status)
{
    NewCourier courier;
    courier.name = name;
    courier.transport = transport;
    courier.status = status;
    return couriers.create(courier);
}

void StoreFixture::expire(const std::string& orderId)
{
    db.execute("UPDATE deliveries SET assigned_at = assigned_at - interval '1 day', "
               "deadline = deadline - interval '1 day' WHERE order_id = '" +
               orderId +
               "';"
               "UPDATE couriers SET busy_until = busy_until - interval '1 day' "
               "WHERE active_order_id = '" +
               orderId + "'");
    auto session = database.session();
    DeliveryMonitor::releaseExpired(session);
}

} // namespace courierd::test
