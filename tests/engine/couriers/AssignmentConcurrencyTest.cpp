#include "Invariants.h"
#include "Race.h"
#include "StoreFixture.h"
#include "TestFiles.h"
#include "Wait.h"
#include "couriers/DeliveryMonitor.h"
#include "util/Exceptions.h"

#include <Poco/Logger.h>
#include <Poco/Thread.h>
#include <Poco/Timestamp.h>
#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <functional>
#include <random>
#include <thread>

using namespace courierd;
using namespace std::chrono_literals;
using courierd::test::StoreFixture;
using Kind = AssignOutcome::Kind;

class AssignmentConcurrencyTest : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(AssignmentConcurrencyTest);
    CPPUNIT_TEST(everyOrderGetsExactlyOneCourier);
    CPPUNIT_TEST(everyOrderGetsExactlyOneCourierInSets);
    CPPUNIT_TEST(endingsRaceAssignmentsUnassignsAndReleases);
    CPPUNIT_TEST_SUITE_END();

    static constexpr int THREADS = 8;
    static constexpr int ORDERS = 2000;
    static constexpr int COURIERS = 50;

public:
    // 8 threads assign 2,000 orders, each submitted twice, to 50 couriers whose deliveries
    // expire (and are released by a running monitor) while the test goes on.
    void everyOrderGetsExactlyOneCourier() { assignConcurrently(1); }

    // The same through the set-based path: each call assigns 16 submissions at once, so sets
    // overlap (an order's two copies often sit in two concurrent sets, or in the same one) and
    // compete for the same few free couriers.
    void everyOrderGetsExactlyOneCourierInSets() { assignConcurrently(16); }

    // Issue 21: deliveries ended at the source while the same orders are assigned, unassigned
    // by an operator and released by the monitor, from four threads: no error path leaves a
    // courier busy without a running delivery, an order with two deliveries, or a courier
    // held by an ended one.
    void endingsRaceAssignmentsUnassignsAndReleases()
    {
        StoreFixture store("endings", 8);
        AssignmentConfig config = StoreFixture::assignmentConfig();
        config.deadlineOnFoot = 300ms;
        config.deadlineScooter = 200ms;
        config.deadlineCar = 100ms;
        CourierAssigner assigner(store.database, config);
        const char* transports[] = {"on_foot", "scooter", "car"};
        for (int i = 0; i < 20; ++i)
            store.addCourier("courier-" + std::to_string(i), transports[i % 3]);
        constexpr int RACED = 300;
        const auto id = [](int n) { return "o" + std::to_string(n); };
        std::atomic<int> ended{0};
        test::Race race;
        race.run(
            [&](std::mt19937& random)
            {
                std::vector<OrderRef> set;
                for (int i = 0; i < 8; ++i)
                    set.push_back({id(static_cast<int>(random() % RACED)), "orders"});
                assigner.assign(set);
            },
            1);
        race.run(
            [&](std::mt19937& random)
            {
                std::vector<Ending> endings;
                for (int i = 0; i < 4; ++i)
                    endings.push_back(
                        {id(static_cast<int>(random() % RACED)),
                         i % 2 ? EndReason::GoneAtSource : EndReason::CanceledAtSource});
                ended += static_cast<int>(assigner.endDeliveries("orders", endings).size());
            },
            2);
        race.run([&](std::mt19937& random)
                 { assigner.unassign("orders", id(static_cast<int>(random() % RACED)), true); },
                 3);
        race.run(
            [&](std::mt19937&)
            {
                auto session = store.database.session();
                DeliveryMonitor::releaseExpired(session);
                Poco::Thread::sleep(5);
            },
            4);
        // Until enough of each race has happened: ended deliveries, and unassigns of ended ones.
        const bool raced =
            test::waitFor([&] { return ended >= 200 && race.refused() >= 50; }, 120s);
        race.stop();
        CPPUNIT_ASSERT_EQUAL(0, race.errors());
        CPPUNIT_ASSERT_MESSAGE(std::to_string(ended) + " ended, " + std::to_string(race.refused()) +
                                   " unassigns refused",
                               raced);
        CPPUNIT_ASSERT(store.db.scalar("SELECT count(*) FROM deliveries") > 0);
        CPPUNIT_ASSERT_MESSAGE(test::joined(test::violatedInvariants(store.database)),
                               test::violatedInvariants(store.database).empty());
        // An ended delivery's courier is never busy with it.
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(0),
                             store.db.scalar("SELECT count(*) FROM couriers c JOIN deliveries d "
                                             "ON d.source = c.active_source AND d.order_id = "
                                             "c.active_order_id WHERE c.status = 'busy' AND "
                                             "d.ended_at IS NOT NULL"));
    }

private:
    void assignConcurrently(std::size_t setSize)
    {
        StoreFixture store("concurrency", THREADS + 2);
        AssignmentConfig config = StoreFixture::assignmentConfig();
        config.deadlineOnFoot = 200ms;
        config.deadlineScooter = 100ms;
        config.deadlineCar = 50ms;
        CourierAssigner assigner(store.database, config);
        const char* transports[] = {"on_foot", "scooter", "car"};
        for (int i = 0; i < COURIERS; ++i)
            store.addCourier("courier-" + std::to_string(i), transports[i % 3]);

        // Each order twice; the copies stay close together so that they often race.
        std::vector<int> submissions;
        for (int order = 0; order < ORDERS; ++order)
            submissions.insert(submissions.end(), {order, order});
        std::mt19937 random(20261124);
        for (std::size_t i = 0; i < submissions.size(); ++i)
        {
            std::uniform_int_distribution<std::size_t> near(
                i, std::min(i + 8, submissions.size() - 1));
            std::swap(submissions[i], submissions[near(random)]);
        }

        DeliveryMonitor monitor(store.database, 20ms, Poco::Logger::get("test.monitor"));
        monitor.start();

        std::atomic<std::size_t> next{0};
        std::atomic<int> assigned{0};
        std::atomic<int> already{0};
        std::atomic<int> waits{0};
        std::atomic<int> errors{0};
        std::atomic<bool> late{false};
        const Poco::Timestamp started;
        std::vector<std::thread> threads;
        for (int t = 0; t < THREADS; ++t)
            threads.emplace_back(
                [&]
                {
                    for (std::size_t i = next.fetch_add(setSize); i < submissions.size();
                         i = next.fetch_add(setSize))
                    {
                        std::vector<OrderRef> set;
                        for (std::size_t k = i; k < std::min(i + setSize, submissions.size()); ++k)
                            set.push_back({"order-" + std::to_string(submissions[k]), "test"});
                        while (!set.empty())
                        {
                            if (started.elapsed() > 180'000'000)
                            {
                                late = true;
                                return;
                            }
                            std::vector<OrderRef> waiting;
                            try
                            {
                                const auto outcomes = assigner.assign(set);
                                for (std::size_t k = 0; k < set.size(); ++k)
                                    if (outcomes[k].kind == Kind::Assigned)
                                        ++assigned;
                                    else if (outcomes[k].kind == Kind::AlreadyAssigned)
                                        ++already;
                                    else
                                        waiting.push_back(set[k]);
                            }
                            catch (const Poco::Exception& e)
                            {
                                ++errors;
                                Poco::Logger::get("test").error(e.displayText());
                            }
                            if (!waiting.empty())
                            {
                                // Nobody free: wait for the monitor to release someone.
                                ++waits;
                                Poco::Thread::sleep(5);
                            }
                            set = std::move(waiting);
                        }
                    }
                });
        for (auto& thread : threads)
            thread.join();
        monitor.stop();

        CPPUNIT_ASSERT_MESSAGE("did not finish within 180s", !late);
        CPPUNIT_ASSERT_EQUAL(0, errors.load());
        CPPUNIT_ASSERT_EQUAL(ORDERS, assigned.load());
        CPPUNIT_ASSERT_EQUAL(ORDERS, already.load());
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(ORDERS),
                             store.db.scalar("SELECT count(*) FROM deliveries"));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(ORDERS),
                             store.db.scalar("SELECT count(DISTINCT order_id) FROM deliveries"));
        // Couriers were reused, so deliveries really were released as the test went.
        CPPUNIT_ASSERT(store.db.scalar("SELECT max(delivery_count) FROM couriers") > 1);
        const auto violated = test::violatedInvariants(store.database);
        CPPUNIT_ASSERT_MESSAGE(test::joined(violated), violated.empty());
    }
};

// Registered on a line of its own number: the unity build names registrations by line.
CPPUNIT_TEST_SUITE_REGISTRATION(AssignmentConcurrencyTest);
