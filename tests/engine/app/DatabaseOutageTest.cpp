#include "HttpCall.h"
#include "Installation.h"
#include "TestFiles.h"
#include "Wait.h"

#include <Poco/Environment.h>
#include <cppunit/extensions/HelperMacros.h>

#include <csignal>
#include <cstdlib>

using namespace courierd;
using namespace courierd::test;
using namespace std::chrono_literals;

namespace
{

// The throw-away cluster pg_virtualenv made (version PGVERSION, name "regress").
void cluster(const std::string& action)
{
    const std::string command = "pg_ctlcluster " + Poco::Environment::get("PGVERSION", "15") +
                                " regress " + action + " >/dev/null 2>&1";
    if (std::system(command.c_str()) != 0)
        throw Poco::RuntimeException("failed: " + command);
}

} // namespace

// Runs alone (RUN_SERIAL): it stops the cluster every other test uses.
class DatabaseOutageTest : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(DatabaseOutageTest);
    CPPUNIT_TEST(survivesFiveDatabaseCrashesUnderLoad);
    CPPUNIT_TEST(terminatedConnectionsLeaveNothingBusyOrLeaked);
    CPPUNIT_TEST_SUITE_END();

public:
    void survivesFiveDatabaseCrashesUnderLoad()
    {
        Installation site(1000);
        auto daemon = site.start();
        const unsigned short port = Installation::adminPort(*daemon);
        int orders = 0;
        for (int crash = 0; crash < 5; ++crash)
        {
            // Counted before the orders arrive: read after, it could already hold them all
            // (found under ThreadSanitizer: 60 assigned before the count, none after it).
            const auto before = site.count(DELIVERIES);
            for (int i = 0; i < 60; ++i, ++orders)
                site.fake.addOrder("created");
            if (!waitFor([&] { return site.count(DELIVERIES) > before; }))
            {
                const std::string out = daemon->output();
                CPPUNIT_FAIL("no delivery within 20 s after crash " + std::to_string(crash) +
                             "; the log's end:\n" +
                             out.substr(out.size() > 8000 ? out.size() - 8000 : 0));
            }

            cluster("stop -m immediate");
            CPPUNIT_ASSERT(waitFor([&] { return HttpCall::readyStatus(port) == 503; }));
            for (int i = 0; i < 20; ++i, ++orders)
                site.fake.addOrder("created"); // arrive while the database is down
            cluster("start");
            CPPUNIT_ASSERT(waitFor([&] { return HttpCall::readyStatus(port) == 200; }, 60s));
        }
        CPPUNIT_ASSERT_MESSAGE(daemon->output().substr(0, 4000), site.reaches(DELIVERIES, orders));
        CPPUNIT_ASSERT_MESSAGE("courierd exited", !daemon->waitForExit(0ms).has_value());
        daemon->signal(SIGTERM);
        CPPUNIT_ASSERT_EQUAL(0, daemon->waitForExit(30s).value_or(-1));

        CPPUNIT_ASSERT_EQUAL(Poco::Int64(orders),
                             site.count("SELECT count(DISTINCT order_id) FROM deliveries"));
        const auto violated = site.violatedAtRest();
        CPPUNIT_ASSERT_MESSAGE(joined(violated), violated.empty());
    }

    void terminatedConnectionsLeaveNothingBusyOrLeaked()
    {
        constexpr int ORDERS = 600;
        Installation site(ORDERS, "[pipeline]\nworkers = 4\n");
        for (int i = 0; i < ORDERS; ++i)
            site.fake.addOrder("created");
        auto daemon = site.start();
        const std::string terminate =
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '" +
            site.db().name() + "' AND pid <> pg_backend_pid()";
        // Kill every connection courierd has, again and again, while it assigns.
        int kills = 0;
        while (site.count(DELIVERIES) < ORDERS && kills < 200)
        {
            site.count(terminate);
            ++kills;
            Poco::Thread::sleep(20);
        }
        CPPUNIT_ASSERT_MESSAGE(daemon->output().substr(0, 4000), site.reaches(DELIVERIES, ORDERS));
        // No leak: courierd holds at most its pool (store.pool_size, 8 by default).
        CPPUNIT_ASSERT(site.count("SELECT count(*) FROM pg_stat_activity WHERE datname = '" +
                                  site.db().name() + "' AND pid <> pg_backend_pid()") <= 8);
        daemon->signal(SIGTERM);
        const int code = daemon->waitForExit(30s).value_or(-1);
        const std::string output = daemon->output();
        CPPUNIT_ASSERT_EQUAL_MESSAGE(output.substr(output.size() > 6000 ? output.size() - 6000 : 0),
                                     0, code);
        const auto violated = site.violatedAtRest();
        CPPUNIT_ASSERT_MESSAGE(joined(violated), violated.empty());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(DatabaseOutageTest);
