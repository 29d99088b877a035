#include "Installation.h"
#include "TestFiles.h"

#include <Poco/Thread.h>
#include <cppunit/extensions/HelperMacros.h>

#include <csignal>
#include <iostream>
#include <random>

using namespace courierd;
using namespace courierd::test;
using namespace std::chrono_literals;

class CrashRestartTest : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(CrashRestartTest);
    CPPUNIT_TEST(sigkillAtRandomMomentsLosesNothingAndAssignsNothingTwice);
    CPPUNIT_TEST_SUITE_END();

    static constexpr int KILLS = 20;
    static constexpr int ORDERS = 5000;

public:
    // 5,000 orders flow in while courierd is SIGKILLed 20 times at random moments (fetching,
    // ingesting, assigning) and restarted each time.
    void sigkillAtRandomMomentsLosesNothingAndAssignsNothingTwice()
    {
        // One instance id across restarts, as under systemd: a restart renews its own lease.
        Installation site(ORDERS, "[daemon]\ninstance_id = crash-test\n");
        std::mt19937 random(20261124);
        std::uniform_int_distribution<long> moment(20, 700);
        int interrupted = 0; // kills that left work unfinished
        for (int kill = 0; kill < KILLS; ++kill)
        {
            for (int i = 0; i < ORDERS / KILLS; ++i)
                site.fake.addOrder("created");
            auto daemon = site.start();
            // The scenario is a kill at a random moment, so this is a random delay on purpose.
            Poco::Thread::sleep(moment(random));
            daemon->signal(SIGKILL);
            CPPUNIT_ASSERT_EQUAL(128 + SIGKILL, daemon->waitForExit(10s).value_or(-1));
            CPPUNIT_ASSERT_EQUAL(Poco::Int64(0), site.count(HALF_DONE));
            const auto added = (kill + 1) * (ORDERS / KILLS);
            if (site.count(DELIVERIES) < added)
                ++interrupted;
        }
        const auto beforeLastRun = site.count(DELIVERIES);
        std::cout << "\nfigure: " << KILLS << " SIGKILLs, " << interrupted
                  << " of them with work unfinished; " << beforeLastRun << " of " << ORDERS
                  << " orders delivered before the last restart" << std::endl;
        auto daemon = site.start();
        CPPUNIT_ASSERT_MESSAGE(daemon->output().substr(0, 4000),
                               site.reaches(DELIVERIES, ORDERS, 180s));
        daemon->signal(SIGTERM);
        CPPUNIT_ASSERT_EQUAL(0, daemon->waitForExit(30s).value_or(-1));

        CPPUNIT_ASSERT_MESSAGE("no kill interrupted any work", interrupted > 0);
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(ORDERS),
                             site.count("SELECT count(DISTINCT order_id) FROM deliveries"));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(ORDERS),
                             site.count("SELECT count(*) FROM inbox WHERE state = 'assigned'"));
        const auto violated = site.violatedAtRest();
        CPPUNIT_ASSERT_MESSAGE(joined(violated), violated.empty());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(CrashRestartTest);
