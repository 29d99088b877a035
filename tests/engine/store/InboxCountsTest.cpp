#include "store/InboxCounts.h"

#include "Invariants.h"
#include "StoreFixture.h"

#include <cppunit/extensions/HelperMacros.h>

#include <thread>

using namespace courierd;
using courierd::test::StoreFixture;

class InboxCountsTest : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(InboxCountsTest);
    CPPUNIT_TEST(followEveryInsertUpdateAndDelete);
    CPPUNIT_TEST(foldingKeepsTheCountsBesideConcurrentWriters);
    CPPUNIT_TEST_SUITE_END();

public:
    void followEveryInsertUpdateAndDelete()
    {
        StoreFixture store("counts");
        store.db.execute("INSERT INTO inbox (source, record_id, payload) SELECT 'a', 'r' || g, "
                         "'{}' FROM generate_series(1, 10) g;"
                         "INSERT INTO inbox (source, record_id, payload, state) VALUES "
                         "('b', 'x', '{}', 'rejected');"
                         "UPDATE inbox SET state = 'assigned' WHERE record_id IN ('r1', 'r2');"
                         "UPDATE inbox SET attempts = attempts + 1;" // no state change
                         "DELETE FROM inbox WHERE record_id = 'r3'");
        auto session = store.database.session();
        const auto counts = InboxCounts::read(session);
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(7), counts.at("a").at("pending"));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(2), counts.at("a").at("assigned"));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(1), counts.at("b").at("rejected"));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), counts.at("b").size());
        InboxCounts::fold(session);
        CPPUNIT_ASSERT(counts == InboxCounts::read(session));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(3), store.db.scalar("SELECT count(*) FROM inbox_counts"));
    }

    void foldingKeepsTheCountsBesideConcurrentWriters()
    {
        StoreFixture store("counts");
        std::atomic<bool> done{false};
        std::thread writer(
            [&]
            {
                for (int i = 0; i < 300; ++i)
                    store.db.execute("INSERT INTO inbox (source, record_id, payload) VALUES "
                                     "('a', 'w" +
                                     std::to_string(i) +
                                     "', '{}');"
                                     "UPDATE inbox SET state = 'assigned' WHERE record_id = 'w" +
                                     std::to_string(i / 2) + "'");
                done = true;
            });
        while (!done)
        {
            auto session = store.database.session();
            InboxCounts::fold(session);
        }
        writer.join();
        const auto violated = courierd::test::violatedInvariants(store.database);
        CPPUNIT_ASSERT_MESSAGE(violated.empty() ? "" : violated.front(), violated.empty());
        auto session = store.database.session();
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(300),
                             InboxCounts::read(session).at("a").at("pending") +
                                 InboxCounts::read(session).at("a").at("assigned"));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(InboxCountsTest);
