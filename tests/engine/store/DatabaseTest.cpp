#include "store/Database.h"

#include "TestDatabase.h"
#include "Wait.h"
#include "util/Exceptions.h"

#include <cppunit/extensions/HelperMacros.h>

#include <algorithm>
#include <thread>

using namespace courierd;
using courierd::test::TestDatabase;
using courierd::test::waitFor;
using namespace Poco::Data::Keywords;

class DatabaseTest : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(DatabaseTest);
    CPPUNIT_TEST(idleSessionsTheServerClosedAreNeverHandedOut);
    CPPUNIT_TEST(aPoolerInTransactionModeIsNamedWhateverTheErrorsShape);
    CPPUNIT_TEST(reservedSessionsServeTheMarkedThreadsAlone);
    CPPUNIT_TEST_SUITE_END();

public:
    // Issue 20, point 2: the admin endpoint's components are the engine's own, and its threads
    // still never wait behind the workers' sessions, nor take them.
    void reservedSessionsServeTheMarkedThreadsAlone()
    {
        TestDatabase db("database");
        StoreConfig config = db.store(1);
        config.connectTimeout = std::chrono::milliseconds(300);
        Database database(config, 1);
        const auto backend = [](Poco::Data::Session& session)
        {
            int pid = 0;
            session << "SELECT pg_backend_pid()", into(pid), now;
            return pid;
        };
        auto engine = database.session(); // the only one of the main pool
        const int enginePid = backend(engine);
        CPPUNIT_ASSERT_THROW(database.session(), StoreException); // the main pool is spent

        int adminPid = 0;
        std::string adminError, secondError;
        std::thread admin(
            [&]
            {
                database.reserveThisThread();
                try
                {
                    auto session = database.session();
                    adminPid = backend(session);
                    // The reserved session is the marked thread's; a second one waits for it.
                    try
                    {
                        database.session();
                    }
                    catch (const StoreException& e)
                    {
                        secondError = e.message();
                    }
                }
                catch (const Poco::Exception& e)
                {
                    adminError = e.displayText();
                }
            });
        admin.join();
        CPPUNIT_ASSERT_EQUAL_MESSAGE(adminError, std::string(), adminError);
        CPPUNIT_ASSERT(adminPid != 0 && adminPid != enginePid);
        CPPUNIT_ASSERT_MESSAGE(secondError,
                               secondError.find("no free database session") != std::string::npos);
        // Both pools are counted; this thread still takes none of the reserved ones.
        const auto use = database.poolUse();
        CPPUNIT_ASSERT_EQUAL(1, use.inUse);
        CPPUNIT_ASSERT_EQUAL(1, use.idle);
        CPPUNIT_ASSERT_THROW(database.session(), StoreException);
    }

    // Found by repeating PgBouncerTransactionMode under AddressSanitizer: whether PgBouncer
    // hands a statement's describe or its execution to another server connection is chance,
    // and the describe's error carries no SQLSTATE, so the advice showed in some runs only.
    void aPoolerInTransactionModeIsNamedWhateverTheErrorsShape()
    {
        TestDatabase db("database");
        Database database(db.store(1));
        for (const std::string& error :
             {std::string("[PostgreSQL]: postgresql_stmt_execute error: ERROR:  prepared "
                          "statement \"p01\" does not exist [State: 26000]"),
              std::string("[PostgreSQL]: postgresql_stmt_describe error: ERROR:  prepared "
                          "statement \"p01e1ebdcpee1dp11f1p909fp02fc00000001\" does not exist\n "
                          "SELECT status, count(*) FROM couriers GROUP BY status")})
            CPPUNIT_ASSERT_MESSAGE(
                error, database.explain(error).find("run PgBouncer with pool_mode = session") !=
                           std::string::npos);
        CPPUNIT_ASSERT(
            database.explain("ERROR:  relation \"x\" does not exist").find("PgBouncer") ==
            std::string::npos);
    }

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
