#include "Installation.h"
#include "TestFiles.h"
#include "Wait.h"
#include "util/Names.h"

#include <cppunit/extensions/HelperMacros.h>

#include <iostream>

using namespace courierd;
using namespace courierd::test;
using namespace std::chrono_literals;

namespace
{

Poco::Timestamp secondsAgo(int seconds)
{
    return Poco::Timestamp() - Poco::Timespan(seconds, 0);
}

} // namespace

// http-json configured for service-order's contract, beside the service-order plugin, in one
// real courierd on one fake service with its faults: the two sources' inboxes are the same,
// row by row.
class HttpJsonInboxTest : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(HttpJsonInboxTest);
    CPPUNIT_TEST(theSameInboxAsServiceOrder);
    CPPUNIT_TEST_SUITE_END();

public:
    void theSameInboxAsServiceOrder()
    {
        Installation site(0); // no courier: rows keep the state the ingest gave them
        const char* statuses[] = {"created", "pending",   "delivering", "canceled",
                                  "cooking", "completed", "confirmed",  "teleporting"};
        for (int i = 0; i < 40; ++i)
            site.fake.addOrder(statuses[i % 8], secondsAgo(60 - i));
        site.fake.addBurst(12, secondsAgo(10), "created"); // one second, twelve orders
        site.fake.addOrder("created", Poco::Timestamp() + Poco::Timespan(1, 0, 0, 0, 0)); // future
        site.fake.addOrder("created", secondsAgo(5), std::string(300, 'i'));              // long id
        site.fake.addOrder("created", secondsAgo(5), "order \"quoted\" \\ slashed");
        site.rewrite("timeout = 2s\n"
                     "[source.json]\n" +
                         HTTP_JSON_AS_SERVICE_ORDER +
                         "interval = 200ms\ntimeout = 2s\nbase_url = " + site.fake.baseUrl() + "\n",
                     "200ms");
        // Faults on the way, whichever source meets them: unavailable, cut short, slow.
        FakeServiceOrder::Fault unavailable;
        site.fake.fail(unavailable, 3);
        FakeServiceOrder::Fault cut;
        cut.status = 200;
        cut.body = R"([{"id":"half)";
        site.fake.fail(cut, 2);
        FakeServiceOrder::Fault slow;
        slow.delayMs = 500;
        slow.status = 200;
        slow.body = "[]";
        site.fake.fail(slow, 2);

        auto daemon = site.start();
        // A reject of an order from the future names the poll's now + max_clock_skew, which
        // the two sources' polls need not share to the second (found by CI): masked.
        const auto rows = [&](const std::string& source)
        {
            return site.db().column(
                "SELECT concat_ws(' | ', record_id, state, regexp_replace(reason, "
                "'max_clock_skew \\([^)]*\\)', 'max_clock_skew (…)'), md5(payload::text)) "
                "FROM inbox WHERE source = '" +
                source + "' ORDER BY 1");
        };
        // 55 rows: the order from the future and the one with a 300-byte id are rejected.
        CPPUNIT_ASSERT_MESSAGE(
            daemon->output(),
            site.reaches("SELECT count(*) FROM inbox WHERE source = 'orders'", 55, 120s));
        CPPUNIT_ASSERT_MESSAGE(
            daemon->output(),
            site.reaches("SELECT count(*) FROM inbox WHERE source = 'json'", 55, 120s));
        const auto serviceOrder = rows("orders");
        const auto json = rows("json");
        CPPUNIT_ASSERT_EQUAL_MESSAGE("service-order:\n" + test::joined(serviceOrder) +
                                         "http-json:\n" + test::joined(json),
                                     serviceOrder.size(), json.size());
        for (std::size_t i = 0; i < serviceOrder.size(); ++i)
            CPPUNIT_ASSERT_EQUAL(serviceOrder[i], json[i]);
        // The rows are what the contract makes of them: assignable pending, others skipped
        // with their status, the long id and the future rejected.
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(2), site.count("SELECT count(*) FROM inbox WHERE source "
                                                        "= 'json' AND state = 'rejected'"));
        CPPUNIT_ASSERT(site.count("SELECT count(*) FROM inbox WHERE source = 'json' AND state = "
                                  "'skipped' AND reason = 'status teleporting'") == 5);
        std::cout << "\nthe same " << json.size() << " rows in both inboxes, by state:\n"
                  << test::joined(site.db().column(
                         "SELECT concat_ws(' ', source, state, count(*)) FROM inbox GROUP BY "
                         "source, state ORDER BY 1"))
                  << "first rows (id | state | reason | md5 of the payload):\n"
                  << test::joined(std::vector<std::string>(json.begin(), json.begin() + 4))
                  << "rejected:\n";
        for (const auto& row : json)
            if (row.find(" | rejected | ") != std::string::npos)
                std::cout << row << "\n";
        std::cout << std::flush;
        CPPUNIT_ASSERT(Installation::stopAll({daemon.get()}));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(HttpJsonInboxTest);
