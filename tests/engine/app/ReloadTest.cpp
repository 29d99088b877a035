#include "DaemonProcess.h"
#include "FakeServiceOrder.h"
#include "HttpCall.h"
#include "Installation.h"
#include "NotifySocket.h"
#include "TestFiles.h"
#include "Wait.h"

#include <Poco/File.h>
#include <Poco/JSON/Array.h>
#include <Poco/TemporaryFile.h>
#include <cppunit/extensions/HelperMacros.h>

#include <csignal>
#include <fstream>
#include <random>

using namespace courierd;
using namespace std::chrono_literals;
using courierd::test::contains;
using courierd::test::DaemonProcess;
using courierd::test::DELIVERIES;
using courierd::test::FakeServiceOrder;
using courierd::test::HALF_DONE;
using courierd::test::HttpCall;
using courierd::test::Installation;
using courierd::test::joined;
using courierd::test::NotifySocket;
using courierd::test::waitFor;

namespace
{

// A service-order source section polling `fake`.
std::string section(const std::string& name, const FakeServiceOrder& fake,
                    const std::string& interval = "200ms")
{
    return "[source." + name + "]\nplugin = service-order\nbase_url = " + fake.baseUrl() +
           "\ninterval = " + interval + "\nlookback = 2s\n";
}

// Sends SIGHUP and waits for the reload's outcome line; returns the log from the reload on.
std::string reload(DaemonProcess& daemon)
{
    const std::size_t before = daemon.output().size();
    daemon.signal(SIGHUP);
    const bool done = waitFor(
        [&]
        {
            const std::string out = daemon.output().substr(before);
            return out.find("reload applied") != std::string::npos ||
                   out.find("reload failed") != std::string::npos;
        },
        30s);
    CPPUNIT_ASSERT_MESSAGE(daemon.output(), done);
    return daemon.output().substr(before);
}

Poco::JSON::Object::Ptr lastReload(unsigned short port, const std::string& token = "")
{
    std::map<std::string, std::string> headers;
    if (!token.empty())
        headers["Authorization"] = "Bearer " + token;
    return HttpCall::send(port, "GET", "/api/v1/reload", "", headers).object()->getObject("last");
}

std::vector<std::string> names(const Poco::JSON::Array::Ptr& array)
{
    std::vector<std::string> out;
    for (std::size_t i = 0; i < array->size(); ++i)
        out.push_back(array->getElement<std::string>(static_cast<unsigned>(i)));
    return out;
}

} // namespace

class ReloadTest : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(ReloadTest);
    CPPUNIT_TEST(aReloadAddsChangesAndRemovesSourcesAndKeepsTheirCursors);
    CPPUNIT_TEST(aBadReloadChangesNothingAndSaysEveryProblem);
    CPPUNIT_TEST(engineKeysApplyAndRestartOnlyKeysKeepTheirValue);
    CPPUNIT_TEST(aNewBuildOfAPluginIsPickedUpForItsSources);
    CPPUNIT_TEST(twentyReloadsWhileOrdersFlowLoseNothingAndAssignNothingTwice);
    CPPUNIT_TEST_SUITE_END();

public:
    void aReloadAddsChangesAndRemovesSourcesAndKeepsTheirCursors()
    {
        FakeServiceOrder second;
        FakeServiceOrder third;
        Installation site(100, section("second", second));
        NotifySocket systemd;
        DaemonProcess daemon({"--config", site.configPath()}, {{"NOTIFY_SOCKET", systemd.path()}});
        CPPUNIT_ASSERT_MESSAGE(daemon.output(), daemon.waitForOutput("courierd ready"));
        const unsigned short port = Installation::adminPort(daemon);
        site.fake.addOrder("created");
        second.addOrder("created");
        CPPUNIT_ASSERT(site.reaches(DELIVERIES, 2));
        CPPUNIT_ASSERT(!systemd.waitFor("READY=1").empty());
        const std::string secondCursor =
            site.db().text("SELECT cursor FROM source_cursors WHERE source = 'second'");
        const std::string ordersCursor =
            site.db().text("SELECT cursor FROM source_cursors WHERE source = 'orders'");

        // orders changes (its interval), second goes, third comes.
        site.rewrite(section("third", third), "300ms");
        const std::string log = reload(daemon);
        CPPUNIT_ASSERT_MESSAGE(log, contains(log, "reload applied: sources added: third; "
                                                  "changed: orders; removed: second"));
        CPPUNIT_ASSERT(!systemd.waitFor("RELOADING=1").empty());
        CPPUNIT_ASSERT(!systemd.waitFor("READY=1").empty());

        // The removed source's lease is given up at once; its cursor and inbox stay.
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(1),
                             site.count("SELECT count(*) FROM source_leases WHERE source = "
                                        "'second' AND expires_at <= now()"));
        CPPUNIT_ASSERT_EQUAL(secondCursor, site.db().text("SELECT cursor FROM source_cursors "
                                                          "WHERE source = 'second'"));
        // The changed source goes on from its stored cursor; the new one starts.
        third.addOrder("created");
        site.fake.addOrder("created");
        second.addOrder("created"); // nobody polls second now
        CPPUNIT_ASSERT(site.reaches(DELIVERIES, 4));
        CPPUNIT_ASSERT(contains(site.db().text("SELECT cursor FROM source_cursors WHERE "
                                               "source = 'orders'"),
                                "watermark"));
        CPPUNIT_ASSERT(!ordersCursor.empty());
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(1), site.count("SELECT count(*) FROM deliveries "
                                                        "WHERE source = 'second'"));
        const auto sources =
            HttpCall::send(port, "GET", "/api/v1/sources").json().extract<Poco::JSON::Array::Ptr>();
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), sources->size());
        CPPUNIT_ASSERT_EQUAL(
            std::string("300ms"),
            Installation::sourceStatus(port, "orders")->getValue<std::string>("interval"));

        const auto last = lastReload(port);
        CPPUNIT_ASSERT_EQUAL(std::string("applied"), last->getValue<std::string>("outcome"));
        CPPUNIT_ASSERT(
            (names(last->getArray("sources_added")) == std::vector<std::string>{"third"}));
        CPPUNIT_ASSERT(
            (names(last->getArray("sources_removed")) == std::vector<std::string>{"second"}));
        CPPUNIT_ASSERT(Installation::stopAll({&daemon}));
        const auto violated = site.violated();
        CPPUNIT_ASSERT_MESSAGE(joined(violated), violated.empty());
    }

    void aBadReloadChangesNothingAndSaysEveryProblem()
    {
        Installation site(100);
        auto daemon = site.start();
        const unsigned short port = Installation::adminPort(*daemon);
        CPPUNIT_ASSERT(waitFor(
            [&]
            { return HttpCall::send(port, "GET", "/api/v1/reload").object()->isNull("last"); }));
        site.rewrite("[pipeline]\nworkers = many\nworkerz = 2\n"
                     "[source.broken]\nplugin = no-such-plugin\n",
                     "1h");
        const std::string log = reload(*daemon);
        for (const char* part :
             {"pipeline.workers = 'many'", "workerz", "no-such-plugin",
              "reload failed (3 problem(s)); the running configuration is unchanged"})
            CPPUNIT_ASSERT_MESSAGE(std::string(part) + " in " + log, contains(log, part));
        // Still polling every 200ms, not 1h, with its one source.
        site.fake.addOrder("created");
        CPPUNIT_ASSERT(site.reaches(DELIVERIES, 1));
        CPPUNIT_ASSERT_EQUAL(
            std::string("200ms"),
            Installation::sourceStatus(port, "orders")->getValue<std::string>("interval"));
        const auto last = lastReload(port);
        CPPUNIT_ASSERT_EQUAL(std::string("failed"), last->getValue<std::string>("outcome"));
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), last->getArray("problems")->size());
        // A good configuration again: it applies.
        site.rewrite("", "300ms");
        CPPUNIT_ASSERT(contains(reload(*daemon), "reload applied"));
        CPPUNIT_ASSERT(Installation::stopAll({daemon.get()}));
    }

    void engineKeysApplyAndRestartOnlyKeysKeepTheirValue()
    {
        Installation site(0);
        auto daemon = site.start();
        const unsigned short port = Installation::adminPort(*daemon);
        const std::string courier = R"({"name":"Ivan","transport_type":"car"})";
        CPPUNIT_ASSERT_EQUAL(201, HttpCall::send(port, "POST", "/api/v1/couriers", courier).status);

        // A token, a longer car deadline, the scheduler's log level and a pool size (which needs
        // a restart), by a reload asked for through the API itself.
        CPPUNIT_ASSERT(!contains(daemon->output(), "tick, nothing new"));
        site.rewrite("[admin]\ntoken = s3cret\n[assignment]\ndeadline.car = 2h\n"
                     "[store]\npool_size = 3\n[logging]\nloggers.s.name = courierd.scheduler\n"
                     "loggers.s.level = debug\n");
        // ([admin] and [store] twice in one file: the later lines win, as POCO reads INI.)
        const std::size_t before = daemon->output().size();
        CPPUNIT_ASSERT_EQUAL(202, HttpCall::send(port, "POST", "/api/v1/reload").status);
        CPPUNIT_ASSERT(
            waitFor([&] { return contains(daemon->output().substr(before), "reload applied"); }));
        const std::string log = daemon->output().substr(before);
        CPPUNIT_ASSERT_MESSAGE(log, contains(log, "store.pool_size changed, which needs a "
                                                  "restart"));
        CPPUNIT_ASSERT_MESSAGE(log, contains(log, "admin.token"));
        // The scheduler's debug lines now show.
        CPPUNIT_ASSERT(daemon->waitForOutput("source orders: tick, nothing new"));
        CPPUNIT_ASSERT_EQUAL(401, HttpCall::send(port, "POST", "/api/v1/couriers", courier).status);
        CPPUNIT_ASSERT_EQUAL(201, HttpCall::send(port, "POST", "/api/v1/couriers", courier,
                                                 {{"Authorization", "Bearer s3cret"}})
                                      .status);
        site.fake.addOrder("created");
        CPPUNIT_ASSERT(site.reaches(DELIVERIES, 1));
        // The new deadline applies: about two hours, not five minutes.
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(1),
                             site.count("SELECT count(*) FROM deliveries WHERE deadline - "
                                        "assigned_at > interval '1 hour'"));
        const auto last = lastReload(port, "s3cret");
        CPPUNIT_ASSERT((names(last->getArray("restart_needed")) ==
                        std::vector<std::string>{"store.pool_size"}));
        // Issue 19, defect 7: a second reload of the same file compared with the last file
        // read, and no longer said that the pool still runs with its old size.
        CPPUNIT_ASSERT(contains(reload(*daemon), "reload applied"));
        CPPUNIT_ASSERT((names(lastReload(port, "s3cret")->getArray("restart_needed")) ==
                        std::vector<std::string>{"store.pool_size"}));
        CPPUNIT_ASSERT(Installation::stopAll({daemon.get()}));
    }

    // A plugin file replaced by a new build (as install(1) does): a reload restarts the sources
    // that use it on the new build, with the same checks as at start; records come from it.
    void aNewBuildOfAPluginIsPickedUpForItsSources()
    {
        const Poco::TemporaryFile dir;
        Poco::File(dir.path()).createDirectories();
        const auto install = [&](const std::string& fixture)
        {
            Poco::File(std::string(COURIERD_FIXTURE_PLUGIN_DIR) + "/" + fixture + ".so")
                .copyTo(dir.path() + "/p.so.new");
            Poco::File(dir.path() + "/p.so.new").renameTo(dir.path() + "/p.so");
        };
        install("fixture-good");
        Installation site(0, "[source.made]\nplugin = " + dir.path() + "/p.so\ninterval = 100ms\n");
        auto daemon = site.start();
        const unsigned short port = Installation::adminPort(*daemon);
        const std::string built = "SELECT count(*) FROM inbox WHERE source = 'made' AND "
                                  "payload::text LIKE '%build%2.0%'";
        CPPUNIT_ASSERT(waitFor(
            [&] { return site.count("SELECT count(*) FROM inbox WHERE source = 'made'") >= 3; }));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(0), site.count(built));

        // A build for another ABI is refused, and the running one goes on.
        install("fixture-old-abi");
        std::string log = reload(*daemon);
        CPPUNIT_ASSERT_MESSAGE(log, contains(log, "built for plugin ABI"));
        CPPUNIT_ASSERT_MESSAGE(log, contains(log, "reload failed"));

        // Issue 19, defect 2: a copy cut short and moved into place was a SIGBUS in the
        // dynamic loader; now the reload fails naming it, and the running build goes on.
        {
            const std::string whole =
                std::string(COURIERD_FIXTURE_PLUGIN_DIR) + "/fixture-good-v2.so";
            std::ifstream in(whole, std::ios::binary);
            std::string content((std::istreambuf_iterator<char>(in)),
                                std::istreambuf_iterator<char>());
            std::ofstream(dir.path() + "/p.so.new", std::ios::binary).write(content.data(), 5000);
            Poco::File(dir.path() + "/p.so.new").renameTo(dir.path() + "/p.so");
        }
        log = reload(*daemon);
        CPPUNIT_ASSERT_MESSAGE(log, contains(log, dir.path() + "/p.so: is cut short"));
        CPPUNIT_ASSERT_MESSAGE(log, contains(log, "reload failed"));
        // A deleted plugin file fails the reload too (it said "applied", and the next start
        // failed).
        Poco::File(dir.path() + "/p.so").remove();
        log = reload(*daemon);
        CPPUNIT_ASSERT_MESSAGE(log, contains(log, dir.path() + "/p.so no such file"));
        CPPUNIT_ASSERT_MESSAGE(log, contains(log, "reload failed"));
        const auto before = site.count("SELECT count(*) FROM inbox WHERE source = 'made'");
        CPPUNIT_ASSERT(waitFor(
            [&]
            { return site.count("SELECT count(*) FROM inbox WHERE source = 'made'") > before; }));

        install("fixture-good-v2");
        log = reload(*daemon);
        CPPUNIT_ASSERT_MESSAGE(log, contains(log, "changed: made"));
        CPPUNIT_ASSERT(waitFor([&] { return site.count(built) > 0; }));
        CPPUNIT_ASSERT_EQUAL(
            std::string("2.0"),
            Installation::sourceStatus(port, "made")->getValue<std::string>("plugin_version"));
        CPPUNIT_ASSERT(Installation::stopAll({daemon.get()}));
    }

    // 2,000 orders through two sources while courierd reloads 20 times: intervals change, a
    // third source comes and goes. Each order ends with exactly one courier.
    void twentyReloadsWhileOrdersFlowLoseNothingAndAssignNothingTwice()
    {
        FakeServiceOrder second;
        FakeServiceOrder third;
        Installation site(2500, section("second", second));
        auto daemon = site.start();
        std::mt19937 random(20261126);
        const char* intervals[] = {"100ms", "200ms", "350ms", "500ms"};
        int orders = 0;
        int thirdOrders = 0;
        bool withThird = false;
        for (int round = 0; round < 20; ++round)
        {
            for (int i = 0; i < 50; ++i, orders += 2)
            {
                site.fake.addOrder("created");
                second.addOrder("created");
            }
            if (withThird)
                for (int i = 0; i < 10; ++i, ++thirdOrders)
                    third.addOrder("created");
            withThird = round % 3 != 2; // comes, stays, goes
            std::string extra =
                section("second", second, intervals[random() % 4]) +
                (withThird ? section("third", third, intervals[random() % 4]) : std::string());
            site.rewrite(extra, intervals[random() % 4]);
            const std::string log = reload(*daemon);
            CPPUNIT_ASSERT_MESSAGE(log, contains(log, "reload applied"));
        }
        // Whatever the third source has left is read once it is back for good.
        site.rewrite(section("second", second) + section("third", third));
        CPPUNIT_ASSERT(contains(reload(*daemon), "reload applied"));
        CPPUNIT_ASSERT_EQUAL(2000, orders);
        CPPUNIT_ASSERT_MESSAGE(daemon->output().substr(0, 3000),
                               site.reaches(DELIVERIES, orders + thirdOrders, 120s));
        CPPUNIT_ASSERT(Installation::stopAll({daemon.get()}));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(orders + thirdOrders),
                             site.count("SELECT count(DISTINCT (source, order_id)) FROM "
                                        "deliveries"));
        const auto violated = site.violatedAtRest();
        CPPUNIT_ASSERT_MESSAGE(joined(violated), violated.empty());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ReloadTest);
