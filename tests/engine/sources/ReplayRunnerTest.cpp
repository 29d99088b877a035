#include "sources/ReplayRunner.h"

#include "LogCapture.h"
#include "MemoryPollStore.h"

#include <cppunit/extensions/HelperMacros.h>

#include <atomic>

using namespace courierd;
using courierd::test::LogCapture;
using courierd::test::MemoryPollStore;
using courierd::test::MemoryReplayRows;
using courierd::test::ScriptedSource;

namespace
{

using Ids = std::vector<std::string>;
using Step = ReplayRunner::Step;

// A replay of records created from 10 s to 20 s after the epoch, run over stores in memory.
struct Replaying
{
    Replaying()
        : runner(
              "orders", source, Duration(300000), store, rows, [this] { ++wakes; }, stopping,
              lines.logger())
    {
        Replay replay;
        replay.id = 1;
        replay.source = "orders";
        replay.from = Poco::Timestamp(10 * 1000000);
        replay.to = Poco::Timestamp(20 * 1000000);
        replay.state = "running";
        replay.cursor = "r0";
        rows.put(replay);
        lease = *store.acquire("orders");
    }

    std::string state() { return rows.get("orders", 1)->state; }

    LogCapture lines{"test.replayrunner"};
    MemoryPollStore store;
    MemoryReplayRows rows;
    ScriptedSource source;
    std::atomic<bool> stopping{false};
    int wakes = 0;
    ReplayRunner runner;
    Lease lease;
};

} // namespace

// ReplayRunner over stores in memory: what a step stores, and how a replay ends.
class ReplayRunnerTest : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(ReplayRunnerTest);
    CPPUNIT_TEST(aStepStoresTheRecordsOfItsRangeWithItsProgress);
    CPPUNIT_TEST(theStepAfterWhichNothingIsLeftEndsItDone);
    CPPUNIT_TEST(aReplayThatNoLongerRunsEndsWithoutAFetch);
    CPPUNIT_TEST(aReplayCanceledDuringAStepEnds);
    CPPUNIT_TEST(threeFailedStepsInARowEndItFailed);
    CPPUNIT_TEST(aLostLeaseHandsItOver);
    CPPUNIT_TEST(aStoreErrorReadingItTriesAgainNextBeat);
    CPPUNIT_TEST_SUITE_END();

public:
    void aStepStoresTheRecordsOfItsRangeWithItsProgress()
    {
        Replaying r;
        r.source.then({Ids{"15", "25"}, "r1", true, "", Ids{"5", "10", "12"}});
        CPPUNIT_ASSERT(Step::Goes == r.runner.step(1, r.lease));
        CPPUNIT_ASSERT((Ids{"10", "12", "15"}) == r.store.inbox());
        CPPUNIT_ASSERT((Ids{"r0"}) == r.source.askedFrom());
        const auto progress = r.store.progress();
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), progress.size());
        CPPUNIT_ASSERT(!progress[0].cursor); // a part moves no cursor
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(2), progress[0].read);
        CPPUNIT_ASSERT_EQUAL(std::string("r1"), *progress[1].cursor);
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(1), progress[1].read);
        CPPUNIT_ASSERT_EQUAL(std::string(), r.store.storedCursor("orders")); // the source's own
        CPPUNIT_ASSERT_EQUAL(1, r.wakes);
        CPPUNIT_ASSERT_EQUAL(std::string("running"), r.state());
    }

    void theStepAfterWhichNothingIsLeftEndsItDone()
    {
        Replaying r;
        r.source.then({Ids{"11"}, "r1", false});
        CPPUNIT_ASSERT(Step::Ended == r.runner.step(1, r.lease));
        CPPUNIT_ASSERT_EQUAL(std::string("done"), r.state());
        CPPUNIT_ASSERT_EQUAL(1, r.lines.count("source orders: replay 1 of 1970-01-01T00:00:10Z "
                                              "to 1970-01-01T00:00:20Z done"));
    }

    void aReplayThatNoLongerRunsEndsWithoutAFetch()
    {
        Replaying r;
        r.rows.end(1, "canceled", "");
        CPPUNIT_ASSERT(Step::Ended == r.runner.step(1, r.lease));
        CPPUNIT_ASSERT(Step::Ended == r.runner.step(99, r.lease)); // gone
        CPPUNIT_ASSERT(r.source.askedFrom().empty());
    }

    void aReplayCanceledDuringAStepEnds()
    {
        Replaying r;
        r.store.stopReplay(1);
        r.source.then({Ids{"11"}, "r1", true});
        CPPUNIT_ASSERT(Step::Ended == r.runner.step(1, r.lease));
        CPPUNIT_ASSERT(r.store.inbox().empty());
        CPPUNIT_ASSERT_EQUAL(1, r.lines.count("replay 1 no longer runs"));
    }

    void threeFailedStepsInARowEndItFailed()
    {
        Replaying r;
        r.source.then({Ids{}, "", false, "503 from service-order"});
        r.source.then({Ids{"11"}, "r1", true}); // a success in between counts from 0 again
        for (int i = 0; i < 3; ++i)
            r.source.then({Ids{}, "", false, "503 from service-order"});
        CPPUNIT_ASSERT(Step::Goes == r.runner.step(1, r.lease));
        CPPUNIT_ASSERT(Step::Goes == r.runner.step(1, r.lease));
        CPPUNIT_ASSERT(Step::Goes == r.runner.step(1, r.lease));
        CPPUNIT_ASSERT(Step::Goes == r.runner.step(1, r.lease));
        CPPUNIT_ASSERT_EQUAL(std::string("running"), r.state());
        CPPUNIT_ASSERT(Step::Ended == r.runner.step(1, r.lease));
        CPPUNIT_ASSERT_EQUAL(std::string("failed"), r.state());
        CPPUNIT_ASSERT_EQUAL(std::string("this:1: Source error: 503 from service-order"),
                             *r.rows.get("orders", 1)->error);
        CPPUNIT_ASSERT_EQUAL(1, r.lines.count("source orders: replay 1 failed after 3 attempts"));
        CPPUNIT_ASSERT_EQUAL(3, r.lines.count("step failed ("));
    }

    void aLostLeaseHandsItOver()
    {
        Replaying r;
        r.store.heldBy("orders", "vm:8082");
        r.source.then({Ids{"11"}, "r1", true});
        CPPUNIT_ASSERT(Step::LeaseLost == r.runner.step(1, r.lease));
        CPPUNIT_ASSERT(r.store.inbox().empty());
        CPPUNIT_ASSERT_EQUAL(std::string("running"), r.state());
        CPPUNIT_ASSERT_EQUAL(1, r.lines.count("source orders: replay 1 paused here"));
    }

    void aStoreErrorReadingItTriesAgainNextBeat()
    {
        Replaying r;
        r.rows.fail("connection refused");
        CPPUNIT_ASSERT(Step::Goes == r.runner.step(1, r.lease));
        CPPUNIT_ASSERT(r.source.askedFrom().empty());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ReplayRunnerTest);
