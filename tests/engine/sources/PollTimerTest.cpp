#include "sources/PollTimer.h"

#include "FakeClock.h"
#include "Wait.h"

#include <Poco/ThreadPool.h>
#include <cppunit/extensions/HelperMacros.h>

#include <atomic>

using namespace courierd;
using namespace std::chrono_literals;
using courierd::test::FakeClock;
using courierd::test::waitFor;

// PollTimer on a fake clock: when polls are due, the backoff, and the stall check.
class PollTimerTest : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(PollTimerTest);
    CPPUNIT_TEST(theFirstPollIsDueAtOnceThenAnIntervalAfterItBegan);
    CPPUNIT_TEST(failuresDoubleTheWaitUpToMaxBackoff);
    CPPUNIT_TEST(aMaxBackoffBelowTheIntervalKeepsTheInterval);
    CPPUNIT_TEST(aSkippedPollIsDueAnIntervalAfterTheBeat);
    CPPUNIT_TEST(itBeatsEveryBeatOrItsIntervalIfShorter);
    CPPUNIT_TEST(aTimerThatStopsBeatingIsAStallButALongPollIsNot);
    CPPUNIT_TEST(itBeatsOnItsThreadsUntilStopped);
    CPPUNIT_TEST_SUITE_END();

public:
    void theFirstPollIsDueAtOnceThenAnIntervalAfterItBegan()
    {
        FakeClock clock;
        PollTimer timer(5s, 60s, clock);
        CPPUNIT_ASSERT(timer.beat());
        const Poco::Timestamp started = clock.now();
        clock.advance(1s); // the poll took a second
        timer.polled(started, 0);
        clock.advance(3900ms);
        CPPUNIT_ASSERT(!timer.beat());
        clock.advance(100ms);
        CPPUNIT_ASSERT(timer.beat());
        // A poll longer than the interval is followed at the next beat.
        timer.polled(clock.now(), 0);
        clock.advance(7s);
        CPPUNIT_ASSERT(timer.beat());
    }

    void failuresDoubleTheWaitUpToMaxBackoff()
    {
        FakeClock clock;
        PollTimer timer(5s, 60s, clock);
        const Poco::Timestamp t = clock.now();
        const auto waitAfter = [&](int failures)
        {
            timer.polled(t, failures);
            return std::chrono::microseconds(timer.nextDue() - t);
        };
        CPPUNIT_ASSERT(waitAfter(0) == 5s);
        CPPUNIT_ASSERT(waitAfter(1) == 10s);
        CPPUNIT_ASSERT(waitAfter(2) == 20s);
        CPPUNIT_ASSERT(waitAfter(3) == 40s);
        CPPUNIT_ASSERT(waitAfter(4) == 60s);
        CPPUNIT_ASSERT(waitAfter(1000) == 60s);
        CPPUNIT_ASSERT(waitAfter(0) == 5s); // a success goes back to the interval
    }

    void aMaxBackoffBelowTheIntervalKeepsTheInterval()
    {
        FakeClock clock;
        PollTimer timer(10s, 5s, clock);
        timer.polled(clock.now(), 3);
        CPPUNIT_ASSERT(std::chrono::microseconds(timer.nextDue() - clock.now()) == 10s);
    }

    void aSkippedPollIsDueAnIntervalAfterTheBeat()
    {
        FakeClock clock;
        PollTimer timer(5s, 60s, clock);
        CPPUNIT_ASSERT(timer.beat());
        const Poco::Timestamp beat = clock.now();
        clock.advance(10ms);
        timer.skipped();
        CPPUNIT_ASSERT(std::chrono::microseconds(timer.nextDue() - beat) == 5s);
        clock.advance(4s);
        CPPUNIT_ASSERT(!timer.beat());
    }

    void itBeatsEveryBeatOrItsIntervalIfShorter()
    {
        CPPUNIT_ASSERT(PollTimer(5s, 60s).period() == PollTimer::BEAT);
        CPPUNIT_ASSERT(PollTimer(50ms, 60s).period() == 50ms);
    }

    void aTimerThatStopsBeatingIsAStallButALongPollIsNot()
    {
        FakeClock clock;
        PollTimer timer(5s, 60s, clock);
        CPPUNIT_ASSERT_EQUAL(std::string(), timer.stalled("orders", 30s));
        clock.advance(30s + PollTimer::BEAT);
        CPPUNIT_ASSERT_EQUAL(std::string(), timer.stalled("orders", 30s));
        clock.advance(1s);
        CPPUNIT_ASSERT_EQUAL(std::string("source orders's timer has not fired for 31 s (every "
                                         "200ms)"),
                             timer.stalled("orders", 30s));
        timer.polling(true);
        CPPUNIT_ASSERT_EQUAL(std::string(), timer.stalled("orders", 30s));
        timer.polling(false);
        timer.beat();
        CPPUNIT_ASSERT_EQUAL(std::string(), timer.stalled("orders", 30s));
    }

    void itBeatsOnItsThreadsUntilStopped()
    {
        PollTimer timer(10ms, 60s);
        std::atomic<int> beats{0};
        Poco::ThreadPool threads(1, 1);
        timer.start(threads, [&beats] { ++beats; });
        CPPUNIT_ASSERT(waitFor([&] { return beats >= 3; }));
        timer.stop();
        const int seen = beats;
        Poco::Thread::sleep(50); // stop() waited for the beat in progress: no more come
        CPPUNIT_ASSERT_EQUAL(seen, beats.load());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(PollTimerTest);
