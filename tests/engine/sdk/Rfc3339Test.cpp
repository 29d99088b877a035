#include "courierd/Rfc3339.h"

#include "courierd/Utf8.h"

#include <cppunit/extensions/HelperMacros.h>

using namespace courierd;

namespace
{

std::string reformatted(const std::string& text)
{
    const auto time = parseRfc3339(text);
    return time ? formatRfc3339(*time) : "refused";
}

} // namespace

// The SDK's text helpers for outside input: RFC3339 times and UTF-8 text.
class Rfc3339Test : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(Rfc3339Test);
    CPPUNIT_TEST(parsesTheContractsShapes);
    CPPUNIT_TEST(refusesOtherShapes);
    CPPUNIT_TEST(refusesOffsetsAndFieldsOutOfRange);
    CPPUNIT_TEST(refusesTimesThatLeaveTheFourDigitYears);
    CPPUNIT_TEST(findsAndEscapesUnstorableBytes);
    CPPUNIT_TEST(clipsForLogs);
    CPPUNIT_TEST(readsAndWritesEpochSecondsAndMilliseconds);
    CPPUNIT_TEST_SUITE_END();

public:
    void parsesTheContractsShapes()
    {
        CPPUNIT_ASSERT_EQUAL(std::string("2026-11-24T10:15:30Z"),
                             reformatted("2026-11-24T10:15:30Z"));
        CPPUNIT_ASSERT_EQUAL(std::string("2026-11-24T07:15:30Z"),
                             reformatted("2026-11-24T10:15:30+03:00"));
        CPPUNIT_ASSERT_EQUAL(std::string("2026-11-24T10:15:30Z"),
                             reformatted("2026-11-24t10:15:30.123456789z"));
        const auto fine = parseRfc3339("2025-09-01T12:04:05.696Z");
        CPPUNIT_ASSERT(fine.has_value());
        CPPUNIT_ASSERT_EQUAL(Poco::Timestamp::TimeVal(696000), fine->epochMicroseconds() % 1000000);
        CPPUNIT_ASSERT_EQUAL(std::string("9999-12-31T23:59:59Z"),
                             reformatted("9999-12-31T23:59:59Z"));
    }

    void refusesOtherShapes()
    {
        for (const char* text :
             {"", "2026-11-24", "2026-11-24T10:15:30", "2026-11-24 10:15:30Z",
              "2026-11-24T10:15:30 03:00", "2026-11-24T10:15:30.Z",
              "2026-11-24T10:15:30.1234567890Z", "2026-11-24T10:15:30Zjunk", "2026-11-24T10:15Z",
              "+2026-11-24T10:15:30Z", "２026-11-24T10:15:30Z"})
            CPPUNIT_ASSERT_EQUAL_MESSAGE(text, std::string("refused"), reformatted(text));
    }

    void refusesOffsetsAndFieldsOutOfRange()
    {
        for (const char* text :
             {"2026-11-24T10:15:30+99:99", "2026-11-24T10:15:30+24:00", "2026-11-24T10:15:30-00:60",
              "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-11-24T25:00:00Z",
              "2026-11-24T10:61:00Z", "0000-01-01T00:00:00Z"})
            CPPUNIT_ASSERT_EQUAL_MESSAGE(text, std::string("refused"), reformatted(text));
    }

    // 9999-12-31T23:59:59-23:59 is 10000-01-01T23:58:59Z in UTC, which RFC3339 cannot write.
    void refusesTimesThatLeaveTheFourDigitYears()
    {
        CPPUNIT_ASSERT_EQUAL(std::string("refused"), reformatted("9999-12-31T23:59:59-23:59"));
        CPPUNIT_ASSERT_EQUAL(std::string("refused"), reformatted("0001-01-01T00:00:00+00:01"));
        CPPUNIT_ASSERT_EQUAL(std::string("0001-01-01T00:00:00Z"),
                             reformatted("0001-01-01T00:01:00+00:01"));
        // Found by fuzz/rfc3339_fuzzer: times before 1970 that are not whole days were written
        // with negative fields (0025-09-01T-11:-54:-26Z).
        CPPUNIT_ASSERT_EQUAL(std::string("0025-09-01T12:05:34Z"),
                             reformatted("0025-09-01T12:05:34z"));
        CPPUNIT_ASSERT_EQUAL(std::string("1969-12-31T23:59:59Z"),
                             reformatted("1969-12-31T23:59:59.5Z"));
    }

    void findsAndEscapesUnstorableBytes()
    {
        CPPUNIT_ASSERT(!firstUnstorableByte("Иван Иванов 😀").has_value());
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), *firstUnstorableByte("ab\xff"));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), *firstUnstorableByte(std::string("a\0b", 3)));
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), *firstUnstorableByte("\xc0\xaf"));     // overlong '/'
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), *firstUnstorableByte("\xed\xa0\x80")); // surrogate
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), *firstUnstorableByte("a\xd0"));        // cut short
        CPPUNIT_ASSERT_EQUAL(std::size_t(0),
                             *firstUnstorableByte("\xf4\x90\x80\x80")); // > U+10FFFF
        CPPUNIT_ASSERT_EQUAL(std::string("\\xFF\\xFEИ\\x00\\xD0"),
                             escapeUnstorable(std::string("\xff\xfeИ\0\xd0", 6)));
        CPPUNIT_ASSERT(!firstUnstorableByte(escapeUnstorable("\xc3\x28\xa0\xa1")).has_value());
    }

    void clipsForLogs()
    {
        CPPUNIT_ASSERT_EQUAL(std::string("short"), clipped("short", 10));
        CPPUNIT_ASSERT_EQUAL(std::string("aa…(10240 bytes)"), clipped(std::string(10240, 'a'), 2));
        // Never cut inside a character, and never longer than asked.
        CPPUNIT_ASSERT_EQUAL(std::string("И…(4 bytes)"), clipped("ИИ", 3));
        CPPUNIT_ASSERT_EQUAL(std::string("\\x00…(2 bytes)"), clipped(std::string("\0\0", 2), 5));
        // A value never starts a log line of its own nor steers a terminal (issue 19, defect 4:
        // an order id of "x\n2026-…Z E courierd: FORGED" wrote a forged line).
        CPPUNIT_ASSERT_EQUAL(std::string("x\\n2026-12-02T00:00:00Z E courierd: FORGED"),
                             clipped("x\n2026-12-02T00:00:00Z E courierd: FORGED"));
        CPPUNIT_ASSERT_EQUAL(std::string("a\\r\\t\\x1b[31m\\x7f\\u009bb"),
                             clipped("a\r\t\x1b[31m\x7f\xc2\x9b"
                                     "b"));
        CPPUNIT_ASSERT_EQUAL(std::string("\\x1b…(3 bytes)"), clipped("\x1b\x1b\x1b", 5));
        CPPUNIT_ASSERT_EQUAL(std::string("é"), clipped("é")); // U+00E9 is no control
    }

    void readsAndWritesEpochSecondsAndMilliseconds()
    {
        using courierd::TimeFormat;
        const Poco::Timestamp at = *courierd::parseRfc3339("2026-12-04T10:00:00Z");
        const auto parse = [](const std::string& text, TimeFormat format)
        { return courierd::parseTime(text, format); };
        CPPUNIT_ASSERT(at == *parse("1796378400", TimeFormat::EpochSeconds));
        CPPUNIT_ASSERT(at + 250000 == *parse("1796378400.25", TimeFormat::EpochSeconds));
        CPPUNIT_ASSERT(at + 250000 == *parse("1796378400250", TimeFormat::EpochMilliseconds));
        CPPUNIT_ASSERT(at == *parse("2026-12-04T10:00:00Z", TimeFormat::Rfc3339));
        CPPUNIT_ASSERT(Poco::Timestamp(0) == *parse("0", TimeFormat::EpochMilliseconds));
        CPPUNIT_ASSERT(parse("253402300799", TimeFormat::EpochSeconds).has_value());
        for (const char* bad : {"", "-1", "+1", "1e9", "1.", ".5", "1.2.3", "17963784OO", " 1",
                                "1 ", "0x10", "1.1234567", "253402300800", "99999999999999999999"})
            CPPUNIT_ASSERT_MESSAGE(bad, !parse(bad, TimeFormat::EpochSeconds));
        CPPUNIT_ASSERT(!parse("1796378400.5", TimeFormat::EpochMilliseconds));
        CPPUNIT_ASSERT(!parse("253402300800000", TimeFormat::EpochMilliseconds));
        CPPUNIT_ASSERT_EQUAL(std::string("1796378400"),
                             courierd::formatTime(at + 999000, TimeFormat::EpochSeconds));
        CPPUNIT_ASSERT_EQUAL(std::string("1796378400999"),
                             courierd::formatTime(at + 999000, TimeFormat::EpochMilliseconds));
        CPPUNIT_ASSERT_EQUAL(std::string("2026-12-04T10:00:00Z"),
                             courierd::formatTime(at, TimeFormat::Rfc3339));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(Rfc3339Test);
