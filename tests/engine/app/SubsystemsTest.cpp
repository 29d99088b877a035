#include "app/Subsystems.h"

#include "LogCapture.h"

#include <Poco/Exception.h>
#include <cppunit/extensions/HelperMacros.h>

#include <string>
#include <vector>

using namespace courierd;
using courierd::test::LogCapture;

namespace
{

// A part that writes what happens to it into `events`.
Subsystems::Part recording(const std::string& name, std::vector<std::string>& events,
                           bool failsToStart = false, bool failsToStop = false)
{
    return {name,
            [&events, name, failsToStart]
            {
                if (failsToStart)
                    throw Poco::IOException(name + " cannot start");
                events.push_back("start " + name);
            },
            [&events, name, failsToStop]
            {
                events.push_back("stop " + name);
                if (failsToStop)
                    throw Poco::IOException(name + " is stuck");
            },
            [&events, name](const EngineConfig& engine) {
                events.push_back("reconfigure " + name + " " +
                                 std::to_string(engine.pipeline.workers));
            }};
}

using Events = std::vector<std::string>;

} // namespace

// Subsystems: the daemon's parts started in order, stopped in reverse, reconfigured in order.
class SubsystemsTest : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(SubsystemsTest);
    CPPUNIT_TEST(partsStartInOrderAndStopInReverseOnce);
    CPPUNIT_TEST(aPartThatCannotStartStopsThoseStartedBeforeIt);
    CPPUNIT_TEST(aPartThatFailsToStopIsLoggedAndTheOthersStillStop);
    CPPUNIT_TEST(aReloadReachesEveryPartThatTakesIt);
    CPPUNIT_TEST(whatStartedIsStoppedWhenTheListGoes);
    CPPUNIT_TEST_SUITE_END();

public:
    void partsStartInOrderAndStopInReverseOnce()
    {
        LogCapture lines("test.subsystems");
        Events events;
        Subsystems parts(lines.logger());
        parts.add(recording("store", events));
        parts.add({"assigner", {}, {}, {}}); // only reconfigures
        parts.add(recording("scheduler", events));
        parts.add(recording("admin", events));
        CPPUNIT_ASSERT((std::vector<std::string>{"store", "assigner", "scheduler", "admin"}) ==
                       parts.names());
        parts.start();
        parts.stop();
        parts.stop();
        CPPUNIT_ASSERT((Events{"start store", "start scheduler", "start admin", "stop admin",
                               "stop scheduler", "stop store"}) == events);
    }

    void aPartThatCannotStartStopsThoseStartedBeforeIt()
    {
        LogCapture lines("test.subsystems");
        Events events;
        Subsystems parts(lines.logger());
        parts.add(recording("store", events));
        parts.add(recording("scheduler", events));
        parts.add(recording("admin", events, true));
        parts.add(recording("status", events));
        CPPUNIT_ASSERT_THROW(parts.start(), Poco::IOException);
        CPPUNIT_ASSERT((Events{"start store", "start scheduler", "stop scheduler", "stop store"}) ==
                       events);
        parts.stop(); // nothing left to stop
        CPPUNIT_ASSERT_EQUAL(std::size_t(4), events.size());
    }

    void aPartThatFailsToStopIsLoggedAndTheOthersStillStop()
    {
        LogCapture lines("test.subsystems");
        Events events;
        Subsystems parts(lines.logger());
        parts.add(recording("store", events));
        parts.add(recording("scheduler", events, false, true));
        parts.add(recording("admin", events));
        parts.start();
        parts.stop();
        CPPUNIT_ASSERT((Events{"start store", "start scheduler", "start admin", "stop admin",
                               "stop scheduler", "stop store"}) == events);
        CPPUNIT_ASSERT_EQUAL(1, lines.count("stopping scheduler: I/O error: scheduler is stuck"));
    }

    void aReloadReachesEveryPartThatTakesIt()
    {
        LogCapture lines("test.subsystems");
        Events events;
        Subsystems parts(lines.logger());
        parts.add(recording("pipeline", events));
        parts.add({"sources", {}, {}, {}});
        parts.add(recording("admin", events));
        EngineConfig engine;
        engine.pipeline.workers = 7;
        parts.reconfigure(engine);
        CPPUNIT_ASSERT((Events{"reconfigure pipeline 7", "reconfigure admin 7"}) == events);
    }

    void whatStartedIsStoppedWhenTheListGoes()
    {
        LogCapture lines("test.subsystems");
        Events events;
        {
            Subsystems parts(lines.logger());
            parts.add(recording("store", events));
            parts.add(recording("scheduler", events));
            parts.start();
        }
        CPPUNIT_ASSERT((Events{"start store", "start scheduler", "stop scheduler", "stop store"}) ==
                       events);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SubsystemsTest);
