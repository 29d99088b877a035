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
    CPPUNIT_TEST(theWindowKeepsOnlyItsIds);
    CPPUNIT_TEST(foreignCursorIsRefused);
    CPPUNIT_TEST(anIdThatIsNotTextNeverBreaksTheCursor);
    CPPUNIT_TEST(aCursorIsTheWatermarkAndATag);
    CPPUNIT_TEST(aCursorStaysSmallWhateverTheWindow);
    CPPUNIT_TEST(aCursorNotWrittenLastStartsAnEmptyWindow);
    CPPUNIT_TEST(anotherInstancePassesTheWindowOnAgain);
    CPPUNIT_TEST(cursorsOfTheFirstTwoFormatsStillRestore);
    CPPUNIT_TEST(cursorAtStartsTheWindowThere);
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

    // As a plugin uses it: one instance, each cursor it wrote handed back by the engine.
    void boundarySecondIsReReadWithoutRepeats()
    {
        TimestampWatermark mark(Poco::Timespan(0, 0), at(0));
        // An unordered answer: twenty orders in one second, ids random.
        for (const char* id : {"f3", "0a", "9c", "77"})
            CPPUNIT_ASSERT(mark.admit(id, at(50)));
        mark.restore(mark.cursor());
        CPPUNIT_ASSERT(mark.from() == at(50)); // the boundary second is asked for again
        for (const char* id : {"77", "f3", "9c", "0a"})
            CPPUNIT_ASSERT_MESSAGE(id, !mark.admit(id, at(50)));
    }

    void ordersArrivingLaterInTheSameSecondAreNotLost()
    {
        TimestampWatermark mark(Poco::Timespan(0, 0), at(0));
        mark.admit("zz", at(50));
        mark.restore(mark.cursor());
        // "aa" sorts before "zz" and has the same second: a (created_at, id) cursor loses it.
        CPPUNIT_ASSERT(mark.admit("aa", at(50)));
        CPPUNIT_ASSERT(!mark.admit("zz", at(50)));
    }

    void lateOrderInsideTheWindowIsAdmittedOnce()
    {
        TimestampWatermark mark(TEN_SECONDS, at(0));
        mark.admit("new", at(100));
        mark.restore(mark.cursor());
        CPPUNIT_ASSERT(mark.admit("late", at(95)));
        CPPUNIT_ASSERT(mark.watermark() == at(100));
        mark.restore(mark.cursor());
        CPPUNIT_ASSERT(!mark.admit("late", at(95)));
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

    void theWindowKeepsOnlyItsIds()
    {
        TimestampWatermark mark(TEN_SECONDS, at(0));
        for (int second = 0; second < 100; ++second)
            mark.admit("o" + std::to_string(second), at(second));
        mark.restore(mark.cursor());
        CPPUNIT_ASSERT_EQUAL(std::size_t(11), mark.remembered()); // seconds 89..99
        CPPUNIT_ASSERT(!mark.admit("o89", at(89)));
    }

    void foreignCursorIsRefused()
    {
        TimestampWatermark mark(TEN_SECONDS, at(0));
        CPPUNIT_ASSERT_THROW(mark.restore("2026-11-24T10:00:00Z"), Poco::SyntaxException);
        CPPUNIT_ASSERT_THROW(mark.restore("{\"v\":7}"), Poco::SyntaxException);
        CPPUNIT_ASSERT_THROW(mark.restore("{\"v\":3}"), Poco::SyntaxException);
        // A hand-written tag that is not 16 hex digits is never copied into a cursor (a quote
        // in it would make a cursor that cannot be read back).
        mark.restore("{\"v\":3,\"watermark_us\":" + std::to_string(at(5).epochMicroseconds()) +
                     ",\"n\":\"a\\\"b\"}");
        const std::string cursor = mark.cursor();
        CPPUNIT_ASSERT_MESSAGE(cursor, cursor.find("a\"b") == std::string::npos);
        TimestampWatermark again(TEN_SECONDS, at(0));
        again.restore(cursor);
        CPPUNIT_ASSERT(again.watermark() == at(5));
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
        mark.restore(cursor);
        CPPUNIT_ASSERT(!mark.admit("ok", at(5))); // still remembered
    }

    void aCursorIsTheWatermarkAndATag()
    {
        TimestampWatermark mark(TEN_SECONDS, at(0));
        mark.admit("b", at(200));
        mark.admit("a", at(200));
        const std::string cursor = mark.cursor();
        const std::string prefix =
            "{\"watermark\":\"2026-09-21T14:16:40Z\",\"v\":3,\"watermark_us\":" +
            std::to_string(at(200).epochMicroseconds()) + ",\"n\":\"";
        CPPUNIT_ASSERT_EQUAL_MESSAGE(cursor, prefix, cursor.substr(0, prefix.size()));
        CPPUNIT_ASSERT_EQUAL(prefix.size() + 16 + 2, cursor.size());
        // Nothing admitted since: the same cursor, so a tick that brought nothing new writes
        // nothing new; an id admitted: another tag.
        CPPUNIT_ASSERT_EQUAL(cursor, mark.cursor());
        CPPUNIT_ASSERT(!mark.admit("a", at(200)));
        CPPUNIT_ASSERT_EQUAL(cursor, mark.cursor());
        mark.admit("c", at(199));
        CPPUNIT_ASSERT(cursor != mark.cursor());
    }

    // The repair issue: the cursor held every id of the window (about 4 MB at 100,000 orders)
    // and was rewritten on every tick.
    void aCursorStaysSmallWhateverTheWindow()
    {
        TimestampWatermark mark(Poco::Timespan(20 * 60, 0), at(0));
        for (int i = 0; i < 100'000; ++i)
            mark.admit("order-" + std::to_string(i), at(10'000 + i / 100));
        const std::string cursor = mark.cursor();
        CPPUNIT_ASSERT_EQUAL(std::size_t(100'000), mark.remembered());
        CPPUNIT_ASSERT_MESSAGE(cursor, cursor.size() < 1024);
        mark.restore(cursor);
        CPPUNIT_ASSERT(!mark.admit("order-5", at(10'000)));
    }

    // A cursor handed back that this instance did not write last: the store of the last one
    // failed (the engine hands the one before back), or ids were admitted after it.
    void aCursorNotWrittenLastStartsAnEmptyWindow()
    {
        TimestampWatermark mark(TEN_SECONDS, at(0));
        mark.admit("a", at(100));
        const std::string stored = mark.cursor();
        mark.admit("b", at(101));
        mark.cursor(); // never stored
        mark.restore(stored);
        CPPUNIT_ASSERT(mark.watermark() == at(100));
        CPPUNIT_ASSERT(mark.admit("b", at(101))); // passed on again: not lost
        CPPUNIT_ASSERT(mark.admit("a", at(100))); // the inbox recognises it

        // Admitted after the cursor was written, and the fetch failed before the next one.
        const std::string written = mark.cursor();
        mark.restore(written);
        CPPUNIT_ASSERT(mark.admit("x", at(102)));
        mark.restore(written);
        CPPUNIT_ASSERT(mark.admit("x", at(102)));
    }

    void anotherInstancePassesTheWindowOnAgain()
    {
        TimestampWatermark mark(TEN_SECONDS, at(0));
        mark.admit("a", at(100));
        TimestampWatermark other(TEN_SECONDS, at(0));
        other.restore(mark.cursor());
        CPPUNIT_ASSERT(other.from() == at(90));
        CPPUNIT_ASSERT(other.admit("a", at(100))); // the inbox recognises it
        CPPUNIT_ASSERT(!other.admit("a", at(100)));
    }

    void cursorsOfTheFirstTwoFormatsStillRestore()
    {
        const std::string us199 = std::to_string(at(199).epochMicroseconds());
        const std::string us200 = std::to_string(at(200).epochMicroseconds());
        // 2: ids grouped by time.
        TimestampWatermark two(TEN_SECONDS, at(0));
        two.restore("{\"watermark\":\"2026-09-21T14:16:40Z\",\"v\":2,\"watermark_us\":" + us200 +
                    ",\"seen\":{\"" + us199 + "\":[\"q\\\"uote\"],\"" + us200 +
                    "\":[\"a\",\"b\"]}}");
        CPPUNIT_ASSERT(two.watermark() == at(200));
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), two.remembered());
        CPPUNIT_ASSERT(!two.admit("q\"uote", at(199)));
        CPPUNIT_ASSERT(two.admit("c", at(200)));
        // Written back in the new format.
        CPPUNIT_ASSERT(two.cursor().find("\"v\":3") != std::string::npos);
        // 1: {"id": µs}.
        TimestampWatermark old(TEN_SECONDS, at(0));
        old.restore("{\"watermark\":\"x\",\"v\":1,\"watermark_us\":" + us200 +
                    ",\"seen\":{\"a\":" + us200 + ",\"z\":" + us199 + "}}");
        CPPUNIT_ASSERT(old.watermark() == at(200));
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), old.remembered());
        CPPUNIT_ASSERT(!old.admit("z", at(199)));
        CPPUNIT_ASSERT(old.admit("b", at(200)));
    }

    void cursorAtStartsTheWindowThere()
    {
        TimestampWatermark mark(TEN_SECONDS, at(100));
        TimestampWatermark moved(TEN_SECONDS, at(100));
        moved.restore(mark.cursorAt(at(500)));
        CPPUNIT_ASSERT(moved.from() == at(500));
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), moved.remembered());
        CPPUNIT_ASSERT(moved.admit("o", at(500)));
        // Before start_from: start_from.
        moved.restore(mark.cursorAt(at(0)));
        CPPUNIT_ASSERT(moved.from() == at(100));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(TimestampWatermarkTest);
