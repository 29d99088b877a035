#include "ledger/Retention.h"

#include "Invariants.h"
#include "StoreFixture.h"
#include "TestFiles.h"
#include "sources/CursorStore.h"
#include "sources/Ingestor.h"
#include "sources/SourceCatalog.h"

#include <cppunit/extensions/HelperMacros.h>

using namespace courierd;
using courierd::test::joined;
using courierd::test::StoreFixture;

// Retention over a real PostgreSQL: finished rows older than retention.inbox and
// retention.deliveries go, in batches, one instance at a time; what was deleted can never be
// assigned again.

namespace
{

RetentionConfig days(int inbox, int deliveries)
{
    RetentionConfig config = EngineConfig::defaults().retention;
    config.inbox = std::chrono::hours(24 * inbox);
    config.deliveries = std::chrono::hours(24 * deliveries);
    return config;
}

// `count` rows of source `orders` in `state`, created and fetched `age` days ago.
void addRows(StoreFixture& store, const std::string& prefix, int count, const std::string& state,
             int age)
{
    store.db.execute("INSERT INTO inbox (source, record_id, created_at, fetched_at, updated_at, "
                     "payload, state) SELECT 'orders', '" +
                     prefix + "' || n, now() - interval '" + std::to_string(age) +
                     " days' + n * interval '1 second', now() - interval '" + std::to_string(age) +
                     " days', now(), '{}', '" + state + "' FROM generate_series(1, " +
                     std::to_string(count) + ") n");
}

} // namespace

class RetentionTest : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(RetentionTest);
    CPPUNIT_TEST(finishedRowsOlderThanTheLimitGoInBatches);
    CPPUNIT_TEST(pastDeliveriesGoButNotTheOnesCouriersAreBusyWith);
    CPPUNIT_TEST(anOrderSentAgainAfterItsRowWasDeletedIsNotAssignedAgain);
    CPPUNIT_TEST(oneInstanceSweepsAtATime);
    CPPUNIT_TEST(zeroKeepsEverything);
    CPPUNIT_TEST(retentionNeverReachesAnOrderTheSourceCanStillSend);
    CPPUNIT_TEST(finishedReplaysAndOldCursorChangesGo);
    CPPUNIT_TEST_SUITE_END();

public:
    void finishedRowsOlderThanTheLimitGoInBatches()
    {
        StoreFixture store("retention");
        metrics::Registry registry;
        addRows(store, "a", 2500, "assigned", 40);
        addRows(store, "s", 10, "skipped", 40);
        addRows(store, "f", 10, "failed", 40);
        addRows(store, "r", 10, "rejected", 40);
        addRows(store, "p", 10, "pending", 40); // not finished: kept
        addRows(store, "new", 10, "assigned", 20);
        Retention retention(store.database, days(30, 90), Poco::Logger::get("test"), registry);
        const auto swept = retention.sweep();
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(2530), swept.inbox);
        CPPUNIT_ASSERT(!swept.skipped);
        CPPUNIT_ASSERT_EQUAL(
            std::string("new 10\npending 10\n"),
            joined(store.db.column("SELECT kind || ' ' || count(*) FROM (SELECT CASE "
                                   "WHEN record_id LIKE 'new%' THEN 'new' ELSE "
                                   "state END AS kind FROM inbox) rows "
                                   "GROUP BY kind ORDER BY kind")));
        // The counts the triggers keep follow the deletes.
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(20),
                             store.db.scalar("SELECT sum(n)::bigint FROM inbox_counts"));
        // The horizon: the newest created_at deleted (an assigned row, 40 days - 2500 s).
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(1),
                             store.db.scalar("SELECT count(*) FROM source_retention WHERE "
                                             "source = 'orders' AND deleted_through > now() - "
                                             "interval '40 days' AND deleted_through < now() - "
                                             "interval '39 days'"));
        CPPUNIT_ASSERT(CursorStore(store.database).retentionHorizon("orders").has_value());
        CPPUNIT_ASSERT(!CursorStore(store.database).retentionHorizon("other").has_value());
        const std::string text = [&]
        {
            std::ostringstream out;
            registry.write(out);
            return out.str();
        }();
        CPPUNIT_ASSERT_MESSAGE(
            text, text.find("courierd_retention_deleted_total{table=\"inbox\"} 2530") !=
                      std::string::npos);
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(0), retention.sweep().inbox);
    }

    void pastDeliveriesGoButNotTheOnesCouriersAreBusyWith()
    {
        StoreFixture store("retention");
        const auto a = store.addCourier("a").id;
        store.addCourier("b");
        store.assigner.assign("old", "orders");
        store.assigner.assign("busy", "orders");
        // Both assigned 100 days ago; "old" has ended, "busy" is still under way.
        store.db.execute("UPDATE deliveries SET assigned_at = now() - interval '100 days', "
                         "deadline = now() - interval '99 days' WHERE order_id = 'old'");
        store.db.execute("UPDATE deliveries SET assigned_at = now() - interval '100 days' "
                         "WHERE order_id = 'busy'");
        store.db.execute("UPDATE couriers SET status = 'available', active_order_id = NULL, "
                         "active_source = NULL, busy_until = NULL WHERE id = " +
                         std::to_string(a));
        Retention retention(store.database, days(30, 90), Poco::Logger::get("test"));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(1), retention.sweep().deliveries);
        CPPUNIT_ASSERT_EQUAL(std::string("busy\n"),
                             joined(store.db.column("SELECT order_id FROM deliveries")));
        // A courier's load counts what it delivered, retention or not.
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(1), store.couriers.get(a)->deliveryCount);
    }

    // The invariant retention must not break: an order whose row and delivery are gone, sent
    // again by the source (late, after a cursor moved back), is stored skipped.
    void anOrderSentAgainAfterItsRowWasDeletedIsNotAssignedAgain()
    {
        StoreFixture store("retention");
        addRows(store, "o", 3, "assigned", 40);
        Retention(store.database, days(30, 90), Poco::Logger::get("test")).sweep();
        const auto created = Poco::Timestamp(
            store.db.scalar("SELECT (extract(epoch FROM deleted_through) * 1000000)::bigint "
                            "FROM source_retention"));

        Ingestor ingestor(store.database, "test", std::chrono::seconds(30));
        const auto lease = ingestor.acquire("orders");
        Batch batch;
        batch.records.push_back({"o3", created, "{}", Record::Verdict::Assign, ""});
        batch.records.push_back(
            {"late", created - Poco::Timespan(1, 0), "{}", Record::Verdict::Assign, ""});
        batch.records.push_back({"fresh", Poco::Timestamp(), "{}", Record::Verdict::Assign, ""});
        batch.cursor = "c";
        ingestor.ingest(*lease, batch);
        CPPUNIT_ASSERT_EQUAL(
            std::string("fresh pending\nlate skipped\no3 skipped\n"),
            joined(store.db.column("SELECT record_id || ' ' || state FROM inbox ORDER BY 1")));
        CPPUNIT_ASSERT(
            store.db.text("SELECT reason FROM inbox WHERE record_id = 'o3'").find("retention") !=
            std::string::npos);
    }

    void oneInstanceSweepsAtATime()
    {
        StoreFixture store("retention");
        addRows(store, "o", 5, "assigned", 40);
        // Another instance is in a batch: it holds the lock until its transaction ends.
        Database other(store.db.store(1));
        auto session = other.session();
        session.begin();
        session << "SELECT pg_advisory_xact_lock(hashtext('courierd.retention'))",
            Poco::Data::Keywords::now;
        Retention retention(store.database, days(30, 90), Poco::Logger::get("test"));
        const auto swept = retention.sweep();
        CPPUNIT_ASSERT(swept.skipped);
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(0), swept.inbox);
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(5), store.db.scalar("SELECT count(*) FROM inbox"));
        session.commit();
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(5), retention.sweep().inbox);
    }

    void zeroKeepsEverything()
    {
        StoreFixture store("retention");
        addRows(store, "o", 5, "assigned", 4000);
        RetentionConfig keep = EngineConfig::defaults().retention;
        keep.inbox = Duration(0);
        keep.deliveries = Duration(0);
        Retention retention(store.database, keep, Poco::Logger::get("test"));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(0), retention.sweep().inbox);
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(5), store.db.scalar("SELECT count(*) FROM inbox"));
    }

    // Issue 19, defect 3: with retention.inbox = 1ms, 520 assignable orders at the source
    // became 80 deliveries: rows of the look-back were deleted, the horizon (their newest
    // created_at) turned the rest of their second away as "deleted", and those went too. A
    // limit shorter than twice the look-back window is refused; the horizon never passes
    // now - retention.inbox, even for a row stamped in the future.
    void retentionNeverReachesAnOrderTheSourceCanStillSend()
    {
        const auto problem = SourceCatalog::retentionProblem(Duration(1), Duration(20'000));
        CPPUNIT_ASSERT_MESSAGE(problem, problem.find("retention.inbox = 1ms") == 0);
        CPPUNIT_ASSERT_MESSAGE(problem, problem.find("at least 1h") != std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(
            SourceCatalog::retentionProblem(std::chrono::hours(2), std::chrono::hours(2)),
            SourceCatalog::retentionProblem(std::chrono::hours(2), std::chrono::hours(2))
                    .find("at least 4h") != std::string::npos);
        CPPUNIT_ASSERT(SourceCatalog::retentionProblem(Duration(0), std::chrono::hours(9)).empty());
        CPPUNIT_ASSERT(
            SourceCatalog::retentionProblem(std::chrono::hours(1), Duration(1000)).empty());

        StoreFixture store("retention");
        // Fetched two hours ago, but created a minute ago (a skewed clock): not deleted yet.
        store.db.execute("INSERT INTO inbox (source, record_id, created_at, fetched_at, "
                         "updated_at, payload, state) VALUES ('orders', 'skewed', now() - "
                         "interval '1 minute', now() - interval '2 hours', now(), '{}', "
                         "'assigned')");
        addRows(store, "old", 3, "assigned", 2);
        RetentionConfig hour = EngineConfig::defaults().retention;
        hour.inbox = std::chrono::hours(1);
        CPPUNIT_ASSERT_EQUAL(
            Poco::Int64(3),
            Retention(store.database, hour, Poco::Logger::get("test")).sweep().inbox);
        CPPUNIT_ASSERT_EQUAL(std::string("skewed"), store.db.text("SELECT record_id FROM inbox"));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(1),
                             store.db.scalar("SELECT count(*) FROM source_retention WHERE "
                                             "deleted_through < now() - interval '1 hour'"));
        // An order of the look-back, sent for the first time now, is assigned.
        Ingestor ingestor(store.database, "test", std::chrono::seconds(30));
        const auto lease = ingestor.acquire("orders");
        Batch batch;
        batch.records.push_back({"recent", Poco::Timestamp() - Poco::Timespan(0, 0, 0, 30, 0), "{}",
                                 Record::Verdict::Assign, ""});
        batch.cursor = "c";
        ingestor.ingest(*lease, batch);
        CPPUNIT_ASSERT_EQUAL(std::string("pending"),
                             store.db.text("SELECT state FROM inbox WHERE record_id = 'recent'"));
    }

    // Issue 19, defect 7: replays and cursor_history were never pruned (2,686 replay rows in
    // 15 s of a start/cancel race).
    void finishedReplaysAndOldCursorChangesGo()
    {
        StoreFixture store("retention");
        store.db.execute(
            "INSERT INTO replays (source, from_at, to_at, cursor, state, finished_at) SELECT "
            "'orders', now() - interval '2 h', now() - interval '1 h', '', "
            "(ARRAY['done','failed','canceled'])[1 + n % 3], now() - interval '40 days' "
            "FROM generate_series(1, 1500) n");
        store.db.execute("INSERT INTO replays (source, from_at, to_at, cursor, state, finished_at) "
                         "VALUES ('orders', now() - interval '2 h', now() - interval '1 h', '', "
                         "'done', now() - interval '1 day')");
        store.db.execute("INSERT INTO replays (source, from_at, to_at, cursor, created_at) VALUES "
                         "('other', now() - interval '2 h', now() - interval '1 h', '', now() - "
                         "interval '400 days')");
        store.db.execute(
            "INSERT INTO cursor_history (source, at, previous, cursor, remote, "
            "reason) SELECT 'orders', now() - n * interval '1 day' - interval '1 hour', 'a', "
            "'b', '', "
            "'' FROM generate_series(1, 400) n");
        // Unassigns are the operators' history too, kept as long.
        store.db.execute("INSERT INTO unassignments (source, order_id, courier_id, assigned_at, "
                         "requeued, at) SELECT 'orders', 'o' || n, 1, now(), true, now() - n * "
                         "interval '1 day' - interval '1 hour' FROM generate_series(1, 370) n");
        RetentionConfig config = days(30, 90);
        config.replays = std::chrono::hours(24 * 30);
        config.cursorHistory = std::chrono::hours(24 * 365);
        const auto swept = Retention(store.database, config, Poco::Logger::get("test")).sweep();
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(1500), swept.replays);
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(36 + 6), swept.cursorHistory);
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(364),
                             store.db.scalar("SELECT count(*) FROM unassignments"));
        // The recent one and the running one (however old) stay.
        CPPUNIT_ASSERT_EQUAL(std::string("done\nrunning\n"),
                             joined(store.db.column("SELECT state FROM replays ORDER BY state")));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(364),
                             store.db.scalar("SELECT count(*) FROM cursor_history"));
        config.replays = Duration(0);
        config.cursorHistory = Duration(0);
        store.db.execute("UPDATE cursor_history SET at = at - interval '1000 days'");
        const auto kept = Retention(store.database, config, Poco::Logger::get("test")).sweep();
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(0), kept.cursorHistory);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(RetentionTest);
