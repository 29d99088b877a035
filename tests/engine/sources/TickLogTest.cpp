#include "sources/TickLog.h"

#include "FakeClock.h"
#include "LogCapture.h"

#include <cppunit/extensions/HelperMacros.h>

#include <string>
#include <vector>

using namespace courierd;
using namespace std::chrono_literals;
using courierd::test::FakeClock;
using courierd::test::LogCapture;

// TickLog on a fake clock: what a source's ticks write, and when they write nothing.
class TickLogTest : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(TickLogTest);
    CPPUNIT_TEST(aFailureIsLoggedOnceThenEveryFiveMinutesAndItsEndOnce);
    CPPUNIT_TEST(aNewMessageIsLoggedAtOnceAndCountsFromOneAgain);
    CPPUNIT_TEST(aStandbyIsLoggedWhenTheHolderChangesAndItsEndOnce);
    CPPUNIT_TEST_SUITE_END();

public:
    void aFailureIsLoggedOnceThenEveryFiveMinutesAndItsEndOnce()
    {
        FakeClock clock;
        LogCapture lines("test.ticklog");
        TickLog log("orders", lines.logger(), clock);
        log.polled("");
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), lines.lines().size());

        log.polled("503 from service-order", Poco::Message::PRIO_WARNING);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), lines.lines().size());
        CPPUNIT_ASSERT_EQUAL(std::string("source orders: tick failed: 503 from service-order (the "
                                         "same failure again is logged every 5m)"),
                             lines.lines()[0]);
        CPPUNIT_ASSERT_EQUAL(Poco::Message::PRIO_WARNING, lines.priorities()[0]);
        for (int i = 0; i < 99; ++i)
        {
            clock.advance(2s);
            log.polled("503 from service-order", Poco::Message::PRIO_WARNING);
        }
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), lines.lines().size());
        CPPUNIT_ASSERT_EQUAL(100, log.failures());

        clock.advance(std::chrono::seconds(5 * 60 - 198));
        log.polled("503 from service-order", Poco::Message::PRIO_WARNING);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), lines.lines().size());
        CPPUNIT_ASSERT_MESSAGE(lines.lines()[1],
                               lines.lines()[1].rfind("source orders: still failing, 101 tick(s) "
                                                      "since ",
                                                      0) == 0);

        log.polled("");
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), lines.lines().size());
        CPPUNIT_ASSERT_MESSAGE(lines.lines()[2],
                               lines.lines()[2].rfind("source orders: polled again after 101 "
                                                      "failed tick(s) since ",
                                                      0) == 0);
        CPPUNIT_ASSERT_EQUAL(0, log.failures());
        log.polled("");
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), lines.lines().size());
    }

    void aNewMessageIsLoggedAtOnceAndCountsFromOneAgain()
    {
        FakeClock clock;
        LogCapture lines("test.ticklog");
        TickLog log("orders", lines.logger(), clock);
        log.polled("timeout");
        log.polled("timeout");
        CPPUNIT_ASSERT_EQUAL(2, log.failures());
        log.polled("connection refused");
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), lines.lines().size());
        CPPUNIT_ASSERT_EQUAL(Poco::Message::PRIO_ERROR, lines.priorities()[1]);
        CPPUNIT_ASSERT(lines.lines()[1].find("tick failed: connection refused") !=
                       std::string::npos);
        CPPUNIT_ASSERT_EQUAL(1, log.failures());
    }

    void aStandbyIsLoggedWhenTheHolderChangesAndItsEndOnce()
    {
        FakeClock clock;
        LogCapture lines("test.ticklog");
        TickLog log("orders", lines.logger(), clock);
        const Poco::Timestamp until(Poco::Timestamp::TimeVal(1796206497) * 1000000);
        log.leaseTaken();
        log.standby(std::nullopt);
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), lines.lines().size());
        log.standby(std::make_pair(std::string("vm:8081"), until));
        log.standby(std::make_pair(std::string("vm:8081"), until + 10000000));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), lines.lines().size());
        CPPUNIT_ASSERT_EQUAL(std::string("source orders: standby: instance vm:8081 holds its lease "
                                         "(until 2026-12-02T10:14:57Z, renewed while it polls); "
                                         "this instance takes over if it lapses"),
                             lines.lines()[0]);
        log.standby(std::make_pair(std::string("vm:8082"), until));
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), lines.lines().size());
        log.leaseTaken();
        log.leaseTaken();
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), lines.lines().size());
        CPPUNIT_ASSERT_EQUAL(std::string("source orders: this instance polls it now (was vm:8082)"),
                             lines.lines()[2]);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(TickLogTest);
