#include "DaemonProcess.h"
#include "HttpCall.h"
#include "Installation.h"
#include "TestFiles.h"
#include "Wait.h"
#include "courierd/Rfc3339.h"

#include <cppunit/extensions/HelperMacros.h>

#include <iostream>

using namespace courierd;
using namespace std::chrono_literals;
using courierd::test::DaemonProcess;
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

Poco::JSON::Object::Ptr source(unsigned short port)
{
    const auto call = HttpCall::send(port, "GET", "/api/v1/sources/orders", "",
                                     {{"Authorization", "Bearer t0ken"}});
    CPPUNIT_ASSERT_EQUAL_MESSAGE(call.body, 200, call.status);
    return call.object();
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
    CPPUNIT_TEST(aCursorMovedBackAssignsNothingTwiceAndLosesNothing);
    CPPUNIT_TEST(aRenamedSourceKeepsItsOrdersAndItsCursor);
    CPPUNIT_TEST(aRenameIsRefusedWhileAnInstanceHasTheSourceConfigured);
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

    // An operator rewinds a paused source's cursor by an hour, through the real binary and
    // service-order's cursorAt(): the resumed poll uses the new cursor at once (not a stale
    // copy of the old one), re-reads what is already stored, and assigns only what is new.
    void aCursorMovedBackAssignsNothingTwiceAndLosesNothing()
    {
        Installation site(10);
        site.rewrite("[admin]\ntoken = t0ken\n", "1h");
        const Poco::Timestamp now;
        for (int minutes : {50, 40, 30})
            site.fake.addOrder("created", now - Poco::Timespan(0, 0, minutes, 0, 0));
        site.fake.addOrder("created");
        auto a = site.start({"--set", "daemon.instance_id=a"});
        CPPUNIT_ASSERT_MESSAGE(a->output(), site.reaches(DELIVERIES, 4));
        const unsigned short port = Installation::adminPort(*a);
        const std::map<std::string, std::string> token{{"Authorization", "Bearer t0ken"}};

        CPPUNIT_ASSERT_EQUAL(200, post(port, "/api/v1/sources/orders/pause").status);
        CPPUNIT_ASSERT(waitFor([&] { return state(port) == "paused"; }));
        // Issue 19, defect 7: a cursor in the future was taken, and the source then fetched
        // nothing while showing running and ok.
        const auto future = HttpCall::send(
            port, "PUT", "/api/v1/sources/orders/cursor",
            R"({"from":")" + formatRfc3339(now + Poco::Timespan(0, 1, 0, 0, 0)) + R"("})", token);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(future.body, 400, future.status);
        CPPUNIT_ASSERT_MESSAGE(future.body,
                               future.body.find("past now + max_clock_skew") != std::string::npos);
        const std::string hourAgo = formatRfc3339(now - Poco::Timespan(0, 1, 0, 0, 0));
        const auto moved =
            HttpCall::send(port, "PUT", "/api/v1/sources/orders/cursor",
                           R"({"from":")" + hourAgo + R"(","reason":"missed orders"})", token);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(moved.body, 200, moved.status);
        const std::string rewound = moved.object()->getValue<std::string>("cursor");
        CPPUNIT_ASSERT(rewound.find("\"v\":3") != std::string::npos);

        site.fake.addOrder("created");
        const auto ticks = source(port)->getValue<int>("ticks");
        CPPUNIT_ASSERT_EQUAL(200, post(port, "/api/v1/sources/orders/resume").status);
        CPPUNIT_ASSERT_MESSAGE(a->output(), site.reaches(DELIVERIES, 5));
        CPPUNIT_ASSERT(waitFor([&] { return source(port)->getValue<int>("ticks") > ticks; }));
        const auto status = source(port);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(a->output(), std::string("ok"),
                                     status->getValue<std::string>("last_outcome"));
        // The hour re-read: five orders, each stored and assigned once.
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(5), site.count("SELECT count(*) FROM inbox"));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(5), site.count("SELECT count(*) FROM deliveries"));
        CPPUNIT_ASSERT(site.db().text("SELECT cursor FROM source_cursors") != rewound);
        CPPUNIT_ASSERT_EQUAL(std::string("missed orders"),
                             site.db().text("SELECT reason FROM cursor_history"));
        CPPUNIT_ASSERT_MESSAGE(test::joined(site.violated()), site.violated().empty());
        CPPUNIT_ASSERT(Installation::stopAll({a.get()}));
    }

    // Renaming a source as an operator does: every courierd stopped, [source.orders] renamed
    // [source.shop], then `courierd --rename-source orders=shop`. Without the rename, shop
    // would start from start_from and assign every order a second time.
    void aRenamedSourceKeepsItsOrdersAndItsCursor()
    {
        Installation site(10);
        for (int i = 0; i < 3; ++i)
            site.fake.addOrder("created");
        auto a = site.start();
        CPPUNIT_ASSERT_MESSAGE(a->output(), site.reaches(DELIVERIES, 3));
        const auto rename = [&site](std::string& output)
        {
            return DaemonProcess::run(
                {"--config", site.configPath(), "--rename-source", "orders=shop"}, output);
        };
        std::string output;
        // Refused before the configuration names shop, and while an instance holds the lease.
        CPPUNIT_ASSERT_EQUAL_MESSAGE(output, 78, rename(output));
        CPPUNIT_ASSERT_MESSAGE(output, output.find("[source.shop]") != std::string::npos);
        site.rewrite("", "200ms", "shop");
        output.clear();
        CPPUNIT_ASSERT_EQUAL_MESSAGE(output, 75, rename(output));
        CPPUNIT_ASSERT_MESSAGE(output, output.find("stop every courierd") != std::string::npos);
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(0),
                             site.count("SELECT count(*) FROM inbox WHERE source = 'shop'"));

        CPPUNIT_ASSERT(Installation::stopAll({a.get()}));
        output.clear();
        CPPUNIT_ASSERT_EQUAL_MESSAGE(output, 0, rename(output));
        CPPUNIT_ASSERT_MESSAGE(output,
                               output.find("3 inbox row(s), 3 delivery(ies)") != std::string::npos);
        std::cout << "\n" << output;

        site.fake.addOrder("created");
        a = site.start();
        CPPUNIT_ASSERT_MESSAGE(a->output(), site.reaches(DELIVERIES, 4));
        const unsigned short port = Installation::adminPort(*a);
        // A few more polls: nothing fetched again from the start, nothing assigned twice.
        const int ticks = Installation::sourceStatus(port, "shop")->getValue<int>("ticks");
        CPPUNIT_ASSERT(waitFor(
            [&] {
                return Installation::sourceStatus(port, "shop")->getValue<int>("ticks") >=
                       ticks + 3;
            }));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(4),
                             site.count("SELECT count(*) FROM inbox WHERE source = 'shop'"));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(4),
                             site.count("SELECT count(*) FROM deliveries WHERE source = 'shop'"));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(0),
                             site.count("SELECT count(*) FROM inbox WHERE source <> 'shop'"));
        CPPUNIT_ASSERT_EQUAL(
            Poco::Int64(1),
            site.count("SELECT count(*) FROM source_cursors WHERE source = 'shop'"));
        // shop has orders now: a rename onto it is refused (two sources are never merged).
        CPPUNIT_ASSERT(Installation::stopAll({a.get()}));
        output.clear();
        CPPUNIT_ASSERT_EQUAL(
            75, DaemonProcess::run({"--config", site.configPath(), "--rename-source", "ghost=shop"},
                                   output));
        CPPUNIT_ASSERT_MESSAGE(output, output.find("never merges") != std::string::npos);
    }

    // Issue 19, defect 1: an instance running [source.orders] paused holds no lease, and
    // `--rename-source orders=shop` went ahead; the old instance then saw orders unpaused (its
    // pause row moved) and polled it from the start, and 242 orders had a delivery under both
    // names. The instances table refuses it; the rename moves everything a source has,
    // retention horizon and replays included, leaves the old name paused, and refuses a FROM
    // that holds nothing and names against the rules.
    void aRenameIsRefusedWhileAnInstanceHasTheSourceConfigured()
    {
        Installation site(10);
        const std::string extra = "[admin]\ntoken = t0ken\n[daemon]\nlease_ttl = 5s\n";
        site.rewrite(extra, "1h");
        for (int i = 0; i < 3; ++i)
            site.fake.addOrder("created");
        auto a = site.start({"--set", "daemon.instance_id=a"});
        CPPUNIT_ASSERT_MESSAGE(a->output(), site.reaches(DELIVERIES, 3));
        CPPUNIT_ASSERT_EQUAL(std::string("{orders}"),
                             site.db().text("SELECT sources::text FROM instances "
                                            "WHERE instance_id = 'a'"));
        const unsigned short port = Installation::adminPort(*a);
        CPPUNIT_ASSERT_EQUAL(200, post(port, "/api/v1/sources/orders/pause").status);
        CPPUNIT_ASSERT(waitFor([&] { return state(port) == "paused"; }));
        // Paused: its lease runs out, and nothing else showed that a is still there.
        CPPUNIT_ASSERT(site.reaches(
            "SELECT count(*) FROM source_leases WHERE expires_at > now() AND holder = 'a'", 0,
            30s));

        site.rewrite(extra, "1h", "shop");
        const auto rename = [&site](const std::string& names, std::string& output)
        {
            output.clear();
            return DaemonProcess::run({"--config", site.configPath(), "--rename-source", names},
                                      output);
        };
        std::string output;
        CPPUNIT_ASSERT_EQUAL_MESSAGE(output, 75, rename("orders=shop", output));
        CPPUNIT_ASSERT_MESSAGE(output, output.find("instance a has source orders or shop "
                                                   "configured and is alive") != std::string::npos);
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(3),
                             site.count("SELECT count(*) FROM inbox WHERE source = 'orders'"));
        CPPUNIT_ASSERT_EQUAL(std::string("paused"),
                             site.db().text("SELECT state FROM source_controls"));

        // A clean stop removes its row; the rename goes ahead and moves everything.
        CPPUNIT_ASSERT(Installation::stopAll({a.get()}));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(0), site.count("SELECT count(*) FROM instances"));
        site.db().execute("INSERT INTO source_retention VALUES ('orders', now() - interval '40d')");
        site.db().execute("INSERT INTO replays (source, from_at, to_at, cursor, state) VALUES "
                          "('orders', now() - interval '2h', now() - interval '1h', '', 'done')");
        site.db().execute("INSERT INTO unassignments (source, order_id, courier_id, assigned_at, "
                          "requeued) VALUES ('orders', 'o1', 1, now(), true)");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(output, 0, rename("orders=shop", output));
        CPPUNIT_ASSERT_MESSAGE(output, output.find("orders is left paused") != std::string::npos);
        for (const char* table : {"inbox", "deliveries", "source_retention", "replays",
                                  "source_cursors", "cursor_history", "unassignments"})
            CPPUNIT_ASSERT_EQUAL_MESSAGE(table, Poco::Int64(0),
                                         site.count(std::string("SELECT count(*) FROM ") + table +
                                                    " WHERE source = 'orders'"));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(1),
                             site.count("SELECT count(*) FROM source_retention WHERE source = "
                                        "'shop'"));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(1),
                             site.count("SELECT count(*) FROM replays WHERE source = 'shop'"));
        CPPUNIT_ASSERT_EQUAL(
            Poco::Int64(1), site.count("SELECT count(*) FROM unassignments WHERE source = 'shop'"));
        // shop keeps orders' pause; orders itself stays paused for anyone still configured so.
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(2),
                             site.count("SELECT count(*) FROM source_controls "
                                        "WHERE state = 'paused' AND source IN ('orders', 'shop')"));

        // A FROM that holds nothing is a typo, not a rename: 66, nothing changed.
        site.rewrite(extra, "1h", "other");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(output, 66, rename("oders=other", output));
        CPPUNIT_ASSERT_MESSAGE(output,
                               output.find("source oders holds nothing") != std::string::npos);
        // Names against the source-name rules: 64, the name shown escaped.
        for (const std::string& bad :
             {std::string("a\nb=other"), std::string("it's=other"),
              std::string(300, 'x') + "=other", std::string("=other"), std::string("other")})
        {
            CPPUNIT_ASSERT_EQUAL_MESSAGE(output, 64, rename(bad, output));
            CPPUNIT_ASSERT_MESSAGE(output, output.find('\n') == output.size() - 1);
        }
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(0),
                             site.count("SELECT count(*) FROM inbox WHERE source <> 'shop'"));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SourceControlTest);
