#include "sources/OperatorAsks.h"

#include <cppunit/extensions/HelperMacros.h>

using namespace courierd;

namespace
{

OperatorAsks::Asked asked(bool paused, Poco::Int64 trigger, Poco::Int64 replay = 0)
{
    OperatorAsks::Asked out;
    out.paused = paused;
    out.trigger = trigger;
    if (replay)
    {
        out.replay.emplace();
        out.replay->id = replay;
    }
    return out;
}

} // namespace

// OperatorAsks: what a beat obeys of what operators asked, and when.
class OperatorAsksTest : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(OperatorAsksTest);
    CPPUNIT_TEST(aTriggerFromBeforeTheFirstReadIsDone);
    CPPUNIT_TEST(aTriggerIsObeyedOnce);
    CPPUNIT_TEST(aTriggerWhilePausedIsDroppedAndAResumePollsOnce);
    CPPUNIT_TEST(aReadSaysWhenItPausesOrResumes);
    CPPUNIT_TEST(theReplayIsTheLastReadUntilItEnds);
    CPPUNIT_TEST_SUITE_END();

public:
    void aTriggerFromBeforeTheFirstReadIsDone()
    {
        OperatorAsks asks;
        asks.read(asked(false, 100));
        const auto now = asks.take();
        CPPUNIT_ASSERT(!now.triggered);
        CPPUNIT_ASSERT(!now.paused);
        CPPUNIT_ASSERT(!now.resumed);
    }

    void aTriggerIsObeyedOnce()
    {
        OperatorAsks asks;
        asks.read(asked(false, 100));
        asks.read(asked(false, 200));
        CPPUNIT_ASSERT(asks.take().triggered);
        CPPUNIT_ASSERT(!asks.take().triggered);
        asks.read(asked(false, 200)); // read again: the same trigger
        CPPUNIT_ASSERT(!asks.take().triggered);
    }

    void aTriggerWhilePausedIsDroppedAndAResumePollsOnce()
    {
        OperatorAsks asks;
        asks.read(asked(true, 0));
        asks.read(asked(true, 300));
        auto now = asks.take();
        CPPUNIT_ASSERT(now.paused);
        CPPUNIT_ASSERT(!now.triggered);
        asks.read(asked(false, 300));
        now = asks.take();
        CPPUNIT_ASSERT(!now.paused);
        CPPUNIT_ASSERT(!now.triggered);
        CPPUNIT_ASSERT(now.resumed);
        CPPUNIT_ASSERT(!asks.take().resumed);
    }

    void aReadSaysWhenItPausesOrResumes()
    {
        OperatorAsks asks;
        CPPUNIT_ASSERT(!asks.read(asked(false, 0)));
        CPPUNIT_ASSERT(asks.read(asked(true, 0)));
        CPPUNIT_ASSERT(asks.paused());
        CPPUNIT_ASSERT(!asks.read(asked(true, 0)));
        CPPUNIT_ASSERT(asks.read(asked(false, 0)));
        CPPUNIT_ASSERT(!asks.paused());
    }

    void theReplayIsTheLastReadUntilItEnds()
    {
        OperatorAsks asks;
        CPPUNIT_ASSERT(!asks.replay());
        asks.read(asked(false, 0, 7));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(7), asks.replay()->id);
        asks.replayEnded();
        CPPUNIT_ASSERT(!asks.replay());
        asks.read(asked(false, 0));
        CPPUNIT_ASSERT(!asks.replay());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(OperatorAsksTest);
