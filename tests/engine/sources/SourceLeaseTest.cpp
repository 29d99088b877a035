#include "sources/SourceLease.h"

#include "LogCapture.h"
#include "MemoryPollStore.h"

#include <cppunit/extensions/HelperMacros.h>

using namespace courierd;
using courierd::test::LogCapture;
using courierd::test::MemoryPollStore;

// SourceLease on a store in memory: the lease protocol, and the cursor it keeps per term.
class SourceLeaseTest : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(SourceLeaseTest);
    CPPUNIT_TEST(whileAnotherInstanceHoldsItNoLeaseIsHeld);
    CPPUNIT_TEST(theCursorIsReadOncePerTerm);
    CPPUNIT_TEST(aCursorWhoseStoreIsUnknownOrForgottenIsReadAgain);
    CPPUNIT_TEST(theKeeperSeesItOnlyWhilePolling);
    CPPUNIT_TEST(releaseGivesItUpAndLogsWhenTheStoreRefuses);
    CPPUNIT_TEST_SUITE_END();

public:
    void whileAnotherInstanceHoldsItNoLeaseIsHeld()
    {
        LogCapture lines("test.sourcelease");
        MemoryPollStore store;
        SourceLease lease(store, "orders", lines.logger());
        store.heldBy("orders", "vm:8082");
        CPPUNIT_ASSERT(!lease.take());
        CPPUNIT_ASSERT(!lease.held());
        CPPUNIT_ASSERT_EQUAL(std::string("vm:8082"), lease.holder()->first);
        store.heldBy("orders", ""); // it expired
        CPPUNIT_ASSERT(lease.take());
        CPPUNIT_ASSERT_EQUAL(std::string("this:1"), lease.held()->holder);
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(3), lease.held()->term);
        lease.lost();
        CPPUNIT_ASSERT(!lease.held());
    }

    void theCursorIsReadOncePerTerm()
    {
        LogCapture lines("test.sourcelease");
        MemoryPollStore store;
        store.setCursor("orders", "c0");
        SourceLease lease(store, "orders", lines.logger());
        CPPUNIT_ASSERT(lease.take());
        CPPUNIT_ASSERT_EQUAL(std::string("c0"), lease.cursor());
        lease.storing();
        lease.stored("c1");
        CPPUNIT_ASSERT_EQUAL(std::string("c1"), lease.cursor());
        CPPUNIT_ASSERT(lease.take()); // renewed: the same term
        CPPUNIT_ASSERT_EQUAL(std::string("c1"), lease.cursor());
        CPPUNIT_ASSERT_EQUAL(1, store.calls("cursor"));
        store.heldBy("orders", ""); // lost and taken again: a new term
        CPPUNIT_ASSERT(lease.take());
        CPPUNIT_ASSERT_EQUAL(std::string("c0"), lease.cursor());
        CPPUNIT_ASSERT_EQUAL(2, store.calls("cursor"));
    }

    void aCursorWhoseStoreIsUnknownOrForgottenIsReadAgain()
    {
        LogCapture lines("test.sourcelease");
        MemoryPollStore store;
        SourceLease lease(store, "orders", lines.logger());
        CPPUNIT_ASSERT(lease.take());
        lease.cursor();
        lease.storing(); // the ingest failed: did it store?
        lease.cursor();
        CPPUNIT_ASSERT_EQUAL(2, store.calls("cursor"));
        lease.forgetCursor(); // resumed: an operator may have set it
        lease.cursor();
        CPPUNIT_ASSERT_EQUAL(3, store.calls("cursor"));
        store.fail("cursor", "connection refused");
        lease.forgetCursor();
        CPPUNIT_ASSERT_THROW(lease.cursor(), StoreException);
        lease.cursor(); // still unknown after a failed read
        CPPUNIT_ASSERT_EQUAL(5, store.calls("cursor"));
    }

    void theKeeperSeesItOnlyWhilePolling()
    {
        LogCapture lines("test.sourcelease");
        MemoryPollStore store;
        SourceLease lease(store, "orders", lines.logger());
        CPPUNIT_ASSERT(lease.take());
        CPPUNIT_ASSERT(!lease.polling());
        {
            const SourceLease::Polling polling(lease);
            CPPUNIT_ASSERT_EQUAL(lease.held()->term, lease.polling()->term);
        }
        CPPUNIT_ASSERT(!lease.polling());
    }

    void releaseGivesItUpAndLogsWhenTheStoreRefuses()
    {
        LogCapture lines("test.sourcelease");
        MemoryPollStore store;
        SourceLease lease(store, "orders", lines.logger());
        lease.release(); // none held: nothing to do
        CPPUNIT_ASSERT_EQUAL(0, store.calls("release"));
        CPPUNIT_ASSERT(lease.take());
        lease.release();
        CPPUNIT_ASSERT(!lease.held());
        CPPUNIT_ASSERT_EQUAL(std::string(), store.lease("orders")->holder);
        CPPUNIT_ASSERT(lease.take());
        store.fail("release", "connection refused");
        lease.release();
        CPPUNIT_ASSERT(!lease.held());
        CPPUNIT_ASSERT_EQUAL(
            1, lines.count("source orders: could not give the lease up: Store error: connection "
                           "refused"));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SourceLeaseTest);
