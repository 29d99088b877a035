#include "Ingestor.h"

#include "Exceptions.h"
#include "StoreFixture.h"

#include <cppunit/extensions/HelperMacros.h>

using namespace courierd;
using namespace std::chrono_literals;
using courierd::test::StoreFixture;

namespace
{

Batch batchOf(std::initializer_list<std::string> ids, const std::string& cursor)
{
    Batch batch;
    for (const auto& id : ids)
        batch.records.push_back(
            {id, Poco::Timestamp(), "{\"id\":\"" + id + "\"}", Record::Verdict::Assign, ""});
    batch.cursor = cursor;
    return batch;
}

} // namespace

class IngestorTest : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(IngestorTest);
    CPPUNIT_TEST(storesRecordsRejectsAndCursorTogether);
    CPPUNIT_TEST(redeliveredRecordsChangeNothing);
    CPPUNIT_TEST(aLiveLeaseIsExclusive);
    CPPUNIT_TEST(anExpiredLeaseIsTakenOverWithAHigherTerm);
    CPPUNIT_TEST(aStaleHolderWritesNothing);
    CPPUNIT_TEST(aValidVersionOfARejectedOrderIsStillStored);
    CPPUNIT_TEST_SUITE_END();

public:
    void storesRecordsRejectsAndCursorTogether()
    {
        StoreFixture store("ingest");
        Ingestor ingestor(store.database, "a", 30s);
        const auto lease = ingestor.acquire("orders");
        CPPUNIT_ASSERT(lease.has_value());
        CPPUNIT_ASSERT_EQUAL(std::string(), ingestor.cursor("orders"));
        Batch batch = batchOf({"o1", "o2"}, "c1");
        batch.records.push_back(
            {"o3", Poco::Timestamp(), "{}", Record::Verdict::Skip, "status canceled"});
        batch.rejects.push_back(
            {"o4", "{\"id\":\"o4\",\"created_at\":7}", "created_at: not a string"});
        const IngestResult result = ingestor.ingest(*lease, batch);
        CPPUNIT_ASSERT_EQUAL(3, result.records);
        CPPUNIT_ASSERT_EQUAL(1, result.skipped);
        CPPUNIT_ASSERT_EQUAL(1, result.rejects);
        CPPUNIT_ASSERT_EQUAL(std::string("c1"), ingestor.cursor("orders"));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(2),
                             store.db.scalar("SELECT count(*) FROM inbox WHERE state = 'pending'"));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(1),
                             store.db.scalar("SELECT count(*) FROM inbox WHERE state = 'skipped' "
                                             "AND reason = 'status canceled'"));
        CPPUNIT_ASSERT_EQUAL(
            Poco::Int64(1),
            store.db.scalar("SELECT count(*) FROM inbox WHERE state = 'rejected' AND reason LIKE "
                            "'id o4: created_at%' AND payload LIKE '%created_at\":7}'"));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(1),
                             store.db.scalar("SELECT count(*) FROM inbox WHERE record_id = 'o1' "
                                             "AND payload = '{\"id\":\"o1\"}'"));
    }

    void redeliveredRecordsChangeNothing()
    {
        StoreFixture store("ingest");
        Ingestor ingestor(store.database, "a", 30s);
        const auto lease = ingestor.acquire("orders");
        ingestor.ingest(*lease, batchOf({"o1", "o2"}, "c1"));
        store.db.execute("UPDATE inbox SET state = 'assigned' WHERE record_id = 'o1'");
        const IngestResult again = ingestor.ingest(*lease, batchOf({"o1", "o2", "o3"}, "c2"));
        CPPUNIT_ASSERT_EQUAL(1, again.records);
        CPPUNIT_ASSERT_EQUAL(
            Poco::Int64(1),
            store.db.scalar(
                "SELECT count(*) FROM inbox WHERE record_id = 'o1' AND state = 'assigned'"));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(3), store.db.scalar("SELECT count(*) FROM inbox"));
        CPPUNIT_ASSERT_EQUAL(std::string("c2"), ingestor.cursor("orders"));
    }

    void aLiveLeaseIsExclusive()
    {
        StoreFixture store("ingest");
        Ingestor a(store.database, "a", 30s);
        Ingestor b(store.database, "b", 30s);
        const auto lease = a.acquire("orders");
        CPPUNIT_ASSERT(!b.acquire("orders").has_value());
        // Renewing keeps the term.
        CPPUNIT_ASSERT_EQUAL(lease->term, a.acquire("orders")->term);
        // Other sources are independent.
        CPPUNIT_ASSERT(b.acquire("other").has_value());
        // Given up, it is free at once.
        a.release(*lease);
        CPPUNIT_ASSERT(b.acquire("orders").has_value());
    }

    void anExpiredLeaseIsTakenOverWithAHigherTerm()
    {
        StoreFixture store("ingest");
        Ingestor a(store.database, "a", 30s);
        Ingestor b(store.database, "b", 30s);
        const auto first = a.acquire("orders");
        store.db.execute("UPDATE source_leases SET expires_at = now() - interval '1 s'");
        const auto second = b.acquire("orders");
        CPPUNIT_ASSERT(second.has_value());
        CPPUNIT_ASSERT(second->term > first->term);
        CPPUNIT_ASSERT(!a.acquire("orders").has_value());
    }

    void aStaleHolderWritesNothing()
    {
        StoreFixture store("ingest");
        Ingestor a(store.database, "a", 30s);
        Ingestor b(store.database, "b", 30s);
        const auto stale = a.acquire("orders");
        a.ingest(*stale, batchOf({"o1"}, "c1"));
        // a is paused past its TTL; b takes over and moves on.
        store.db.execute("UPDATE source_leases SET expires_at = now() - interval '1 s'");
        const auto fresh = b.acquire("orders");
        b.ingest(*fresh, batchOf({"o2"}, "c2"));
        // a wakes up and tries to store what it fetched before the pause.
        CPPUNIT_ASSERT_THROW(a.ingest(*stale, batchOf({"o9"}, "c-stale")), LeaseLostException);
        CPPUNIT_ASSERT_EQUAL(std::string("c2"), b.cursor("orders"));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(0),
                             store.db.scalar("SELECT count(*) FROM inbox WHERE record_id = 'o9'"));
    }

    void aValidVersionOfARejectedOrderIsStillStored()
    {
        StoreFixture store("ingest");
        Ingestor ingestor(store.database, "a", 30s);
        const auto lease = ingestor.acquire("orders");
        Batch broken;
        broken.rejects.push_back({"o1", "{\"id\":\"o1\"}", "missing created_at"});
        broken.cursor = "c0";
        ingestor.ingest(*lease, broken);
        ingestor.ingest(*lease, batchOf({"o1"}, "c1"));
        CPPUNIT_ASSERT_EQUAL(
            Poco::Int64(1),
            store.db.scalar(
                "SELECT count(*) FROM inbox WHERE record_id = 'o1' AND state = 'pending'"));
        CPPUNIT_ASSERT_EQUAL(
            Poco::Int64(1), store.db.scalar("SELECT count(*) FROM inbox WHERE state = 'rejected'"));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(IngestorTest);
