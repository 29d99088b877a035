#include "Installation.h"
#include "Wait.h"

#include <cppunit/extensions/HelperMacros.h>

#include <csignal>

using namespace courierd::test;
using namespace std::chrono_literals;

// Run by CTest behind PgBouncer 1.18 in transaction mode (tests/pgbouncer/with-pgbouncer), which
// cannot carry the statements POCO's PostgreSQL connector prepares (named, in one round trip,
// executed in the next: another server connection may get the second). courierd must then say
// what to configure instead, and must not lose or double-assign anything meanwhile.
class PgBouncerTransactionModeTest : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(PgBouncerTransactionModeTest);
    CPPUNIT_TEST(theLogSaysToUseSessionMode);
    CPPUNIT_TEST_SUITE_END();

public:
    void theLogSaysToUseSessionMode()
    {
        Installation site(50);
        for (int i = 0; i < 50; ++i)
            site.fake.addOrder("created");
        auto daemon = site.start();
        CPPUNIT_ASSERT_MESSAGE(daemon->output(),
                               daemon->waitForOutput("run PgBouncer with pool_mode = session"));
        daemon->signal(SIGTERM);
        daemon->waitForExit(30s);
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(0),
                             site.count("SELECT count(*) FROM (SELECT 1 FROM deliveries GROUP BY "
                                        "source, order_id HAVING count(*) > 1) twice"));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(0), site.count(HALF_DONE));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(PgBouncerTransactionModeTest);
