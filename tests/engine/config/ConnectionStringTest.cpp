#include "config/ConnectionString.h"

#include "util/Exceptions.h"

#include <cppunit/extensions/HelperMacros.h>

using namespace courierd;
using namespace std::chrono_literals;

class ConnectionStringTest : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(ConnectionStringTest);
    CPPUNIT_TEST(uriBecomesKeyValue);
    CPPUNIT_TEST(keyValueIsKept);
    CPPUNIT_TEST(emptyLeavesItToTheEnvironment);
    CPPUNIT_TEST(explicitConnectTimeoutWins);
    CPPUNIT_TEST(descriptionNeverHoldsThePassword);
    CPPUNIT_TEST(valueWithSpaceIsRefusedWithoutShowingIt);
    CPPUNIT_TEST(everyWhiteSpaceLibpqSplitsAtIsRefused);
    CPPUNIT_TEST(malformedUriErrorHidesItsTokens);
    CPPUNIT_TEST(redactReplacesThePassword);
    CPPUNIT_TEST(aPortOutsideTcpIsRefused);
    CPPUNIT_TEST_SUITE_END();

public:
    void uriBecomesKeyValue()
    {
        const auto target = ConnectionString::parse(
            "postgresql://courier:p%40ss@db.example:6543/orders?sslmode=disable", 5s);
        const std::string driver = target.forDriver();
        for (const char* part : {"host=db.example", "port=6543", "dbname=orders", "user=courier",
                                 "password=p@ss", "sslmode=disable", "connect_timeout=5"})
            CPPUNIT_ASSERT_MESSAGE(driver, driver.find(part) != std::string::npos);
        CPPUNIT_ASSERT(driver.find("  ") == std::string::npos);
    }

    void keyValueIsKept()
    {
        const auto target = ConnectionString::parse("host=h   dbname=d", 3s);
        CPPUNIT_ASSERT_EQUAL(std::string("connect_timeout=3 dbname=d host=h"), target.forDriver());
    }

    void emptyLeavesItToTheEnvironment()
    {
        CPPUNIT_ASSERT_EQUAL(std::string("connect_timeout=5"),
                             ConnectionString::parse("", 4500ms).forDriver());
    }

    void explicitConnectTimeoutWins()
    {
        CPPUNIT_ASSERT_EQUAL(std::string("connect_timeout=9 dbname=d"),
                             ConnectionString::parse("dbname=d connect_timeout=9", 5s).forDriver());
    }

    void descriptionNeverHoldsThePassword()
    {
        const auto target = ConnectionString::parse("postgresql://u:topsecret@h:1/d", 5s);
        const std::string description = target.description();
        CPPUNIT_ASSERT_EQUAL(std::string("host=h port=1 dbname=d user=u"), description);
        CPPUNIT_ASSERT(description.find("topsecret") == std::string::npos);
    }

    void valueWithSpaceIsRefusedWithoutShowingIt()
    {
        try
        {
            ConnectionString::parse("postgresql://u:top%20secret@h/d", 5s);
            CPPUNIT_FAIL("no exception");
        }
        catch (const ConfigException& e)
        {
            CPPUNIT_ASSERT(e.message().find("'password'") != std::string::npos);
            CPPUNIT_ASSERT(e.message().find("top") == std::string::npos);
        }
    }

    // Found by fuzzing (fuzz/connection_string_fuzzer.cpp): a form feed passed, and libpq split
    // the driver string there, so "h%0Csslmode=disable" would have set another key.
    void everyWhiteSpaceLibpqSplitsAtIsRefused()
    {
        for (const char* space : {"%09", "%0A", "%0B", "%0C", "%0D"})
            CPPUNIT_ASSERT_THROW_MESSAGE(space,
                                         ConnectionString::parse(std::string("postgresql://u@h") +
                                                                     space + "sslmode=disable/d",
                                                                 5s),
                                         ConfigException);
    }

    void malformedUriErrorHidesItsTokens()
    {
        try
        {
            ConnectionString::parse("postgresql://u:sec%zzret@h/d", 5s);
            CPPUNIT_FAIL("no exception");
        }
        catch (const ConfigException& e)
        {
            CPPUNIT_ASSERT(e.message().find("store.url") != std::string::npos);
            CPPUNIT_ASSERT_MESSAGE(e.message(), e.message().find("sec") == std::string::npos);
        }
    }

    void redactReplacesThePassword()
    {
        const auto target = ConnectionString::parse("password=hunter2 host=h", 5s);
        CPPUNIT_ASSERT_EQUAL(std::string("failed: password=***** host=h"),
                             target.redact("failed: password=hunter2 host=h"));
    }

    // Found by hostile testing: a store port of 99999 passed --check-config.
    void aPortOutsideTcpIsRefused()
    {
        for (const std::string url :
             {"postgresql://u@h:99999/db", "host=a,b port=5432,70000", "port=0", "port=54x"})
            CPPUNIT_ASSERT_THROW_MESSAGE(url, ConnectionString::parse(url, 5s), ConfigException);
        CPPUNIT_ASSERT_NO_THROW(ConnectionString::parse("host=a,b port=5432,5433", 5s));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ConnectionStringTest);
