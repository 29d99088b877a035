#include "store/Database.h"

#include "TestDatabase.h"
#include "Wait.h"

#include <cppunit/extensions/HelperMacros.h>

#include <algorithm>

using namespace courierd;
using courierd::test::TestDatabase;
using courierd::test::waitFor;
using namespace Poco::Data::Keywords;

class DatabaseTest : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(DatabaseTest);
    CPPUNIT_TEST(idleSessionsTheServerClosedAreNeverHandedOut);
    CPPUNIT_TEST_SUITE_END();

public:
    // Found when a scrape timer kept admin sessions idle: after pg_terminate_backend (as a
    // restart or a failover does), the next request failed with "server closed the connection
    // unexpectedly" on the dead session the pool handed out.
    void idleSessionsTheServerClosedAreNeverHandedOut()
    {
        TestDatabase db("database");
        Database database(db.store(3));
        std::vector<Poco::Data::Session> held;
        std::vector<int> pids;
        for (int i = 0; i < 3; ++i)
        {
            held.push_back(database.session());
            int pid = 0;
            held.back() << "SELECT pg_backend_pid()", into(pid), now;
            pids.push_back(pid);
        }
        held.clear(); // all three idle in the pool now
        db.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" +
                   db.name() + "' AND pid <> pg_backend_pid()");
        CPPUNIT_ASSERT(waitFor(
            [&]
            {
                return db.scalar("SELECT count(*) FROM pg_stat_activity WHERE datname = '" +
                                 db.name() + "' AND pid <> pg_backend_pid()") == 0;
            }));
        for (int i = 0; i < 3; ++i)
        {
            auto session = database.session();
            int pid = 0;
            session << "SELECT pg_backend_pid()", into(pid), now;
            CPPUNIT_ASSERT(std::find(pids.begin(), pids.end(), pid) == pids.end());
        }
        CPPUNIT_ASSERT_EQUAL(std::string(), database.ping());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(DatabaseTest);
