#include "app/Rechecks.h"

#include "FakeClock.h"
#include "FakeServiceOrder.h"
#include "Invariants.h"
#include "LogCapture.h"
#include "PluginUnderTest.h"
#include "StoreFixture.h"
#include "TestFiles.h"
#include "Wait.h"
#include "courierd/Rfc3339.h"
#include "pipeline/AssignmentPipeline.h"
#include "sources/Rechecker.h"

#include <cppunit/extensions/HelperMacros.h>

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
};

CPPUNIT_TEST_SUITE_REGISTRATION(RechecksTest);
