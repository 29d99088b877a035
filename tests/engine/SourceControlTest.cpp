#include "HttpCall.h"
#include "Installation.h"
#include "Wait.h"

#include <cppunit/extensions/HelperMacros.h>

#include <iostream>

using namespace courierd;
using namespace std::chrono_literals;
using courierd::test::DELIVERIES;
using courierd::test::HttpCall;
using courierd::test::Installation;
using courierd::test::waitFor;

namespace
{

HttpCall post(unsigned short port, const std::string& path)
{
    return HttpCall::send(port, "POST", path, "", {{"Authorization", "Bearer t0ken"}});
}

std::string state(unsigned short port)
{
    const auto call = HttpCall::send(port, "GET", "/api/v1/sources/orders", "",
                                     {{"Authorization", "Bearer t0ken"}});
    return call.status == 200 ? call.object()->getValue<std::string>("state") : call.body;
}

double metric(unsigned short port, const std::string& series)
{
    return courierd::test::sampleOf(HttpCall::send(port, "GET", "/metrics").body, series);
}

} // namespace

// Operators' pause, resume and trigger, through the real binaries: asked of one instance,
// obeyed by the one holding the lease, and by it again after a restart.
class SourceControlTest : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(SourceControlTest);
    CPPUNIT_TEST(pauseResumeAndTriggerReachEveryInstanceAndOutliveARestart);
    CPPUNIT_TEST_SUITE_END();

public:
    void pauseResumeAndTriggerReachEveryInstanceAndOutliveARestart()
    {
        Installation site(10);
        // Polled at start, and then only on a resume or a trigger.
        site.rewrite("[admin]\ntoken = t0ken\n", "1h");
        site.fake.addOrder("created");
        auto a = site.start({"--set", "daemon.instance_id=a"});
        CPPUNIT_ASSERT_MESSAGE(a->output(), site.reaches(DELIVERIES, 1));
        auto b = site.start({"--set", "daemon.instance_id=b"});
        const unsigned short pb = Installation::adminPort(*b);

        // Paused through b; a, which polls it, obeys.
        const auto paused = post(pb, "/api/v1/sources/orders/pause");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(paused.body, 200, paused.status);
        CPPUNIT_ASSERT_EQUAL(std::string("paused"),
                             paused.object()->getValue<std::string>("state"));
        unsigned short pa = Installation::adminPort(*a);
        CPPUNIT_ASSERT(waitFor([&] { return state(pa) == "paused"; }));
        CPPUNIT_ASSERT_EQUAL(1.0, metric(pa, "courierd_source_paused{source=\"orders\"}"));

        // Still paused after a restart: its first turn is counted paused, nothing is fetched.
        site.fake.addOrder("created");
        site.fake.addOrder("created");
        CPPUNIT_ASSERT(Installation::stopAll({a.get()}));
        a = site.start({"--set", "daemon.instance_id=a"});
        pa = Installation::adminPort(*a);
        CPPUNIT_ASSERT(waitFor(
            [&] {
                return metric(
                           pa,
                           "courierd_source_polls_total{source=\"orders\",outcome=\"paused\"}") ==
                       1;
            }));
        CPPUNIT_ASSERT_EQUAL(std::string("paused"), state(pa));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(1), site.count("SELECT count(*) FROM inbox"));

        // Resumed through b: polled at once (by whichever instance takes the lease), not an
        // hour later.
        CPPUNIT_ASSERT_EQUAL(200, post(pb, "/api/v1/sources/orders/resume").status);
        CPPUNIT_ASSERT_MESSAGE(a->output(), site.reaches(DELIVERIES, 3));

        // Triggered through b: the lease holder polls within a second (bounded here at 20 s
        // for a loaded machine).
        site.fake.addOrder("created");
        const Poco::Timestamp asked;
        const auto triggered = post(pb, "/api/v1/sources/orders/trigger");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(triggered.body, 202, triggered.status);
        CPPUNIT_ASSERT(site.reaches(DELIVERIES, 4, 20s));
        std::cout << "\ntrigger through another instance to delivery: " << asked.elapsed() / 1000
                  << " ms" << std::endl;
        // Both instances follow the resume (one polls, the other stands by).
        CPPUNIT_ASSERT(waitFor(
            [&]
            {
                const std::string first = state(pa), second = state(pb);
                return (first == "running" && second == "standby") ||
                       (first == "standby" && second == "running");
            }));
        CPPUNIT_ASSERT(Installation::stopAll({a.get(), b.get()}));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SourceControlTest);
