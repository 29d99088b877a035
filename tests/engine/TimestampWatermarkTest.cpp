#include "courierd/TimestampWatermark.h"

#include <Poco/Exception.h>
#include <cppunit/extensions/HelperMacros.h>

using courierd::TimestampWatermark;

namespace
{

Poco::Timestamp at(long seconds)
{
    return Poco::Timestamp::fromEpochTime(1'790'000'000 + seconds);
}

const Poco::Timespan TEN_SECONDS(10, 0);

} // namespace

class TimestampWatermarkTest : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(TimestampWatermarkTest);
    CPPUNIT_TEST(startsAtStartFrom);
    CPPUNIT_TEST(fromIsWatermarkMinusLookback);
    CPPUNIT_TEST(boundarySecondIsReReadWithoutRepeats);
    CPPUNIT_TEST(ordersArrivingLaterInTheSameSecondAreNotLost);
    CPPUNIT_TEST(lateOrderInsideTheWindowIsAdmittedOnce);
    CPPUNIT_TEST(orderBehindTheWindowIsAlwaysAdmitted);
    CPPUNIT_TEST(watermarkNeverMovesBackwards);
    CPPUNIT_TEST(cursorKeepsOnlyTheWindow);
    CPPUNIT_TEST(foreignCursorIsRefused);
    CPPUNIT_TEST(anIdThatIsNotTextNeverBreaksTheCursor);
    CPPUNIT_TEST(cursorGroupsIdsByTimeAndReadsTheFirstFormat);
    CPPUNIT_TEST_SUITE_END();

public:
    void startsAtStartFrom()
    {
        TimestampWatermark mark(TEN_SECONDS, at(0));
        mark.restore("");
        CPPUNIT_ASSERT(mark.from() == at(0));
        CPPUNIT_ASSERT(mark.watermark() == at(0));
    }

    void fromIsWatermarkMinusLookback()
    {
        TimestampWatermark mark(TEN_SECONDS, at(0));
        CPPUNIT_ASSERT(mark.admit("a", at(100)));
        CPPUNIT_ASSERT(mark.from() == at(90));
        TimestampWatermark early(TEN_SECONDS, at(0));
        CPPUNIT_ASSERT(early.admit("a", at(3)));
        CPPUNIT_ASSERT(early.from() == at(0));
    }

    void boundarySecondIsReReadWithoutRepeats()
    {
        TimestampWatermark mark(Poco::Timespan(0, 0), at(0));
        // An unordered answer: twenty orders in one second, ids random.
        for (const char* id : {"f3", "0a", "9c", "77"})
            CPPUNIT_ASSERT(mark.admit(id, at(50)));
        TimestampWatermark next(Poco::Timespan(0, 0), at(0));
        next.restore(mark.cursor());
        CPPUNIT_ASSERT(next.from() == at(50)); // the boundary second is asked for again
        for (const char* id : {"77", "f3", "9c", "0a"})
            CPPUNIT_ASSERT_MESSAGE(id, !next.admit(id, at(50)));
    }

    void ordersArrivingLaterInTheSameSecondAreNotLost()
    {
        TimestampWatermark mark(Poco::Timespan(0, 0), at(0));
        mark.admit("zz", at(50));
        TimestampWatermark next(Poco::Timespan(0, 0), at(0));
        next.restore(mark.cursor());
        // "aa" sorts before "zz" and has the same second: a (created_at, id) cursor loses it.
        CPPUNIT_ASSERT(next.admit("aa", at(50)));
        CPPUNIT_ASSERT(!next.admit("zz", at(50)));
    }

    void lateOrderInsideTheWindowIsAdmittedOnce()
    {
        TimestampWatermark mark(TEN_SECONDS, at(0));
        mark.admit("new", at(100));
        TimestampWatermark next(TEN_SECONDS, at(0));
        next.restore(mark.cursor());
        CPPUNIT_ASSERT(next.admit("late", at(95)));
        CPPUNIT_ASSERT(next.watermark() == at(100));
        TimestampWatermark third(TEN_SECONDS, at(0));
        third.restore(next.cursor());
        CPPUNIT_ASSERT(!third.admit("late", at(95)));
    }

    void orderBehindTheWindowIsAlwaysAdmitted()
    {
        TimestampWatermark mark(TEN_SECONDS, at(0));
        mark.admit("new", at(1000));
        // A debug-seeded order 15 minutes in the past: passed on, the inbox deduplicates.
        CPPUNIT_ASSERT(mark.admit("seeded", at(100)));
        CPPUNIT_ASSERT(mark.admit("seeded", at(100)));
        CPPUNIT_ASSERT(mark.watermark() == at(1000));
    }

    void watermarkNeverMovesBackwards()
    {
        TimestampWatermark mark(TEN_SECONDS, at(0));
        mark.admit("b", at(200));
        mark.admit("a", at(195));
        CPPUNIT_ASSERT(mark.watermark() == at(200));
        TimestampWatermark restored(TEN_SECONDS, at(0));
        restored.restore(mark.cursor());
        CPPUNIT_ASSERT(restored.watermark() == at(200));
        // A later start_from than the stored watermark wins (the operator moved it on).
        TimestampWatermark moved(TEN_SECONDS, at(500));
        moved.restore(mark.cursor());
        CPPUNIT_ASSERT(moved.from() == at(500));
    }

    void cursorKeepsOnlyTheWindow()
    {
        TimestampWatermark mark(TEN_SECONDS, at(0));
        for (int second = 0; second < 100; ++second)
            mark.admit("o" + std::to_string(second), at(second));
        TimestampWatermark restored(TEN_SECONDS, at(0));
        restored.restore(mark.cursor());
        CPPUNIT_ASSERT_EQUAL(std::size_t(11), restored.remembered()); // seconds 89..99
        CPPUNIT_ASSERT(!restored.admit("o89", at(89)));
    }

    void foreignCursorIsRefused()
    {
        TimestampWatermark mark(TEN_SECONDS, at(0));
        CPPUNIT_ASSERT_THROW(mark.restore("2026-11-24T10:00:00Z"), Poco::SyntaxException);
        CPPUNIT_ASSERT_THROW(mark.restore("{\"v\":7}"), Poco::SyntaxException);
    }

    // Found by fuzzing (fuzz/watermark_fuzzer.cpp): an id of bytes that are not UTF-8 went into
    // the cursor as they were, and the cursor could never be restored (nor stored).
    void anIdThatIsNotTextNeverBreaksTheCursor()
    {
        TimestampWatermark mark(TEN_SECONDS, at(0));
        CPPUNIT_ASSERT(mark.admit("ok", at(5)));
        CPPUNIT_ASSERT(mark.admit("\xff\xfe", at(6)));
        CPPUNIT_ASSERT(mark.admit(std::string("a\0b", 3), at(6)));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), mark.remembered());
        CPPUNIT_ASSERT(mark.watermark() == at(5));
        const std::string cursor = mark.cursor();
        TimestampWatermark again(TEN_SECONDS, at(0));
        again.restore(cursor);
        CPPUNIT_ASSERT_EQUAL(cursor, again.cursor());
        CPPUNIT_ASSERT(!again.admit("ok", at(5))); // still remembered
    }

    void cursorGroupsIdsByTimeAndReadsTheFirstFormat()
    {
        TimestampWatermark mark(TEN_SECONDS, at(0));
        mark.admit("b", at(200));
        mark.admit("a", at(200));
        mark.admit("q\"uote", at(199));
        const std::string us199 = std::to_string(at(199).epochMicroseconds());
        const std::string us200 = std::to_string(at(200).epochMicroseconds());
        CPPUNIT_ASSERT_EQUAL(
            "{\"watermark\":\"2026-09-21T14:16:40Z\",\"v\":2,\"watermark_us\":" + us200 +
                ",\"seen\":{\"" + us199 + "\":[\"q\\\"uote\"],\"" + us200 + "\":[\"a\",\"b\"]}}",
            mark.cursor());
        // Cursors stored by the first version ({"id": µs}) still restore.
        TimestampWatermark old(TEN_SECONDS, at(0));
        old.restore("{\"watermark\":\"x\",\"v\":1,\"watermark_us\":" + us200 +
                    ",\"seen\":{\"a\":" + us200 + ",\"z\":" + us199 + "}}");
        CPPUNIT_ASSERT(old.watermark() == at(200));
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), old.remembered());
        CPPUNIT_ASSERT(!old.admit("z", at(199)));
        CPPUNIT_ASSERT(old.admit("b", at(200)));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(TimestampWatermarkTest);
