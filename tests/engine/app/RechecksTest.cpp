#include "app/Rechecks.h"

#include "FakeClock.h"
#include "FakeServiceOrder.h"
#include "Invariants.h"
#include "LogCapture.h"
#include "PluginUnderTest.h"
#include "Race.h"
#include "StoreFixture.h"
#include "TestFiles.h"
#include "Wait.h"
#include "courierd/Rfc3339.h"
#include "couriers/DeliveryMonitor.h"
#include "ledger/Ledger.h"
#include "ledger/Retention.h"
#include "pipeline/AssignmentPipeline.h"
#include "sources/Rechecker.h"
#include "util/Exceptions.h"

#include <Poco/Thread.h>
#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <functional>
#include <random>
#include <thread>

using namespace courierd;
using courierd::test::FakeServiceOrder;
using courierd::test::joined;

// Issue 21 over the real parts but the daemon: the service-order plugin through the real host,
// its fake with orders canceled, deleted and moved on after they were assigned, and the
// Rechecker ending deliveries in PostgreSQL through the daemon's Rechecks.
class RechecksTest : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(RechecksTest);
    CPPUNIT_TEST(canceledAndDeletedOrdersFreeTheirCouriersAndTheRestRuns);
    CPPUNIT_TEST(ordersCanceledDeletedOrMovedOnWhileTheyWaitAreNeverAssigned);
    CPPUNIT_TEST(rechecksRaceTheWorkersRetentionRetriesAndUnassigns);
    CPPUNIT_TEST_SUITE_END();

public:
    void canceledAndDeletedOrdersFreeTheirCouriersAndTheRestRuns()
    {
        test::StoreFixture store("rechecks");
        FakeServiceOrder fake;
        const Poco::Timestamp created = Poco::Timestamp() - Poco::Timespan(120, 0);
        std::vector<std::string> ids;
        for (int i = 0; i < 5; ++i)
        {
            ids.push_back(fake.addOrder("created", created));
            store.addCourier("c" + std::to_string(i));
            store.db.execute("INSERT INTO inbox (source, record_id, created_at, payload, state) "
                             "VALUES ('orders', '" +
                             ids.back() + "', '" + formatRfc3339(created) + "', '{}', 'assigned')");
            CPPUNIT_ASSERT(store.assigner.assign(ids.back(), "orders").kind ==
                           AssignOutcome::Kind::Assigned);
        }
        store.expire(ids[4]); // over already: never asked about
        fake.setStatus(ids[0], "canceled");
        fake.remove(ids[1]);
        fake.setStatus(ids[2], "delivering");

        test::PluginUnderTest plugin("service-order", "orders",
                                     {{"base_url", fake.baseUrl()}, {"retry_count", "0"}}, {});
        RecheckStore recheckStore(store.database);
        Rechecks rechecks(recheckStore, store.assigner);
        metrics::Registry registry;
        SourceMetrics metrics(registry);
        test::LogCapture lines("test.rechecks");
        test::FakeClock clock;
        Rechecker rechecker(
            "orders", *plugin.source, {std::chrono::seconds(30), 500, Duration(0)}, rechecks,
            metrics, [] {}, lines.logger(), clock);

        const std::size_t before = fake.requestCount();
        clock.advance(std::chrono::seconds(30)); // an interval after the start
        CPPUNIT_ASSERT(rechecker.step());
        CPPUNIT_ASSERT_EQUAL(before + 1, fake.requestCount()); // one listing for the four
        CPPUNIT_ASSERT_EQUAL(
            std::string("canceled_at_source gone_at_source"),
            store.db.text("SELECT string_agg(end_reason, ' ' ORDER BY end_reason) FROM "
                          "deliveries WHERE ended_at IS NOT NULL"));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(2), store.db.scalar("SELECT count(*) FROM couriers "
                                                             "WHERE status = 'busy'"));
        const auto verdict = [&](const std::string& id)
        {
            return store.db.text("SELECT coalesce(recheck_verdict, '-') FROM inbox WHERE "
                                 "record_id = '" +
                                 id + "'");
        };
        CPPUNIT_ASSERT_EQUAL(std::string("canceled: status canceled"), verdict(ids[0]));
        CPPUNIT_ASSERT_EQUAL(std::string("gone: not listed by service-order"), verdict(ids[1]));
        CPPUNIT_ASSERT_EQUAL(std::string("not_needed: status delivering"), verdict(ids[2]));
        CPPUNIT_ASSERT_EQUAL(std::string("needed"), verdict(ids[3]));
        CPPUNIT_ASSERT_EQUAL(std::string("-"), verdict(ids[4]));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(4), store.db.scalar("SELECT count(*) FROM deliveries "
                                                             "WHERE rechecked_at IS NOT NULL"));
        CPPUNIT_ASSERT_MESSAGE(joined(test::violatedInvariants(store.database)),
                               test::violatedInvariants(store.database).empty());
        CPPUNIT_ASSERT_EQUAL(1, lines.count("recheck of 4 running deliveries: 2 ended"));

        // The next interval asks about the two still running alone; the freed couriers take
        // new orders, and an ended order is never assigned again.
        CPPUNIT_ASSERT((recheckStore.runningDeliveries("orders", 10).size() == 2));
        CPPUNIT_ASSERT(store.assigner.assign(ids[0], "orders").kind ==
                       AssignOutcome::Kind::AlreadyAssigned);
        CPPUNIT_ASSERT(store.assigner.assign("next", "orders").kind ==
                       AssignOutcome::Kind::Assigned);
        CPPUNIT_ASSERT(test::violatedInvariants(store.database).empty());
    }

    // Before assigning: orders that waited for a courier are asked about again. Passed over
    // by the real pipeline, held back from it, asked about with one listing, and the ones the
    // source canceled, deleted or moved on are skipped with their reasons, never assigned.
    void ordersCanceledDeletedOrMovedOnWhileTheyWaitAreNeverAssigned()
    {
        using namespace std::chrono_literals;
        test::StoreFixture store("rechecks");
        FakeServiceOrder fake;
        const Poco::Timestamp created = Poco::Timestamp() - Poco::Timespan(120, 0);
        std::vector<std::string> ids;
        for (int i = 0; i < 5; ++i)
        {
            ids.push_back(fake.addOrder("created", created));
            // Four fetched a minute ago; the last one just now.
            store.db.execute("INSERT INTO inbox (source, record_id, created_at, payload, "
                             "fetched_at) VALUES ('orders', '" +
                             ids.back() + "', '" + formatRfc3339(created) + "', '{}', now() - " +
                             (i < 4 ? "interval '1 min'" : "interval '0 s'") + ")");
        }
        test::PluginUnderTest plugin("service-order", "orders",
                                     {{"base_url", fake.baseUrl()}, {"retry_count", "0"}}, {});
        RecheckStore recheckStore(store.database);
        Rechecks rechecks(recheckStore, store.assigner);
        metrics::Registry registry;
        SourceMetrics metrics(registry);
        test::LogCapture lines("test.rechecks");
        std::atomic<int> wakes{0};
        test::FakeClock clock;
        Rechecker rechecker(
            "orders", *plugin.source, {Duration(0), 500, 30s}, rechecks, metrics, [&] { ++wakes; },
            lines.logger(), clock);
        AssignmentPipeline pipeline(store.database, store.assigner,
                                    EngineConfig::defaults().pipeline,
                                    Poco::Logger::get("test.pipeline"));
        pipeline.holdForRechecks(
            [&] {
                return std::vector<AssignmentPipeline::RecheckHold>{{"orders", rechecker.after()}};
            });

        // No courier: all five passed over. Nothing to ask about before they are.
        CPPUNIT_ASSERT(rechecker.step());
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), fake.requestCount());
        pipeline.start();
        CPPUNIT_ASSERT(test::waitFor(
            [&]
            {
                return store.db.scalar("SELECT count(*) FROM inbox WHERE passed_over_at IS NOT "
                                       "NULL") == 5;
            }));

        // Meanwhile the source cancels one, deletes one, moves one on; couriers come. The
        // four that waited a minute are held; the fresh one goes.
        fake.setStatus(ids[0], "canceled");
        fake.remove(ids[1]);
        fake.setStatus(ids[2], "delivering");
        for (int i = 0; i < 5; ++i)
            store.addCourier("c" + std::to_string(i));
        pipeline.wake();
        CPPUNIT_ASSERT(test::waitFor([&] { return pipeline.assigned() == 1; }));
        CPPUNIT_ASSERT_EQUAL(ids[4], store.db.text("SELECT string_agg(order_id, ',') FROM "
                                                   "deliveries"));

        // The recheck: one listing for the four; three skipped, the needed one assigned.
        clock.advance(Rechecker::WAITING_EVERY);
        CPPUNIT_ASSERT(rechecker.step());
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), fake.requestCount());
        CPPUNIT_ASSERT(wakes > 0);
        CPPUNIT_ASSERT(test::waitFor([&] { return pipeline.assigned() == 2; }));
        pipeline.stop();
        const auto row = [&](const std::string& id)
        {
            return store.db.text("SELECT state || ' | ' || coalesce(reason, '-') || ' | ' || "
                                 "coalesce(recheck_verdict, '-') FROM inbox WHERE record_id = '" +
                                 id + "'");
        };
        CPPUNIT_ASSERT_EQUAL(
            std::string(
                "skipped | canceled at source: status canceled | canceled: status canceled"),
            row(ids[0]));
        CPPUNIT_ASSERT_EQUAL(
            std::string("skipped | gone at source | gone: not listed by service-order"),
            row(ids[1]));
        CPPUNIT_ASSERT_EQUAL(std::string("skipped | status delivering at recheck | not_needed: "
                                         "status delivering"),
                             row(ids[2]));
        CPPUNIT_ASSERT_EQUAL(std::string("assigned | - | needed"), row(ids[3]));
        CPPUNIT_ASSERT_EQUAL(std::string("assigned | - | -"), row(ids[4]));
        CPPUNIT_ASSERT_EQUAL(std::string(ids[4] + "," + ids[3]), // the fresh one first
                             store.db.text("SELECT string_agg(order_id, ',' ORDER BY id) FROM "
                                           "deliveries"));
        CPPUNIT_ASSERT_EQUAL(1,
                             lines.count("recheck of 4 orders waiting for a courier: 3 skipped"));
        CPPUNIT_ASSERT_MESSAGE(joined(test::violatedInvariants(store.database)),
                               test::violatedInvariants(store.database).empty());
    }

    // Issue 21: both rechecks' writes (deliveries ended, waiting orders skipped or stamped)
    // while the real pipeline assigns and passes over the same orders, a retention sweep
    // deletes finished rows, an operator retries failed ones and unassigns, and the monitor
    // releases: no error, the invariants hold, and no order skipped at the source has a
    // courier.
    void rechecksRaceTheWorkersRetentionRetriesAndUnassigns()
    {
        using namespace std::chrono_literals;
        test::StoreFixture store("recheck_race", 12);
        AssignmentConfig quick = test::StoreFixture::assignmentConfig();
        quick.deadlineOnFoot = 300ms;
        quick.deadlineScooter = 200ms;
        quick.deadlineCar = 100ms;
        CourierAssigner assigner(store.database, quick);
        const char* transports[] = {"on_foot", "scooter", "car"};
        for (int i = 0; i < 10; ++i)
            store.addCourier("courier-" + std::to_string(i), transports[i % 3]);
        constexpr int RACED = 400;
        // New orders keep arriving (as polls would bring them), so that retention and skips
        // never run the race dry: each step picks among the RACED newest.
        std::atomic<unsigned> newest{RACED};
        const auto id = [&](unsigned n) { return "o" + std::to_string(newest - 1 - n % RACED); };
        store.db.execute("INSERT INTO inbox (source, record_id, created_at, payload) SELECT "
                         "'orders', 'o' || g, now() - interval '1 min', '{}' FROM "
                         "generate_series(0, " +
                         std::to_string(RACED - 1) + ") g");
        PipelineConfig two = EngineConfig::defaults().pipeline;
        two.workers = 2;
        two.batchSize = 16;
        AssignmentPipeline pipeline(store.database, assigner, two,
                                    Poco::Logger::get("test.pipeline"));
        pipeline.holdForRechecks(
            [] {
                return std::vector<AssignmentPipeline::RecheckHold>{{"orders", 1ms}};
            });
        RecheckStore recheckStore(store.database);
        Ledger ledger(store.database);
        RetentionConfig keep{};
        keep.inbox = 2s;
        keep.deliveries = 2s;
        Retention retention(store.database, keep, Poco::Logger::get("test.retention"));

        std::atomic<int> ended{0}, skipped{0}, swept{0}, retried{0};
        test::Race race;
        // The recheck of running deliveries: some end.
        race.run(
            [&](std::mt19937& random)
            {
                std::vector<Ending> endings;
                for (int i = 0; i < 4; ++i)
                    endings.push_back({id(random()), i % 2 ? EndReason::GoneAtSource
                                                           : EndReason::CanceledAtSource});
                ended += static_cast<int>(assigner.endDeliveries("orders", endings).size());
            },
            1);
        // The recheck of waiting orders: a tenth canceled, the rest needed.
        race.run(
            [&](std::mt19937& random)
            {
                std::vector<RecheckRows::Settled> settled;
                for (const auto& order : recheckStore.waitingOrders("orders", 1ms, 16))
                    settled.push_back(random() % 10 == 0
                                          ? RecheckRows::Settled{order.id,
                                                                 "canceled: status canceled",
                                                                 "canceled at source: status "
                                                                 "canceled"}
                                          : RecheckRows::Settled{order.id, "needed", {}});
                skipped += static_cast<int>(recheckStore.settleWaiting("orders", settled).size());
                pipeline.wake();
                Poco::Thread::sleep(2);
            },
            2);
        // Operators: unassign (requeued), fail and retry.
        race.run(
            [&](std::mt19937& random)
            {
                assigner.unassign("orders", id(random()), true);
                // An assignment that failed for good, as a worker would mark it.
                store.db.execute("UPDATE inbox SET state = 'failed', last_error = 'raced' WHERE "
                                 "ctid = (SELECT ctid FROM inbox WHERE state = 'pending' LIMIT 1 "
                                 "FOR UPDATE SKIP LOCKED)");
                retried += static_cast<int>(ledger.retry({}).requeued);
            },
            3);
        // Retention and the monitor.
        race.run(
            [&](std::mt19937&)
            {
                const auto sweep = retention.sweep();
                swept += static_cast<int>(sweep.inbox + sweep.deliveries);
                auto session = store.database.session();
                DeliveryMonitor::releaseExpired(session);
                pipeline.wake();
                Poco::Thread::sleep(5);
            },
            4);
        race.run(
            [&](std::mt19937&)
            {
                const unsigned first = newest;
                store.db.execute("INSERT INTO inbox (source, record_id, created_at, payload) "
                                 "SELECT 'orders', 'o' || g, now() - interval '1 min', '{}' "
                                 "FROM generate_series(" +
                                 std::to_string(first) + ", " + std::to_string(first + 3) + ") g");
                newest = first + 4;
                pipeline.wake();
                Poco::Thread::sleep(10);
            },
            5);
        pipeline.start();
        const bool raced = test::waitFor(
            [&] { return ended >= 10 && skipped >= 10 && swept >= 10 && retried >= 10; }, 120s);
        race.stop();
        pipeline.stop();
        CPPUNIT_ASSERT_EQUAL(0, race.errors());
        CPPUNIT_ASSERT_MESSAGE(std::to_string(ended) + " ended, " + std::to_string(skipped) +
                                   " skipped, " + std::to_string(swept) + " swept, " +
                                   std::to_string(retried) + " retried",
                               raced);
        // A courier's load counts deliveries that retention deleted since: not checked here.
        std::vector<std::string> violated;
        for (const auto& rule : test::violatedInvariants(store.database))
            if (rule.rfind("load:", 0) != 0)
                violated.push_back(rule);
        CPPUNIT_ASSERT_MESSAGE(joined(violated), violated.empty());
        // What the source canceled while it waited has no courier, nor any delivery made
        // after it was skipped.
        CPPUNIT_ASSERT_EQUAL(
            Poco::Int64(0),
            store.db.scalar("SELECT count(*) FROM inbox i JOIN deliveries d ON d.source = "
                            "i.source AND d.order_id = i.record_id WHERE i.state = 'skipped' "
                            "AND i.reason LIKE 'canceled at source%' AND d.assigned_at > "
                            "i.rechecked_at"));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(RechecksTest);
