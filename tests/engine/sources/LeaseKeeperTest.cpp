#include "sources/LeaseKeeper.h"

#include "LogCapture.h"
#include "MemoryPollStore.h"
#include "Wait.h"

#include <Poco/ThreadPool.h>
#include <cppunit/extensions/HelperMacros.h>

#include <mutex>
#include <vector>

using namespace courierd;
using courierd::test::LogCapture;
using courierd::test::MemoryPollStore;
using courierd::test::waitFor;

// LeaseKeeper on a store in memory: what a round renews and logs, and its timer.
class LeaseKeeperTest : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(LeaseKeeperTest);
    CPPUNIT_TEST(aRoundRenewsEveryLeaseOfAPollInProgress);
    CPPUNIT_TEST(aGoneTermAndAStoreErrorAreLogged);
    CPPUNIT_TEST(itRenewsEveryThirdOfTheTtl);
    CPPUNIT_TEST_SUITE_END();

public:
    void aRoundRenewsEveryLeaseOfAPollInProgress()
    {
        LogCapture lines("test.leasekeeper");
        MemoryPollStore store;
        std::vector<Lease> polling{*store.acquire("orders"), *store.acquire("shop")};
        LeaseKeeper keeper(
            store, [&polling] { return polling; }, lines.logger());
        keeper.renewAll();
        CPPUNIT_ASSERT_EQUAL(2, store.calls("renew"));
        polling.clear();
        keeper.renewAll();
        CPPUNIT_ASSERT_EQUAL(2, store.calls("renew"));
        CPPUNIT_ASSERT(lines.lines().empty());
    }

    void aGoneTermAndAStoreErrorAreLogged()
    {
        LogCapture lines("test.leasekeeper");
        MemoryPollStore store;
        const std::vector<Lease> polling{*store.acquire("orders"), *store.acquire("shop")};
        store.heldBy("orders", "vm:8082");
        store.fail("renew", "connection refused", 2);
        LeaseKeeper keeper(
            store, [&polling] { return polling; }, lines.logger());
        keeper.renewAll(); // both refused by the store
        keeper.renewAll(); // orders's term is gone; shop's is renewed
        CPPUNIT_ASSERT_EQUAL(2, lines.count("could not renew the lease: Store error: connection "
                                            "refused"));
        CPPUNIT_ASSERT_EQUAL(1, lines.count("source orders: lease term 1 expired while polling; "
                                            "the poll will store nothing and step down"));
        CPPUNIT_ASSERT_EQUAL(3, static_cast<int>(lines.lines().size()));
    }

    void itRenewsEveryThirdOfTheTtl()
    {
        LogCapture lines("test.leasekeeper");
        MemoryPollStore slow("this:1", Duration(30000));
        CPPUNIT_ASSERT_EQUAL(Duration(10000), LeaseKeeper(slow, {}, lines.logger()).period());
        MemoryPollStore store("this:1", Duration(30));
        const std::vector<Lease> polling{*store.acquire("orders")};
        LeaseKeeper keeper(
            store, [&polling] { return polling; }, lines.logger());
        CPPUNIT_ASSERT_EQUAL(Duration(10), keeper.period());
        Poco::ThreadPool threads(1, 1);
        keeper.start(threads);
        CPPUNIT_ASSERT(waitFor([&] { return store.calls("renew") >= 3; }));
        keeper.stop();
        const int renewed = store.calls("renew");
        Poco::Thread::sleep(50); // stop() waited for the round in progress: no more come
        CPPUNIT_ASSERT_EQUAL(renewed, store.calls("renew"));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(LeaseKeeperTest);
