#include "sources/ControlWatcher.h"

#include "LogCapture.h"
#include "Wait.h"
#include "util/Exceptions.h"

#include <Poco/ThreadPool.h>
#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <mutex>

using namespace courierd;
using courierd::test::LogCapture;
using courierd::test::waitFor;

namespace
{

Replay replayOf(const std::string& source, Poco::Int64 id)
{
    Replay replay;
    replay.source = source;
    replay.id = id;
    replay.state = "running";
    return replay;
}

} // namespace

// ControlWatcher with readers of its own: what it hands over, and its failures in the log.
class ControlWatcherTest : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(ControlWatcherTest);
    CPPUNIT_TEST(eachSourceGetsItsRowAndItsReplay);
    CPPUNIT_TEST(withoutAReplayReaderThereAreNoReplays);
    CPPUNIT_TEST(aFailingReadIsLoggedOnceAndSoIsItsEnd);
    CPPUNIT_TEST(itReadsAtStartThenEveryControlPoll);
    CPPUNIT_TEST_SUITE_END();

public:
    void eachSourceGetsItsRowAndItsReplay()
    {
        LogCapture lines("test.controlwatcher");
        ControlWatcher::Asks seen;
        ControlWatcher watcher(
            []
            {
                SourceControl paused;
                paused.paused = true;
                paused.triggeredAt = Poco::Timestamp(5000000);
                return std::map<std::string, SourceControl>{{"orders", paused}};
            },
            [] {
                return std::vector<Replay>{replayOf("orders", 3), replayOf("shop", 4)};
            },
            [&seen](const ControlWatcher::Asks& asks) { seen = asks; }, lines.logger());
        watcher.read();
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), seen.size());
        CPPUNIT_ASSERT(seen["orders"].paused);
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(5000000), seen["orders"].trigger);
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(3), seen["orders"].replay->id);
        CPPUNIT_ASSERT(!seen["shop"].paused);
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(0), seen["shop"].trigger);
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(4), seen["shop"].replay->id);
    }

    void withoutAReplayReaderThereAreNoReplays()
    {
        LogCapture lines("test.controlwatcher");
        ControlWatcher::Asks seen;
        ControlWatcher watcher(
            [] {
                return std::map<std::string, SourceControl>{{"orders", SourceControl()}};
            },
            {}, [&seen](const ControlWatcher::Asks& asks) { seen = asks; }, lines.logger());
        watcher.read();
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), seen.size());
        CPPUNIT_ASSERT(!seen["orders"].replay);
    }

    void aFailingReadIsLoggedOnceAndSoIsItsEnd()
    {
        LogCapture lines("test.controlwatcher");
        int failures = 3;
        int applied = 0;
        ControlWatcher watcher(
            [&failures]
            {
                if (failures-- > 0)
                    throw StoreException("connection refused");
                return std::map<std::string, SourceControl>();
            },
            {}, [&applied](const ControlWatcher::Asks&) { ++applied; }, lines.logger());
        for (int i = 0; i < 5; ++i)
            watcher.readLogged();
        CPPUNIT_ASSERT_EQUAL(2, applied);
        CPPUNIT_ASSERT_EQUAL(1, lines.count("source controls: cannot read them (Store error: "
                                            "connection refused); the sources go on as they were"));
        CPPUNIT_ASSERT_EQUAL(1, lines.count("source controls: read again"));
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), lines.lines().size());
        CPPUNIT_ASSERT_THROW(ControlWatcher([]() -> std::map<std::string, SourceControl>
                                            { throw StoreException("down"); },
                                            {}, [](const ControlWatcher::Asks&) {}, lines.logger())
                                 .read(),
                             StoreException);
    }

    void itReadsAtStartThenEveryControlPoll()
    {
        LogCapture lines("test.controlwatcher");
        std::atomic<int> applied{0};
        ControlWatcher watcher([] { return std::map<std::string, SourceControl>(); }, {},
                               [&applied](const ControlWatcher::Asks&) { ++applied; },
                               lines.logger());
        Poco::ThreadPool threads(1, 1);
        watcher.start(threads);
        CPPUNIT_ASSERT_EQUAL(1, applied.load()); // before start() returns
        CPPUNIT_ASSERT(waitFor([&] { return applied >= 3; }));
        watcher.stop();
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ControlWatcherTest);
