#include "sources/Ingestor.h"

#include "StoreFixture.h"
#include "util/Exceptions.h"

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
    CPPUNIT_TEST(recordsTheStoreCannotHoldAreRejectedBesideTheOthers);
    CPPUNIT_TEST(aPartTheStoreRefusesIsStoredRowByRow);
    CPPUNIT_TEST(storingRenewsTheLease);
    CPPUNIT_TEST(aCursorRolledBackUnderneathIsNeverWrittenOver);
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

    // Hostile input: each of these failed the whole part before (invalid byte sequence for
    // encoding "UTF8", \u0000 cannot be converted to text, index row size exceeds maximum).
    void recordsTheStoreCannotHoldAreRejectedBesideTheOthers()
    {
        StoreFixture store("ingest");
        Ingestor ingestor(store.database, "a", 30s);
        const auto lease = ingestor.acquire("orders");
        Batch batch = batchOf({"good"}, "c1");
        const Poco::Timestamp now;
        const auto record = [&](std::string id, std::string payload, Poco::Timestamp created) {
            batch.records.push_back({id, created, payload, Record::Verdict::Assign, ""});
        };
        record("utf8", "{\"fio\":\"\xff\xfe\xc3\"}", now);
        record(std::string("n\0ul", 4), "{}", now);
        record("nul-in-payload", std::string("{\"a\":\"\0\"}", 10), now);
        record(std::string(10240, 'x'), "{}", now);
        record("future", "{}", Poco::Timestamp::fromEpochTime(253402300799)); // 9999-12-31
        record("before-1970", "{}", Poco::Timestamp::fromEpochTime(-86400));
        batch.records.push_back(
            {"skip", now, "{}", Record::Verdict::Skip, std::string("status a\0b", 10)});
        // An oversized order cut inside a two-byte character.
        batch.rejects.push_back({"", "{\"fio\":\"\xd0", "order larger than max_order_bytes"});

        const IngestResult result = ingestor.ingest(*lease, batch);
        CPPUNIT_ASSERT_EQUAL(1, result.records);
        CPPUNIT_ASSERT_EQUAL(8, result.rejects);
        CPPUNIT_ASSERT_EQUAL(std::string("c1"), ingestor.cursor("orders"));
        CPPUNIT_ASSERT_EQUAL(std::string("pending"),
                             store.db.text("SELECT state FROM inbox WHERE record_id = 'good'"));
        const auto reasonLike = [&](const std::string& pattern)
        {
            return store.db.scalar("SELECT count(*) FROM inbox WHERE state = 'rejected' AND "
                                   "reason LIKE '" +
                                   pattern + "'");
        };
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(1),
                             reasonLike("id utf8: payload is not UTF-8 text: byte 8 of 13 is not "
                                        "part of a UTF-8 character (payload of 13 bytes%"));
        CPPUNIT_ASSERT_EQUAL(
            std::string("{\"fio\":\"\\xFF\\xFE\\xC3\"}"),
            store.db.text("SELECT payload FROM inbox WHERE reason LIKE 'id utf8:%'"));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(1), reasonLike("id n_x00ul: id is not UTF-8 text: byte 1 "
                                                        "of 4 is a NUL%"));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(1), reasonLike("id nul-in-payload: payload %is a NUL%"));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(1), reasonLike("id xxx%(10240 bytes): id longer than 256 "
                                                        "bytes (10240)"));
        CPPUNIT_ASSERT(store.db.scalar("SELECT max(length(reason)) FROM inbox") < 2000);
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(1),
                             reasonLike("id future: created_at 9999-12-31T23:59:59Z is later than "
                                        "now + max_clock_skew (5m)"));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(1), reasonLike("id before-1970: created_at 1969-12-31T00:"
                                                        "00:00Z is before 1970"));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(1), reasonLike("id skip: reason is not UTF-8 text%"));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(1), reasonLike("order larger than max_order_bytes "
                                                        "(payload of 9 bytes%"));
        CPPUNIT_ASSERT_EQUAL(
            Poco::Int64(1),
            store.db.scalar("SELECT count(*) FROM inbox WHERE payload = '{\"fio\":\"\\xD0'"));
    }

    // A row the screen lets through but the store refuses (here a trigger stands in for any
    // such cause) is rejected with the store's error; the rest of its part and the cursor stay.
    void aPartTheStoreRefusesIsStoredRowByRow()
    {
        StoreFixture store("ingest");
        store.db.execute(R"sql(
CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'poisoned row'; END $$;
CREATE TRIGGER poison BEFORE INSERT ON inbox FOR EACH ROW
    WHEN (NEW.record_id = 'poison') EXECUTE FUNCTION refuse_poison();
)sql");
        Ingestor ingestor(store.database, "a", 30s);
        const auto lease = ingestor.acquire("orders");
        const IngestResult result =
            ingestor.ingest(*lease, batchOf({"o1", "poison", "o2", "o3"}, "c1"));
        CPPUNIT_ASSERT_EQUAL(3, result.records);
        CPPUNIT_ASSERT_EQUAL(1, result.rejects);
        CPPUNIT_ASSERT_EQUAL(std::string("c1"), ingestor.cursor("orders"));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(3),
                             store.db.scalar("SELECT count(*) FROM inbox WHERE state = 'pending'"));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(1),
                             store.db.scalar("SELECT count(*) FROM inbox WHERE state = 'rejected' "
                                             "AND reason LIKE 'the store refused it: %poisoned "
                                             "row%' AND payload LIKE '%\"id\":\"poison\"%'"));
    }

    // The fence renews the lease: a tick that keeps storing parts keeps its lease past the TTL.
    void storingRenewsTheLease()
    {
        StoreFixture store("ingest");
        Ingestor ingestor(store.database, "a", 30s);
        const auto lease = ingestor.acquire("orders");
        store.db.execute("UPDATE source_leases SET expires_at = now() + interval '1 second'");
        ingestor.ingestPart(*lease, batchOf({"o1"}, "").records, {});
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(1),
                             store.db.scalar("SELECT count(*) FROM source_leases WHERE expires_at "
                                             "> now() + interval '20 seconds'"));
        store.db.execute("UPDATE source_leases SET expires_at = now() + interval '1 second'");
        CPPUNIT_ASSERT(ingestor.renew(*lease));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(1),
                             store.db.scalar("SELECT count(*) FROM source_leases WHERE expires_at "
                                             "> now() + interval '20 seconds'"));
        // Once expired, it is not renewed: a stalled holder still loses it.
        store.db.execute("UPDATE source_leases SET expires_at = now() - interval '1 second'");
        CPPUNIT_ASSERT(!ingestor.renew(*lease));
    }

    // Found by FailoverTest: after a failover to an asynchronous standby the stored cursor was
    // older than the one the lease holder had read, under the same lease term; the holder went
    // on from its own, and the orders in between were never fetched again.
    void aCursorRolledBackUnderneathIsNeverWrittenOver()
    {
        StoreFixture store("ingest");
        Ingestor ingestor(store.database, "a", 30s);
        const auto lease = ingestor.acquire("orders");
        CPPUNIT_ASSERT_EQUAL(std::string(), ingestor.cursor("orders"));
        ingestor.ingest(*lease, batchOf({"o1"}, "c1"));
        const std::string before = "SELECT cursor || ' ' || version FROM source_cursors";
        const std::string atC1 = store.db.text(before);
        ingestor.ingest(*lease, batchOf({"o2"}, "c2"));
        // What the promoted standby holds: the state as of c1 (o2 never arrived there).
        store.db.execute("DELETE FROM inbox WHERE record_id = 'o2'; UPDATE source_cursors SET "
                         "cursor = 'c1', version = " +
                         atC1.substr(atC1.find(' ') + 1));
        CPPUNIT_ASSERT_THROW(ingestor.ingest(*lease, batchOf({"o3"}, "c3")), CursorMovedException);
        CPPUNIT_ASSERT_EQUAL(std::string("c1"), store.db.text("SELECT cursor FROM source_cursors"));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(0),
                             store.db.scalar("SELECT count(*) FROM inbox WHERE record_id = 'o3'"));
        // The next tick reads the cursor again and goes on from there.
        CPPUNIT_ASSERT_EQUAL(std::string("c1"), ingestor.cursor("orders"));
        ingestor.ingest(*lease, batchOf({"o2", "o3"}, "c3"));
        CPPUNIT_ASSERT_EQUAL(std::string("c3"), store.db.text("SELECT cursor FROM source_cursors"));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(3), store.db.scalar("SELECT count(*) FROM inbox"));
        // An operator who sets the cursor is obeyed the same way.
        store.db.execute("UPDATE source_cursors SET cursor = 'c0', version = version + 1");
        CPPUNIT_ASSERT_THROW(ingestor.ingest(*lease, batchOf({"o4"}, "c4")), CursorMovedException);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(IngestorTest);
