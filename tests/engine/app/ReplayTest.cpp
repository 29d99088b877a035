#include "HttpCall.h"
#include "Installation.h"
#include "TestFiles.h"
#include "Wait.h"
#include "courierd/Rfc3339.h"

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

const std::map<std::string, std::string> TOKEN{{"Authorization", "Bearer t0ken"}};

HttpCall call(unsigned short port, const std::string& method, const std::string& path,
              const std::string& body = "")
{
    return HttpCall::send(port, method, path, body, TOKEN);
}

int ticks(unsigned short port)
{
    return call(port, "GET", "/api/v1/sources/orders").object()->getValue<int>("ticks");
}

Poco::JSON::Object::Ptr replay(unsigned short port, Poco::Int64 id)
{
    const auto answer = call(port, "GET", "/api/v1/sources/orders/replays/" + std::to_string(id));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(answer.body, 200, answer.status);
    return answer.object();
}

std::string range(Poco::Timestamp from, Poco::Timestamp to)
{
    return R"({"from":")" + formatRfc3339(from) + R"(","to":")" + formatRfc3339(to) + R"("})";
}

} // namespace

// Replays of a time range beside the live cursor, through the real binary, the service-order
// plugin and the fake service-order.
class ReplayTest : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(ReplayTest);
    CPPUNIT_TEST(ordersPublishedTwoHoursLateAreFoundByAReplayAndAssignedOnce);
    CPPUNIT_TEST(aReplayOutlivesARestartAndIsOneAtATime);
    CPPUNIT_TEST_SUITE_END();

public:
    void ordersPublishedTwoHoursLateAreFoundByAReplayAndAssignedOnce()
    {
        Installation site(20);
        site.rewrite("[admin]\ntoken = t0ken\n"); // polled every 200 ms, lookback 2 s
        for (int i = 0; i < 3; ++i)
            site.fake.addOrder("created");
        auto a = site.start();
        CPPUNIT_ASSERT_MESSAGE(a->output(), site.reaches(DELIVERIES, 3));
        const unsigned short port = Installation::adminPort(*a);

        // Published two hours late: created then, visible only now. Polling asks from its
        // watermark minus the look-back, and never sees them.
        const Poco::Timestamp now;
        const Poco::Timestamp twoHoursAgo = now - Poco::Timespan(0, 2, 0, 0, 0);
        for (int i = 0; i < 5; ++i)
            site.fake.addOrder("created", twoHoursAgo + Poco::Timespan(i, 0));
        site.fake.addOrder("created");
        CPPUNIT_ASSERT_MESSAGE(a->output(), site.reaches(DELIVERIES, 4));
        const int before = ticks(port);
        CPPUNIT_ASSERT(waitFor([&] { return ticks(port) >= before + 5; }));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(4), site.count("SELECT count(*) FROM deliveries"));
        const Poco::Int64 watermark =
            site.count("SELECT (cursor::json ->> 'watermark_us')::bigint FROM source_cursors");

        const Poco::Timestamp started;
        const auto asked = call(port, "POST", "/api/v1/sources/orders/replays",
                                range(twoHoursAgo - Poco::Timespan(0, 0, 10, 0, 0),
                                      twoHoursAgo + Poco::Timespan(0, 0, 10, 0, 0)));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(asked.body, 202, asked.status);
        const auto id = asked.object()->getValue<Poco::Int64>("id");
        CPPUNIT_ASSERT_EQUAL(std::string("running"),
                             asked.object()->getValue<std::string>("state"));
        std::cout << "\nPOST …/replays → " << asked.status << " " << asked.body << std::endl;
        CPPUNIT_ASSERT(
            waitFor([&] { return replay(port, id)->getValue<std::string>("state") != "running"; }));
        const auto done = replay(port, id);
        std::cout << "GET …/replays/" << id << " after " << started.elapsed() / 1000 << " ms → "
                  << call(port, "GET", "/api/v1/sources/orders/replays/" + std::to_string(id)).body
                  << std::endl;
        CPPUNIT_ASSERT_EQUAL_MESSAGE(a->output(), std::string("done"),
                                     done->getValue<std::string>("state"));
        CPPUNIT_ASSERT_EQUAL(5, done->getValue<int>("records_read"));
        CPPUNIT_ASSERT_EQUAL(5, done->getValue<int>("records_new"));
        CPPUNIT_ASSERT(done->isNull("error"));

        // Each found order assigned once; the live cursor never went back.
        CPPUNIT_ASSERT_MESSAGE(a->output(), site.reaches(DELIVERIES, 9));
        CPPUNIT_ASSERT(site.count("SELECT (cursor::json ->> 'watermark_us')::bigint FROM "
                                  "source_cursors") >= watermark);
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(0), site.count("SELECT count(*) FROM cursor_history"));

        // The same range again: read, nothing new, nothing assigned twice.
        const auto again = call(port, "POST", "/api/v1/sources/orders/replays",
                                range(twoHoursAgo - Poco::Timespan(0, 0, 10, 0, 0),
                                      twoHoursAgo + Poco::Timespan(0, 0, 10, 0, 0)));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(again.body, 202, again.status);
        const auto second = again.object()->getValue<Poco::Int64>("id");
        CPPUNIT_ASSERT(waitFor(
            [&] { return replay(port, second)->getValue<std::string>("state") == "done"; }));
        CPPUNIT_ASSERT_EQUAL(5, replay(port, second)->getValue<int>("records_read"));
        CPPUNIT_ASSERT_EQUAL(0, replay(port, second)->getValue<int>("records_new"));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(9), site.count("SELECT count(*) FROM deliveries"));
        CPPUNIT_ASSERT_MESSAGE(test::joined(site.violated()), site.violated().empty());
        CPPUNIT_ASSERT(Installation::stopAll({a.get()}));
    }

    void aReplayOutlivesARestartAndIsOneAtATime()
    {
        Installation site(20);
        site.rewrite("[admin]\ntoken = t0ken\n");
        const Poco::Timestamp hourAgo = Poco::Timestamp() - Poco::Timespan(0, 1, 0, 0, 0);
        site.fake.addOrder("created");
        auto a = site.start();
        CPPUNIT_ASSERT_MESSAGE(a->output(), site.reaches(DELIVERIES, 1));
        unsigned short port = Installation::adminPort(*a);
        site.fake.addOrder("created", hourAgo);

        // A paused source's replay waits (it would poll the source too).
        CPPUNIT_ASSERT_EQUAL(200, call(port, "POST", "/api/v1/sources/orders/pause").status);
        const std::string hour =
            range(hourAgo - Poco::Timespan(60, 0), hourAgo + Poco::Timespan(60, 0));
        const auto asked = call(port, "POST", "/api/v1/sources/orders/replays", hour);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(asked.body, 202, asked.status);
        const auto id = asked.object()->getValue<Poco::Int64>("id");
        test::assertApiError(call(port, "POST", "/api/v1/sources/orders/replays", hour), 409,
                             "replay_running");

        // Stopped and started again: still running, and it goes on once resumed.
        CPPUNIT_ASSERT(Installation::stopAll({a.get()}));
        a = site.start();
        port = Installation::adminPort(*a);
        CPPUNIT_ASSERT_EQUAL(std::string("running"),
                             replay(port, id)->getValue<std::string>("state"));
        CPPUNIT_ASSERT_EQUAL(200, call(port, "POST", "/api/v1/sources/orders/resume").status);
        CPPUNIT_ASSERT(
            waitFor([&] { return replay(port, id)->getValue<std::string>("state") == "done"; }));
        CPPUNIT_ASSERT_EQUAL(1, replay(port, id)->getValue<int>("records_new"));
        CPPUNIT_ASSERT_MESSAGE(a->output(), site.reaches(DELIVERIES, 2));

        // Canceled while it waits.
        CPPUNIT_ASSERT_EQUAL(200, call(port, "POST", "/api/v1/sources/orders/pause").status);
        const auto third = call(port, "POST", "/api/v1/sources/orders/replays", hour);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(third.body, 202, third.status);
        const auto thirdId = third.object()->getValue<Poco::Int64>("id");
        const auto canceled =
            call(port, "DELETE", "/api/v1/sources/orders/replays/" + std::to_string(thirdId));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(canceled.body, 200, canceled.status);
        CPPUNIT_ASSERT_EQUAL(std::string("canceled"),
                             canceled.object()->getValue<std::string>("state"));

        // The source's replays, newest first, a page at a time.
        const auto first = call(port, "GET", "/api/v1/sources/orders/replays?limit=1");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(first.body, 200, first.status);
        const auto firstItems = first.object()->getArray("items");
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), firstItems->size());
        CPPUNIT_ASSERT_EQUAL(thirdId, firstItems->getObject(0)->getValue<Poco::Int64>("id"));
        CPPUNIT_ASSERT_EQUAL(std::string("canceled"),
                             firstItems->getObject(0)->getValue<std::string>("state"));
        const std::string next = first.object()->getValue<std::string>("next");
        const auto second =
            call(port, "GET", "/api/v1/sources/orders/replays?limit=1&after=" + next);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(second.body, 200, second.status);
        const auto secondItems = second.object()->getArray("items");
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), secondItems->size());
        CPPUNIT_ASSERT_EQUAL(id, secondItems->getObject(0)->getValue<Poco::Int64>("id"));
        CPPUNIT_ASSERT_EQUAL(std::string("done"),
                             secondItems->getObject(0)->getValue<std::string>("state"));
        const auto all = call(port, "GET", "/api/v1/sources/orders/replays");
        CPPUNIT_ASSERT(all.object()->get("next").isEmpty());
        test::assertApiError(call(port, "GET", "/api/v1/sources/orders/replays?after=x"), 400,
                             "bad_query");
        test::assertApiError(call(port, "GET", "/api/v1/sources/nope/replays"), 404,
                             "source_not_found");

        // Refused: no range, a range backwards or too long, a plugin-less time, unknown ids.
        for (const std::string& body :
             {std::string("{}"),
              std::string(R"({"from":"2026-01-02T00:00:00Z","to":"2026-01-01T00:00:00Z"})"),
              std::string(R"({"from":"2026-01-01T00:00:00Z","to":"2026-03-01T00:00:00Z"})"),
              std::string(R"({"from":"yesterday","to":"2026-01-01T00:00:00Z"})")})
        {
            const auto refused = call(port, "POST", "/api/v1/sources/orders/replays", body);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(body + ": " + refused.body, 400, refused.status);
        }
        test::assertApiError(call(port, "GET", "/api/v1/sources/orders/replays/999"), 404,
                             "not_found");
        test::assertApiError(call(port, "GET", "/api/v1/sources/orders/replays/x"), 404,
                             "not_found");
        test::assertApiError(call(port, "POST", "/api/v1/sources/nope/replays", hour), 404,
                             "source_not_found");
        CPPUNIT_ASSERT(Installation::stopAll({a.get()}));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ReplayTest);
