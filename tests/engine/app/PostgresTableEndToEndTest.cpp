#include "Installation.h"
#include "TestDatabase.h"
#include "util/Names.h"

#include <cppunit/extensions/HelperMacros.h>

using namespace courierd;
using namespace courierd::test;
using namespace std::chrono_literals;

// postgres-table in the real courierd beside service-order: orders of another team's table
// are assigned, and an order id both sources use is two orders, each with its own courier
// (identity is per source).
class PostgresTableEndToEndTest : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(PostgresTableEndToEndTest);
    CPPUNIT_TEST(anIdBothSourcesUseGetsACourierFromEach);
    CPPUNIT_TEST_SUITE_END();

public:
    void anIdBothSourcesUseGetsACourierFromEach()
    {
        TestDatabase team("team");
        team.execute("CREATE TABLE orders (id bigint PRIMARY KEY, created_at timestamptz NOT "
                     "NULL, status text); CREATE INDEX ON orders (created_at, id); INSERT INTO "
                     "orders SELECT g, now() - interval '10 seconds', 'created' FROM "
                     "generate_series(1, 5) g");
        Installation site(10);
        site.fake.addOrder("created", Poco::Timestamp() - Poco::Timespan(5, 0), "3");
        site.fake.addOrder("created", Poco::Timestamp() - Poco::Timespan(5, 0), "4");
        site.rewrite("[source.table]\nplugin = postgres-table\ninterval = 200ms\nurl = " +
                         team.url() + "\ntable = orders\ndelay = 0s\n",
                     "200ms");
        auto daemon = site.start();
        CPPUNIT_ASSERT_MESSAGE(daemon->output(),
                               site.reaches("SELECT count(*) FROM deliveries", 7, 60s));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(2), site.count("SELECT count(DISTINCT courier_id) FROM "
                                                        "deliveries WHERE order_id = '3'"));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(5), site.count("SELECT count(*) FROM deliveries WHERE "
                                                        "source = 'table'"));
        // A row added later is read on a later poll.
        team.execute("INSERT INTO orders VALUES (6, now(), 'created')");
        CPPUNIT_ASSERT_MESSAGE(daemon->output(),
                               site.reaches("SELECT count(*) FROM deliveries", 8, 60s));
        CPPUNIT_ASSERT(Installation::stopAll({daemon.get()}));
        const auto violated = site.violatedAtRest();
        CPPUNIT_ASSERT_MESSAGE(joined(violated), violated.empty());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(PostgresTableEndToEndTest);
