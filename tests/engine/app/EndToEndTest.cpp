#include "DaemonProcess.h"
#include "FakeServiceOrder.h"
#include "HttpCall.h"
#include "Installation.h"
#include "Invariants.h"
#include "TestDatabase.h"
#include "TestFiles.h"
#include "Wait.h"
#include "store/Database.h"

#include <Poco/File.h>
#include <Poco/FileStream.h>
#include <Poco/JSON/Array.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/TemporaryFile.h>
#include <Poco/URI.h>
#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <csignal>
#include <iostream>
#include <sstream>
#include <thread>

using namespace courierd;
using namespace std::chrono_literals;
using courierd::test::DaemonProcess;
using courierd::test::DELIVERIES;
using courierd::test::FakeServiceOrder;
using courierd::test::HALF_DONE;
using courierd::test::Installation;
using courierd::test::joined;
using courierd::test::TestDatabase;
using courierd::test::waitFor;

namespace
{

// The real courierd with one of the shipped config files, as the quick start runs it, in a
// database of the test's own and with the admin endpoint on a free port.
std::unique_ptr<DaemonProcess> shipped(const std::string& file, const TestDatabase& db,
                                       std::vector<std::string> more = {})
{
    std::vector<std::string> args{"--config", std::string(COURIERD_SOURCE_DIR "/etc/") + file,
                                  "--set",    "store.url=" + db.url(),
                                  "--set",    "admin.listen=127.0.0.1:0"};
    args.insert(args.end(), more.begin(), more.end());
    auto daemon = std::make_unique<DaemonProcess>(args);
    CPPUNIT_ASSERT_MESSAGE(daemon->output(), daemon->waitForOutput("courierd ready"));
    return daemon;
}

// Lines at warning level or above ("W " / "E " / "F " after the timestamp).
std::vector<std::string> complaints(const std::string& output)
{
    std::vector<std::string> lines;
    std::istringstream in(output);
    for (std::string line; std::getline(in, line);)
        if (line.size() > 26 && (line.compare(25, 2, "W ") == 0 || line.compare(25, 2, "E ") == 0 ||
                                 line.compare(25, 2, "F ") == 0))
            lines.push_back(line);
    return lines;
}

} // namespace

class EndToEndTest : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(EndToEndTest);
    CPPUNIT_TEST(everyAssignableOrderGetsOneCourierAcrossRestarts);
    CPPUNIT_TEST(sigtermWithABatchInFlightLeavesNothingHalfDone);
    CPPUNIT_TEST(ordersWaitForCouriersAddedThroughTheAdminEndpoint);
    CPPUNIT_TEST(aCourierSentToAnOrderCanceledLaterComesBack);
    CPPUNIT_TEST(ordersDeletedOrCanceledWhileTheyWaitAreNeverAssigned);
    CPPUNIT_TEST(twoSourcesServingTheSameIdsGetACourierEach);
    CPPUNIT_TEST(adminReadersNeverStarveTheEngine);
    CPPUNIT_TEST(aRestartedInstanceTakesItsOwnLeaseAtOnce);
    CPPUNIT_TEST(theShippedConfigAssignsTheOrdersOfTheBriefsSeed);
    CPPUNIT_TEST(theDemoShowsTheWholeJobWithinAMinuteAndKeepsItFlowing);
    CPPUNIT_TEST_SUITE_END();

public:
    void everyAssignableOrderGetsOneCourierAcrossRestarts()
    {
        Installation site(60);
        const Poco::Timestamp now;
        int assignable = 0;
        for (const char* status : {"created", "pending", "confirmed", "cooking"})
            for (int i = 0; i < 5; ++i, ++assignable)
                site.fake.addOrder(status, now - Poco::Timespan(i, 0));
        // A burst: ten orders in one second.
        site.fake.addBurst(10, now - Poco::Timespan(3, 0), "created");
        assignable += 10;
        for (const char* status :
             {"delivering", "delivered", "canceled", "deleted", "updated", "completed"})
            site.fake.addOrder(status, now - Poco::Timespan(2, 0));

        auto daemon = site.start();
        CPPUNIT_ASSERT_MESSAGE(daemon->output(), site.reaches(DELIVERIES, assignable));
        CPPUNIT_ASSERT(site.reaches("SELECT count(*) FROM inbox WHERE state = 'skipped'", 6));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(1),
                             site.count("SELECT count(*) FROM source_cursors WHERE source = "
                                        "'orders' AND cursor LIKE '{\"watermark\":%'"));
        // The log line may still be in the pipe when the deliveries are counted: waited for.
        CPPUNIT_ASSERT_MESSAGE(daemon->output(), daemon->waitForOutput("assigned to courier"));
        daemon->signal(SIGTERM);
        CPPUNIT_ASSERT_EQUAL(0, daemon->waitForExit(30s).value_or(-1));

        // After a restart nothing is assigned twice, and new orders keep flowing.
        for (int i = 0; i < 5; ++i)
            site.fake.addOrder("created");
        daemon = site.start();
        CPPUNIT_ASSERT_MESSAGE(daemon->output(), site.reaches(DELIVERIES, assignable + 5));
        daemon->signal(SIGTERM);
        CPPUNIT_ASSERT_EQUAL(0, daemon->waitForExit(30s).value_or(-1));

        CPPUNIT_ASSERT_EQUAL(Poco::Int64(assignable + 5),
                             site.count("SELECT count(DISTINCT order_id) FROM deliveries"));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(assignable + 5),
                             site.count("SELECT count(*) FROM inbox WHERE state = 'assigned'"));
        const auto violated = site.violatedAtRest();
        CPPUNIT_ASSERT_MESSAGE(joined(violated), violated.empty());
    }

    void sigtermWithABatchInFlightLeavesNothingHalfDone()
    {
        constexpr int ORDERS = 1500;
        // Sets of five, so that the signal finds many still to do.
        Installation site(ORDERS, "[pipeline]\nbatch_size = 5\n");
        for (int i = 0; i < ORDERS; ++i)
            site.fake.addOrder("created", Poco::Timestamp() - Poco::Timespan(1, 0));

        auto daemon = site.start();
        CPPUNIT_ASSERT_MESSAGE(daemon->output(), daemon->waitForOutput("assigned to courier"));
        daemon->signal(SIGTERM);
        daemon->signal(SIGINT); // an impatient second signal changes nothing
        CPPUNIT_ASSERT_EQUAL(0, daemon->waitForExit(30s).value_or(-1));
        const Poco::Int64 before = site.count(DELIVERIES);
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(0), site.count(HALF_DONE));
        CPPUNIT_ASSERT_MESSAGE(joined(site.violated()), site.violated().empty());

        daemon = site.start();
        CPPUNIT_ASSERT_MESSAGE(daemon->output(), site.reaches(DELIVERIES, ORDERS));
        daemon->signal(SIGTERM);
        CPPUNIT_ASSERT_EQUAL(0, daemon->waitForExit(30s).value_or(-1));
        CPPUNIT_ASSERT_MESSAGE("the signal came after the batch", before < ORDERS);
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(ORDERS),
                             site.count("SELECT count(DISTINCT order_id) FROM deliveries"));
        const auto violated = site.violatedAtRest();
        CPPUNIT_ASSERT_MESSAGE(joined(violated), violated.empty());
    }

    void ordersWaitForCouriersAddedThroughTheAdminEndpoint()
    {
        Installation site(0);
        for (int i = 0; i < 3; ++i)
            site.fake.addOrder("created", Poco::Timestamp() - Poco::Timespan(i + 1, 0));
        auto daemon = site.start();
        const unsigned short port = Installation::adminPort(*daemon);
        CPPUNIT_ASSERT_EQUAL(200, test::HttpCall::send(port, "GET", "/ready").status);

        // No courier: the orders wait pending, visible in the source's counts.
        CPPUNIT_ASSERT(waitFor(
            [&]
            {
                const auto call = test::HttpCall::send(port, "GET", "/api/v1/sources");
                const auto sources = call.json().extract<Poco::JSON::Array::Ptr>();
                return sources->getObject(0)->getObject("records")->getValue<int>("pending") == 3;
            }));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(0), site.count(DELIVERIES));

        for (const char* name : {"Ivan", "Olga", "Petr"})
            CPPUNIT_ASSERT_EQUAL(201, test::HttpCall::send(port, "POST", "/api/v1/couriers",
                                                           std::string(R"({"name":")") + name +
                                                               R"(","transport_type":"car"})")
                                          .status);
        // Each new courier wakes the workers; the bound only guards against a hang.
        CPPUNIT_ASSERT_MESSAGE(daemon->output(), site.reaches(DELIVERIES, 3));
        const auto busy = test::HttpCall::send(port, "GET", "/api/v1/couriers?status=busy");
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), busy.json().extract<Poco::JSON::Array::Ptr>()->size());
        daemon->signal(SIGTERM);
        CPPUNIT_ASSERT_EQUAL(0, daemon->waitForExit(30s).value_or(-1));
    }

    // Issue 21, with the real binary: the source canceled one order and deleted another after
    // both were assigned; their couriers come back within a recheck_interval, the live orders'
    // couriers stay busy, and a freed courier takes the next order.
    void aCourierSentToAnOrderCanceledLaterComesBack()
    {
        Installation site(4, "recheck_interval = 300ms\n");
        std::vector<std::string> ids;
        for (int i = 0; i < 4; ++i)
            ids.push_back(
                site.fake.addOrder("created", Poco::Timestamp() - Poco::Timespan(i + 1, 0)));
        auto daemon = site.start();
        CPPUNIT_ASSERT_MESSAGE(daemon->output(), site.reaches(DELIVERIES, 4));
        site.fake.setStatus(ids[0], "canceled");
        site.fake.remove(ids[1]);
        site.fake.setStatus(ids[2], "delivering");
        CPPUNIT_ASSERT_MESSAGE(
            daemon->output(),
            waitFor(
                [&]
                {
                    return site.count("SELECT count(*) FROM deliveries WHERE ended_at IS NOT "
                                      "NULL") == 2;
                }));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(2),
                             site.count("SELECT count(*) FROM couriers WHERE status = 'busy'"));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(1),
                             site.count("SELECT count(*) FROM deliveries WHERE order_id = '" +
                                        ids[0] + "' AND end_reason = 'canceled_at_source'"));
        CPPUNIT_ASSERT_MESSAGE(daemon->output(),
                               daemon->waitForOutput("running deliveries: 2 ended"));
        site.fake.addOrder("created");
        CPPUNIT_ASSERT_MESSAGE(daemon->output(), site.reaches(DELIVERIES, 5));
        CPPUNIT_ASSERT(Installation::stopAll({daemon.get()}));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(0), site.count(HALF_DONE));
        CPPUNIT_ASSERT_MESSAGE(joined(site.violatedAtRest()), site.violatedAtRest().empty());
    }

    // Issue 21, as it was found: 20 orders fetched while no courier was free, then 10 of them
    // deleted or canceled at the source; once couriers come, none of the 10 is assigned, the
    // others are, and a source down during their recheck delays nothing.
    void ordersDeletedOrCanceledWhileTheyWaitAreNeverAssigned()
    {
        Installation site(0, "recheck_after = 2s\n");
        std::vector<std::string> ids;
        for (int i = 0; i < 20; ++i)
            ids.push_back(
                site.fake.addOrder("created", Poco::Timestamp() - Poco::Timespan(i + 1, 0)));
        auto daemon = site.start();
        const unsigned short port = Installation::adminPort(*daemon);
        // Passed over for lack of a courier: the workers stamp them.
        CPPUNIT_ASSERT_MESSAGE(
            daemon->output(),
            site.reaches("SELECT count(*) FROM inbox WHERE state = 'pending' AND passed_over_at "
                         "IS NOT NULL",
                         20));
        for (int i = 0; i < 5; ++i)
        {
            site.fake.remove(ids[i]);
            site.fake.setStatus(ids[5 + i], "canceled");
        }
        site.fake.setStatus(ids[10], "delivering");
        // Waiting longer than recheck_after, they are asked about, and the ten that the source
        // no longer has, or canceled, and the one it moved on end skipped; the rest wait.
        CPPUNIT_ASSERT_MESSAGE(
            daemon->output(),
            site.reaches("SELECT count(*) FROM inbox WHERE state = 'skipped'", 11));
        CPPUNIT_ASSERT_EQUAL(
            Poco::Int64(5),
            site.count("SELECT count(*) FROM inbox WHERE reason = 'gone at source'"));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(5),
                             site.count("SELECT count(*) FROM inbox WHERE reason LIKE 'canceled at "
                                        "source: %'"));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(1), site.count("SELECT count(*) FROM inbox WHERE reason = "
                                                        "'status delivering at recheck'"));
        CPPUNIT_ASSERT_MESSAGE(daemon->output(),
                               daemon->waitForOutput("orders waiting for a courier:"));

        // The source goes down; couriers come: the nine still needed are assigned all the
        // same, held back no longer than their one failed recheck.
        FakeServiceOrder::Fault down;
        site.fake.fail(down, 100000);
        for (int i = 0; i < 20; ++i)
            CPPUNIT_ASSERT_EQUAL(201, test::HttpCall::send(port, "POST", "/api/v1/couriers",
                                                           R"({"name":"c)" + std::to_string(i) +
                                                               R"(","transport_type":"car"})")
                                          .status);
        CPPUNIT_ASSERT_MESSAGE(daemon->output(), site.reaches(DELIVERIES, 9));
        CPPUNIT_ASSERT(Installation::stopAll({daemon.get()}));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(9), site.count(DELIVERIES));
        std::string gone = "'" + ids[0] + "'";
        for (int i = 1; i < 11; ++i)
            gone += ",'" + ids[i] + "'";
        CPPUNIT_ASSERT_EQUAL(
            Poco::Int64(0),
            site.count("SELECT count(*) FROM deliveries WHERE order_id IN (" + gone + ")"));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(0), site.count(HALF_DONE));
        CPPUNIT_ASSERT_MESSAGE(joined(site.violatedAtRest()), site.violatedAtRest().empty());
    }

    // Found by hostile testing: with two sources serving ids 1-50, the second source's 50
    // orders were marked assigned with the first source's couriers and had none of their own.
    void twoSourcesServingTheSameIdsGetACourierEach()
    {
        FakeServiceOrder west;
        Installation site(100, "[source.west]\nplugin = service-order\nbase_url = " +
                                   west.baseUrl() + "\ninterval = 200ms\n");
        const Poco::Timestamp created = Poco::Timestamp() - Poco::Timespan(5, 0);
        for (int id = 1; id <= 50; ++id)
        {
            site.fake.addOrder("created", created, std::to_string(id));
            west.addOrder("created", created, std::to_string(id));
        }
        auto daemon = site.start();
        CPPUNIT_ASSERT_MESSAGE(daemon->output(), site.reaches(DELIVERIES, 100));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(100),
                             site.count("SELECT count(DISTINCT courier_id) FROM deliveries"));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(50),
                             site.count("SELECT count(*) FROM deliveries WHERE source = 'west'"));
        CPPUNIT_ASSERT(Installation::stopAll({daemon.get()}));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(0), site.count(HALF_DONE));
        CPPUNIT_ASSERT_MESSAGE(joined(site.violatedAtRest()), site.violatedAtRest().empty());
    }

    // Found by hostile testing: 50 concurrent readers of /api/v1/sources (each counting the
    // whole inbox) took every pooled session, and the scheduler, the workers and the monitor
    // failed with "no free database session". The endpoint now has a pool of its own.
    void adminReadersNeverStarveTheEngine()
    {
        // As few sessions as the engine needs: a scheduler, a worker and the monitor.
        Installation site(500, "[store]\npool_size = 3\n[pipeline]\nworkers = 1\n");
        // History enough that counting the whole inbox (as the endpoint did) takes a while.
        site.db().execute("INSERT INTO inbox (source, record_id, payload, state) SELECT 'old', "
                          "'h' || g, '{}', 'skipped' FROM generate_series(1, 300000) g; "
                          "ANALYZE inbox");
        for (int i = 0; i < 500; ++i)
            site.fake.addOrder("created", Poco::Timestamp() - Poco::Timespan(3, 0));
        auto daemon = site.start();
        const unsigned short port = Installation::adminPort(*daemon);
        std::atomic<bool> done{false};
        std::atomic<int> answered{0};
        std::atomic<int> refused{0};
        std::vector<std::thread> readers;
        for (int i = 0; i < 50; ++i)
            readers.emplace_back(
                [&]
                {
                    while (!done)
                        try
                        {
                            if (test::HttpCall::send(port, "GET", "/api/v1/sources").status == 200)
                                ++answered;
                        }
                        catch (const Poco::Exception&)
                        {
                            ++refused; // a full queue closes the connection: allowed
                        }
                });
        const bool delivered = site.reaches(DELIVERIES, 500);
        done = true;
        for (auto& reader : readers)
            reader.join();
        CPPUNIT_ASSERT_MESSAGE(daemon->output(), delivered);
        CPPUNIT_ASSERT(answered > 0);
        std::cout << "\n50 readers of /api/v1/sources while 500 orders flowed: " << answered
                  << " answered, " << refused << " refused\n";
        CPPUNIT_ASSERT_MESSAGE(daemon->output(),
                               daemon->output().find("no free database session") ==
                                   std::string::npos);
        CPPUNIT_ASSERT(Installation::stopAll({daemon.get()}));
        CPPUNIT_ASSERT_MESSAGE(joined(site.violatedAtRest()), site.violatedAtRest().empty());
    }

    // Found by trying it as a new user: the default instance id was host + pid, so a restarted
    // courierd waited out its own dead lease (daemon.lease_ttl) before polling again.
    void aRestartedInstanceTakesItsOwnLeaseAtOnce()
    {
        Installation site(5, "[daemon]\nlease_ttl = 120s\n");
        unsigned short port = 0;
        {
            const Poco::Net::ServerSocket probe(Poco::Net::SocketAddress("127.0.0.1", 0));
            port = probe.address().port();
        }
        const std::vector<std::string> args{"--set",
                                            "admin.listen=127.0.0.1:" + std::to_string(port)};
        auto first = site.start(args);
        site.fake.addOrder("created");
        CPPUNIT_ASSERT(site.reaches(DELIVERIES, 1));
        first->signal(SIGKILL);
        first->waitForExit();
        auto second = site.start(args);
        site.fake.addOrder("created");
        // Well within the 120 s the dead lease would otherwise last.
        CPPUNIT_ASSERT_MESSAGE(second->output(), site.reaches(DELIVERIES, 2, 30s));
        CPPUNIT_ASSERT(Installation::stopAll({second.get()}));
    }

    // The integration brief: service-order runs, its debug seed writes ten orders 6-15 minutes
    // in the past, courierd polls with the shipped etc/courierd.ini. Its cursor has long moved
    // past them, yet the seven that need a courier get one (with the old `lookback = 10s`, none
    // did).
    void theShippedConfigAssignsTheOrdersOfTheBriefsSeed()
    {
        TestDatabase db("brief");
        FakeServiceOrder fake;
        fake.addOrder("created");
        auto daemon = shipped("courierd.ini", db,
                              {"--set", "source.service-order.base_url=" + fake.baseUrl(), "--set",
                               "source.service-order.interval=500ms"});
        db.execute("INSERT INTO couriers (name, status, transport_type) "
                   "SELECT 'c' || n, 'available', 'car' FROM generate_series(1, 10) n");
        const auto deliveries = [&] { return db.scalar("SELECT count(*) FROM deliveries"); };
        CPPUNIT_ASSERT_MESSAGE(daemon->output(), waitFor([&] { return deliveries() == 1; }, 30s));
        const auto seed = courierd::test::HttpCall::send(Poco::URI(fake.baseUrl()).getPort(),
                                                         "POST", "/public/api/v1/debug/seed", "",
                                                         {{"X-Bypass-Auth", "true"}});
        CPPUNIT_ASSERT_EQUAL(200, seed.status);
        CPPUNIT_ASSERT_MESSAGE(daemon->output(), waitFor([&] { return deliveries() == 8; }, 30s));
        CPPUNIT_ASSERT(Installation::stopAll({daemon.get()}));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(3),
                             db.scalar("SELECT count(*) FROM inbox WHERE state = 'skipped'"));
    }

    // The quick start's demo path (etc/demo.ini, as `scripts/dev run` uses it when nothing
    // answers at service-order's address): orders fetched, the cursor moving and couriers
    // assigned within a minute, couriers coming back for more, and not one warning on the way.
    void theDemoShowsTheWholeJobWithinAMinuteAndKeepsItFlowing()
    {
        TestDatabase db("demo");
        const auto started = std::chrono::steady_clock::now();
        auto daemon = shipped("demo.ini", db);
        for (const char* line :
             {"demo couriers: 30 wanted, 30 added now",
              "source demo: cursor moved to g1:", "assigned to couriers", "running deliveries:"})
            CPPUNIT_ASSERT_MESSAGE(line, daemon->waitForOutput(line, 60s));
        CPPUNIT_ASSERT(std::chrono::steady_clock::now() - started < 60s);
        // A demo courier back from a delivery takes another one.
        CPPUNIT_ASSERT_MESSAGE(
            daemon->output(),
            waitFor(
                [&] {
                    return db.scalar("SELECT count(*) FROM couriers WHERE delivery_count >= 2") > 0;
                },
                120s));
        CPPUNIT_ASSERT(Installation::stopAll({daemon.get()}));
        const auto warnings = complaints(daemon->output());
        CPPUNIT_ASSERT_MESSAGE(joined(warnings), warnings.empty());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(EndToEndTest);
