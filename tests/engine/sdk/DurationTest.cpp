#include "courierd/Duration.h"

#include <cppunit/extensions/HelperMacros.h>

#include <limits>

using namespace courierd;
using namespace std::chrono_literals;

class DurationTest : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(DurationTest);
    CPPUNIT_TEST(parsesEachUnit);
    CPPUNIT_TEST(parsesCompoundDurations);
    CPPUNIT_TEST(refusesMalformedText);
    CPPUNIT_TEST(refusesOverflow);
    CPPUNIT_TEST(formatsWithLargestExactUnits);
    CPPUNIT_TEST_SUITE_END();

public:
    void parsesEachUnit()
    {
        CPPUNIT_ASSERT(parseDuration("250ms") == 250ms);
        CPPUNIT_ASSERT(parseDuration("5s") == 5s);
        CPPUNIT_ASSERT(parseDuration("10m") == 10min);
        CPPUNIT_ASSERT(parseDuration("1h") == 1h);
        CPPUNIT_ASSERT(parseDuration("0s") == 0ms);
    }

    void parsesCompoundDurations()
    {
        CPPUNIT_ASSERT(parseDuration("1h30m") == 90min);
        CPPUNIT_ASSERT(parseDuration("1m30s500ms") == 90500ms);
    }

    void refusesMalformedText()
    {
        for (const char* text : {"", "5", "s", "5x", "-5s", "+5s", "1.5s", " 5s", "5s ", "5 s",
                                 "5S", "5sec", "ms", "5mss"})
            CPPUNIT_ASSERT_MESSAGE(std::string("accepted '") + text + "'",
                                   !parseDuration(text).has_value());
    }

    void refusesOverflow()
    {
        CPPUNIT_ASSERT(!parseDuration("99999999999999999999ms").has_value());
        CPPUNIT_ASSERT(!parseDuration("9999999999999999h").has_value());
    }

    void formatsWithLargestExactUnits()
    {
        CPPUNIT_ASSERT_EQUAL(std::string("0s"), formatDuration(0ms));
        CPPUNIT_ASSERT_EQUAL(std::string("250ms"), formatDuration(250ms));
        CPPUNIT_ASSERT_EQUAL(std::string("1m30s"), formatDuration(90s));
        CPPUNIT_ASSERT_EQUAL(std::string("1h"), formatDuration(60min));
        CPPUNIT_ASSERT(parseDuration(formatDuration(3723004ms)) == 3723004ms);
        CPPUNIT_ASSERT_EQUAL(std::string("-1m30s"), formatDuration(-90s));
        // The most negative value has no positive twin: negating it was undefined behaviour.
        CPPUNIT_ASSERT_EQUAL(std::string("-2562047788015h12m55s808ms"),
                             formatDuration(Duration(std::numeric_limits<std::int64_t>::min())));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(DurationTest);
