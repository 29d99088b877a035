#include "StoreFixture.h"
#include "util/Exceptions.h"

#include <cppunit/extensions/HelperMacros.h>

#include <map>
#include <thread>

using namespace courierd;
using courierd::test::StoreFixture;

class CourierRepositoryTest : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(CourierRepositoryTest);
    CPPUNIT_TEST(createdCourierCanBeRead);
    CPPUNIT_TEST(listsAllOrByStatus);
    CPPUNIT_TEST(invalidValuesAreRefusedAndNothingIsWritten);
    CPPUNIT_TEST(updateChangesOnlyTheGivenFields);
    CPPUNIT_TEST(updateOfUnknownCourierIsNotFound);
    CPPUNIT_TEST(busyCannotBeSetOrLeftByUpdate);
    CPPUNIT_TEST(demoCouriersAreAddedOnceAndNeverChanged);
    CPPUNIT_TEST_SUITE_END();

public:
    void createdCourierCanBeRead()
    {
        StoreFixture store("couriers");
        NewCourier input;
        input.name = "  Ivan Ivanov ";
        input.phone = "+7 (900) 123-45-67";
        input.transport = "scooter";
        const Courier created = store.couriers.create(input);
        CPPUNIT_ASSERT(created.id > 0);
        CPPUNIT_ASSERT_EQUAL(std::string("Ivan Ivanov"), created.name);
        CPPUNIT_ASSERT(created.status == CourierStatus::Available);
        CPPUNIT_ASSERT(created.transport == Transport::Scooter);
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(0), created.deliveryCount);

        const auto read = store.couriers.get(created.id);
        CPPUNIT_ASSERT(read.has_value());
        CPPUNIT_ASSERT_EQUAL(std::string("+7 (900) 123-45-67"), read->phone);
        CPPUNIT_ASSERT(!read->activeOrderId.has_value());
        CPPUNIT_ASSERT(!store.couriers.get(created.id + 1000).has_value());
    }

    void listsAllOrByStatus()
    {
        StoreFixture store("couriers");
        store.addCourier("a", "car");
        store.addCourier("b", "on_foot", "paused");
        store.addCourier("c", "scooter");
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), store.couriers.list().size());
        const auto paused = store.couriers.list(CourierStatus::Paused);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), paused.size());
        CPPUNIT_ASSERT_EQUAL(std::string("b"), paused[0].name);
        const auto available = store.couriers.list(CourierStatus::Available);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), available.size());
        CPPUNIT_ASSERT(available[0].id < available[1].id);
    }

    void invalidValuesAreRefusedAndNothingIsWritten()
    {
        StoreFixture store("couriers");
        const struct
        {
            const char* name;
            const char* phone;
            const char* status;
            const char* transport;
            const char* field;
        } cases[] = {
            {"", "", "available", "car", "name"},
            {"   ", "", "available", "car", "name"},
            {"x", "", "available", "bike", "transport_type 'bike'"},
            {"x", "", "available", "", "transport_type ''"},
            {"x", "", "busy", "car", "status 'busy'"},
            {"x", "", "sleeping", "car", "status 'sleeping'"},
            {"x", "call me", "available", "car", "phone 'call me'"},
        };
        for (const auto& c : cases)
        {
            NewCourier input;
            input.name = c.name;
            input.phone = c.phone;
            input.status = c.status;
            input.transport = c.transport;
            try
            {
                store.couriers.create(input);
                CPPUNIT_FAIL(std::string("accepted a courier with a bad ") + c.field);
            }
            catch (const ValidationException& e)
            {
                CPPUNIT_ASSERT_MESSAGE(e.message(), e.message().find(c.field) == 0);
            }
        }
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(0), store.db.scalar("SELECT count(*) FROM couriers"));
    }

    void updateChangesOnlyTheGivenFields()
    {
        StoreFixture store("couriers");
        const Courier courier = store.addCourier("Anna", "on_foot");
        CourierChanges changes;
        changes.transport = "car";
        changes.status = "paused";
        const Courier updated = store.couriers.update(courier.id, changes);
        CPPUNIT_ASSERT_EQUAL(std::string("Anna"), updated.name);
        CPPUNIT_ASSERT(updated.transport == Transport::Car);
        CPPUNIT_ASSERT(updated.status == CourierStatus::Paused);
        CPPUNIT_ASSERT(store.couriers.get(courier.id)->status == CourierStatus::Paused);

        CourierChanges bad;
        bad.transport = "horse";
        CPPUNIT_ASSERT_THROW(store.couriers.update(courier.id, bad), ValidationException);
        CPPUNIT_ASSERT(store.couriers.get(courier.id)->transport == Transport::Car);
    }

    void updateOfUnknownCourierIsNotFound()
    {
        StoreFixture store("couriers");
        CourierChanges changes;
        changes.name = "x";
        CPPUNIT_ASSERT_THROW(store.couriers.update(42, changes), Poco::NotFoundException);
    }

    void busyCannotBeSetOrLeftByUpdate()
    {
        StoreFixture store("couriers");
        const Courier courier = store.addCourier("Oleg");
        CourierChanges toBusy;
        toBusy.status = "busy";
        CPPUNIT_ASSERT_THROW(store.couriers.update(courier.id, toBusy), ValidationException);

        store.assigner.assign("order-1", "test");
        CourierChanges toPaused;
        toPaused.status = "paused";
        try
        {
            store.couriers.update(courier.id, toPaused);
            CPPUNIT_FAIL("paused a busy courier");
        }
        catch (const ConflictException& e)
        {
            CPPUNIT_ASSERT(e.message().find("order-1") != std::string::npos);
        }
        CPPUNIT_ASSERT(store.couriers.get(courier.id)->status == CourierStatus::Busy);

        // A busy courier's name may still change; once free, it may be paused.
        CourierChanges rename;
        rename.name = "Oleg P.";
        CPPUNIT_ASSERT_EQUAL(std::string("Oleg P."),
                             store.couriers.update(courier.id, rename).name);
        store.expire("order-1");
        CPPUNIT_ASSERT(store.couriers.update(courier.id, toPaused).status == CourierStatus::Paused);
    }

    void demoCouriersAreAddedOnceAndNeverChanged()
    {
        StoreFixture store("couriers");
        store.addCourier("demo courier 2", "car", "paused");
        CPPUNIT_ASSERT_EQUAL(0, store.couriers.ensureDemoCouriers(0));
        // Two threads at once, as two instances starting together: each courier once.
        int added[2] = {0, 0};
        std::thread other([&] { added[1] = store.couriers.ensureDemoCouriers(5); });
        added[0] = store.couriers.ensureDemoCouriers(5);
        other.join();
        CPPUNIT_ASSERT_EQUAL(4, added[0] + added[1]);
        const auto all = store.couriers.list();
        CPPUNIT_ASSERT_EQUAL(std::size_t(5), all.size());
        std::map<std::string, Courier> byName;
        for (const auto& courier : all)
            byName.emplace(courier.name, courier);
        CPPUNIT_ASSERT(byName.at("demo courier 1").transport == Transport::OnFoot);
        CPPUNIT_ASSERT(byName.at("demo courier 3").transport == Transport::Car);
        CPPUNIT_ASSERT(byName.at("demo courier 5").status == CourierStatus::Available);
        CPPUNIT_ASSERT_EQUAL(std::string("+7 900 000-0005"), byName.at("demo courier 5").phone);
        // The operator's changes stay: the paused car is still a paused car.
        CPPUNIT_ASSERT(byName.at("demo courier 2").status == CourierStatus::Paused);
        CPPUNIT_ASSERT_EQUAL(1, store.couriers.ensureDemoCouriers(6));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(CourierRepositoryTest);
