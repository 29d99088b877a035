#include "couriers/DeliveryMonitor.h"

#include "StoreFixture.h"
#include "Wait.h"

#include <Poco/Logger.h>
#include <cppunit/extensions/HelperMacros.h>

#include <atomic>

using namespace courierd;
using namespace std::chrono_literals;
using courierd::test::StoreFixture;
using courierd::test::waitFor;

namespace
{

AssignmentConfig quickCars()
{
    AssignmentConfig config = StoreFixture::assignmentConfig();
    config.deadlineCar = 50ms;
    return config;
}

} // namespace

class DeliveryMonitorTest : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(DeliveryMonitorTest);
    CPPUNIT_TEST(releaseFreesExpiredCouriersOnly);
    CPPUNIT_TEST(timerReleasesAndReports);
    CPPUNIT_TEST(unreachableDatabaseIsCountedNotFatal);
    CPPUNIT_TEST_SUITE_END();

public:
    void releaseFreesExpiredCouriersOnly()
    {
        StoreFixture store("monitor");
        CourierAssigner assigner(store.database, quickCars());
        const auto car = store.addCourier("car", "car").id;
        const auto walker = store.addCourier("walker", "on_foot").id;
        assigner.assign("fast", "test");
        assigner.assign("slow", "test");
        CPPUNIT_ASSERT(waitFor(
            [&]
            {
                return store.db.scalar("SELECT count(*) FROM deliveries WHERE order_id = 'fast' "
                                       "AND deadline <= now()") == 1;
            }));

        auto session = store.database.session();
        CPPUNIT_ASSERT_EQUAL(1, DeliveryMonitor::releaseExpired(session));
        const auto freed = store.couriers.get(car);
        CPPUNIT_ASSERT(freed->status == CourierStatus::Available);
        CPPUNIT_ASSERT(!freed->busyUntil.has_value());
        CPPUNIT_ASSERT(!freed->activeOrderId.has_value());
        CPPUNIT_ASSERT(store.couriers.get(walker)->status == CourierStatus::Busy);
        // Deliveries are history: both stay.
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(2), store.db.scalar("SELECT count(*) FROM deliveries"));
        CPPUNIT_ASSERT_EQUAL(0, DeliveryMonitor::releaseExpired(session));
    }

    void timerReleasesAndReports()
    {
        StoreFixture store("monitor");
        CourierAssigner assigner(store.database, quickCars());
        const auto car = store.addCourier("car", "car").id;
        assigner.assign("o1", "test");
        std::atomic<int> reported{0};
        DeliveryMonitor monitor(store.database, 20ms, Poco::Logger::get("test.monitor"));
        monitor.start([&](int freed) { reported += freed; });
        CPPUNIT_ASSERT(waitFor([&] { return reported.load() == 1; }));
        CPPUNIT_ASSERT(store.couriers.get(car)->status == CourierStatus::Available);
        monitor.stop();
        monitor.stop();
        CPPUNIT_ASSERT_EQUAL(0L, monitor.failures());
    }

    void unreachableDatabaseIsCountedNotFatal()
    {
        StoreConfig config = EngineConfig::defaults().store;
        config.url = "host=127.0.0.1 port=1";
        config.connectTimeout = 2s;
        Database database(config);
        DeliveryMonitor monitor(database, 20ms, Poco::Logger::get("test.monitor"));
        monitor.start();
        CPPUNIT_ASSERT(waitFor([&] { return monitor.failures() >= 2; }));
        monitor.stop();
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(DeliveryMonitorTest);
