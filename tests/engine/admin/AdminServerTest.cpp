#include "admin/AdminServer.h"

#include "AdminFixture.h"
#include "HttpCall.h"
#include "TestFiles.h"
#include "admin/AdminInput.h"
#include "app/AdminAdapters.h"
#include "sources/Ingestor.h"

#include <Poco/JSON/Array.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Thread.h>
#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <iostream>

using namespace courierd;
using courierd::test::Admin;
using courierd::test::assertApiError;
using courierd::test::HttpCall;
using courierd::test::NoReload;
using courierd::test::oneSource;
using courierd::test::StoreFixture;

class AdminServerTest : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(AdminServerTest);
    CPPUNIT_TEST(healthAndReady);
    CPPUNIT_TEST(notReadyWithoutTheDatabase);
    CPPUNIT_TEST(sourcesShowStatusCursorAndCounts);
    CPPUNIT_TEST(couriersAreCreatedListedReadAndUpdated);
    CPPUNIT_TEST(badCourierInputIsA400WithTheReason);
    CPPUNIT_TEST(changingABusyCourierIsAConflict);
    CPPUNIT_TEST(unknownRoutesAndMethods);
    CPPUNIT_TEST(tokenGuardsEveryApiRequest);
    CPPUNIT_TEST(healthAnswersWhileSlowAndIdleClientsHoldConnections);
    CPPUNIT_TEST(hostileRequestsAreRefusedPlainly);
    CPPUNIT_TEST(everyRouteRefusesMalformedInputWithA4xx);
    CPPUNIT_TEST_SUITE_END();

public:
    void healthAndReady()
    {
        Admin admin;
        auto health = admin.call("GET", "/health");
        CPPUNIT_ASSERT_EQUAL(200, health.status);
        CPPUNIT_ASSERT_EQUAL(std::string("ok"), health.object()->getValue<std::string>("status"));
        auto ready = admin.call("GET", "/ready");
        CPPUNIT_ASSERT_EQUAL(200, ready.status);
        CPPUNIT_ASSERT_EQUAL(1, ready.object()->getValue<int>("sources"));
    }

    void notReadyWithoutTheDatabase()
    {
        StoreConfig config = EngineConfig::defaults().store;
        config.url = "host=127.0.0.1 port=1 password=hunter22";
        config.connectTimeout = std::chrono::seconds(2);
        Database database(config);
        CourierRepository repository(database);
        DatabaseHealth health(database, [] { return std::size_t(0); });
        RepositoryCouriers couriers(repository, [] {});
        SourceStore sourceStore(database);
        SourceControls controls(database);
        CursorStore cursorStore(database);
        ReplayStore replays(database);
        ScheduledSources sources({oneSource, sourceStore, controls, {}, cursorStore, {}, replays});
        NoReload reload;
        Ledger ledger(database);
        CourierAssigner assigner(database, StoreFixture::assignmentConfig());
        StoreLedger ledgerService(ledger, assigner, {});
        metrics::History history(metrics::Registry::unused());
        AdminServer server("127.0.0.1:0", {},
                           AdminServices{health, couriers, sources, reload, ledgerService,
                                         metrics::Registry::unused(), history});
        server.start();
        const auto ready = HttpCall::send(server.port(), "GET", "/ready");
        assertApiError(ready, 503, "not_ready");
        CPPUNIT_ASSERT(ready.body.find("hunter22") == std::string::npos);
        CPPUNIT_ASSERT_EQUAL(200, HttpCall::send(server.port(), "GET", "/health").status);
    }

    void sourcesShowStatusCursorAndCounts()
    {
        Admin admin;
        Ingestor ingestor(admin.store.database, "test", std::chrono::seconds(30));
        const auto lease = ingestor.acquire("orders");
        Batch batch;
        batch.records.push_back({"o1", Poco::Timestamp(), "{}", Record::Verdict::Assign, ""});
        batch.records.push_back(
            {"o2", Poco::Timestamp(), "{}", Record::Verdict::Skip, "status canceled"});
        batch.rejects.push_back({"", "{oops", "not JSON"});
        batch.cursor = "cursor-1";
        ingestor.ingest(*lease, batch);

        const auto call = admin.call("GET", "/api/v1/sources");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(call.body, 200, call.status);
        const auto sources = call.json().extract<Poco::JSON::Array::Ptr>();
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), sources->size());
        const auto source = sources->getObject(0);
        CPPUNIT_ASSERT_EQUAL(std::string("orders"), source->getValue<std::string>("name"));
        CPPUNIT_ASSERT_EQUAL(std::string("service-order"), source->getValue<std::string>("plugin"));
        CPPUNIT_ASSERT_EQUAL(std::string("5s"), source->getValue<std::string>("interval"));
        CPPUNIT_ASSERT_EQUAL(std::string("GET http://x: 503"),
                             source->getValue<std::string>("last_error"));
        CPPUNIT_ASSERT_EQUAL(std::string("cursor-1"), source->getValue<std::string>("cursor"));
        const auto records = source->getObject("records");
        CPPUNIT_ASSERT_EQUAL(1, records->getValue<int>("pending"));
        CPPUNIT_ASSERT_EQUAL(1, records->getValue<int>("skipped"));
        CPPUNIT_ASSERT_EQUAL(1, records->getValue<int>("rejected"));
        CPPUNIT_ASSERT_EQUAL(0, records->getValue<int>("assigned"));
    }

    void couriersAreCreatedListedReadAndUpdated()
    {
        Admin admin;
        auto created = admin.call("POST", "/api/v1/couriers",
                                  R"({"name":"Ivan","phone":"+7 900","transport_type":"scooter"})");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(created.body, 201, created.status);
        const auto courier = created.object();
        const auto id = courier->getValue<Poco::Int64>("id");
        CPPUNIT_ASSERT_EQUAL(std::string("available"), courier->getValue<std::string>("status"));
        CPPUNIT_ASSERT_EQUAL("/api/v1/couriers/" + std::to_string(id),
                             created.headers.at("Location"));
        CPPUNIT_ASSERT_EQUAL(1, admin.wakes.load());

        admin.call("POST", "/api/v1/couriers",
                   R"({"name":"Olga","transport_type":"car","status":"paused"})");
        CPPUNIT_ASSERT_EQUAL(1, admin.wakes.load()); // a paused courier frees no capacity
        auto all = admin.call("GET", "/api/v1/couriers");
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), all.json().extract<Poco::JSON::Array::Ptr>()->size());
        auto paused = admin.call("GET", "/api/v1/couriers?status=paused");
        CPPUNIT_ASSERT_EQUAL(std::size_t(1),
                             paused.json().extract<Poco::JSON::Array::Ptr>()->size());

        auto one = admin.call("GET", "/api/v1/couriers/" + std::to_string(id));
        CPPUNIT_ASSERT_EQUAL(std::string("Ivan"), one.object()->getValue<std::string>("name"));
        auto patched = admin.call("PATCH", "/api/v1/couriers/" + std::to_string(id),
                                  R"({"status":"paused","name":"Ivan I."})");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(patched.body, 200, patched.status);
        CPPUNIT_ASSERT_EQUAL(std::string("paused"),
                             patched.object()->getValue<std::string>("status"));
        CPPUNIT_ASSERT_EQUAL(std::string("scooter"),
                             patched.object()->getValue<std::string>("transport_type"));
        assertApiError(admin.call("GET", "/api/v1/couriers/999"), 404, "not_found");
        assertApiError(admin.call("PATCH", "/api/v1/couriers/999", R"({"name":"x"})"), 404,
                       "not_found");
    }

    void badCourierInputIsA400WithTheReason()
    {
        Admin admin;
        assertApiError(
            admin.call("POST", "/api/v1/couriers", R"({"name":"x","transport_type":"bike"})"), 400,
            "invalid_courier");
        assertApiError(admin.call("POST", "/api/v1/couriers", R"({"name":"x","transport_type":3})"),
                       400, "invalid_courier");
        assertApiError(admin.call("POST", "/api/v1/couriers", "{not json"), 400, "bad_json");
        assertApiError(admin.call("POST", "/api/v1/couriers", "[1]"), 400, "bad_json");
        assertApiError(admin.call("GET", "/api/v1/couriers?status=sleepy"), 400, "bad_query");
        const auto message =
            admin.call("POST", "/api/v1/couriers", R"({"name":"","transport_type":"car"})")
                .object()
                ->getValue<std::string>("message");
        CPPUNIT_ASSERT_MESSAGE(message, message.find("name") != std::string::npos);
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(0),
                             admin.store.db.scalar("SELECT count(*) FROM couriers"));
    }

    void changingABusyCourierIsAConflict()
    {
        Admin admin;
        const auto courier = admin.store.addCourier("Oleg");
        admin.store.assigner.assign("o1", "test");
        assertApiError(admin.call("PATCH", "/api/v1/couriers/" + std::to_string(courier.id),
                                  R"({"status":"paused"})"),
                       409, "conflict");
    }

    void unknownRoutesAndMethods()
    {
        Admin admin;
        assertApiError(admin.call("GET", "/nope"), 404, "not_found");
        const auto wrong = admin.call("DELETE", "/api/v1/couriers");
        assertApiError(wrong, 405, "method_not_allowed");
        CPPUNIT_ASSERT_EQUAL(std::string("GET, POST"), wrong.headers.at("Allow"));
        assertApiError(admin.call("POST", "/health"), 405, "method_not_allowed");
    }

    void tokenGuardsEveryApiRequest()
    {
        Admin admin("s3cret");
        const std::string body = R"({"name":"x","transport_type":"car"})";
        assertApiError(admin.call("POST", "/api/v1/couriers", body), 401, "unauthorized");
        assertApiError(
            admin.call("POST", "/api/v1/couriers", body, {{"Authorization", "Bearer nope"}}), 401,
            "unauthorized");
        CPPUNIT_ASSERT_EQUAL(
            201, admin.call("POST", "/api/v1/couriers", body, {{"Authorization", "Bearer s3cret"}})
                     .status);
        // Reads too: payloads and couriers are customers' and employees' data.
        const auto read = admin.call("GET", "/api/v1/couriers");
        assertApiError(read, 401, "unauthorized");
        CPPUNIT_ASSERT_EQUAL(std::string("Bearer"), read.headers.at("WWW-Authenticate"));
        CPPUNIT_ASSERT_EQUAL(
            200,
            admin.call("GET", "/api/v1/couriers", "", {{"Authorization", "Bearer s3cret"}}).status);
        CPPUNIT_ASSERT_EQUAL(200, admin.call("GET", "/health").status);
        CPPUNIT_ASSERT_EQUAL(200, admin.call("GET", "/ready").status);
    }

    // Found by hostile testing: 8 idle keep-alive sockets blocked /health for 60 s, and 200
    // slow clients for as long as they stayed: a liveness probe would restart a healthy daemon.
    void healthAnswersWhileSlowAndIdleClientsHoldConnections()
    {
        Admin admin;
        const Poco::Net::SocketAddress address("127.0.0.1", admin.server.port());
        std::vector<std::unique_ptr<Poco::Net::StreamSocket>> clients;
        for (int i = 0; i < 200; ++i)
        {
            auto client = std::make_unique<Poco::Net::StreamSocket>(address);
            // Half of them idle, half in the middle of a request they never finish.
            if (i % 2 == 0)
            {
                const std::string partial = "GET /health HTTP/1.1\r\nHost: x\r\n";
                client->sendBytes(partial.data(), static_cast<int>(partial.size()));
            }
            clients.push_back(std::move(client));
        }
        Poco::Thread::sleep(200); // every connection accepted and handed to a thread
        // No time bound on the answers (a sanitized build on a loaded machine is slow): each
        // must come while the slow clients still hold their connections, that is before the
        // server's receive timeout drops them. Before the fix it came only after.
        const auto stillConnected = [](Poco::Net::StreamSocket& client)
        {
            if (!client.poll(Poco::Timespan(0), Poco::Net::Socket::SELECT_READ))
                return true;
            char byte;
            return client.receiveBytes(&byte, 1) > 0;
        };
        for (int i = 0; i < 5; ++i)
        {
            const Poco::Timestamp started;
            CPPUNIT_ASSERT_EQUAL(200, admin.call("GET", "/health").status);
            std::cout << (i == 0 ? "\n/health with 200 slow clients connected: " : ", ")
                      << started.elapsed() / 1000 << " ms";
            CPPUNIT_ASSERT(stillConnected(*clients.front())); // in mid-request
            CPPUNIT_ASSERT(stillConnected(*clients.back()));  // idle
        }
        std::cout << "\n";
        // Idle clients are dropped after the receive timeout, not held for good.
        char byte;
        clients.back()->setReceiveTimeout(Poco::Timespan(10, 0));
        const Poco::Timestamp waiting;
        CPPUNIT_ASSERT_EQUAL(0, clients.back()->receiveBytes(&byte, 1));
        CPPUNIT_ASSERT(waiting.elapsed() < 8'000'000);
    }

    // Found by hostile testing: "ab\u0000cd" was stored as "ab", invalid UTF-8 garbled; "+1",
    // "%201" and "1%00" read courier 1; errors said "400 OK"; bad_json showed C++ type names.
    void hostileRequestsAreRefusedPlainly()
    {
        Admin admin;
        CPPUNIT_ASSERT_EQUAL(
            201, admin.call("POST", "/api/v1/couriers", R"({"name":"Ivan","transport_type":"car"})")
                     .status);
        const auto nul = admin.call("POST", "/api/v1/couriers",
                                    R"({"name":"ab\u0000cd","transport_type":"car"})");
        assertApiError(nul, 400, "invalid_courier");
        CPPUNIT_ASSERT_MESSAGE(nul.body, nul.body.find("not UTF-8 text") != std::string::npos);
        for (const std::string& name : {std::string("ab\\ud800"), std::string("ab\xff\xfe")})
            CPPUNIT_ASSERT_EQUAL(400,
                                 admin
                                     .call("POST", "/api/v1/couriers",
                                           R"({"name":")" + name + R"(","transport_type":"car"})")
                                     .status);
        const auto patched = admin.call("PATCH", "/api/v1/couriers/1", R"({"name":"a\u0000"})");
        assertApiError(patched, 400, "invalid_courier");
        CPPUNIT_ASSERT_EQUAL(std::string("Ivan"),
                             admin.store.db.text("SELECT name FROM couriers WHERE id = 1"));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(1),
                             admin.store.db.scalar("SELECT count(*) FROM couriers"));

        CPPUNIT_ASSERT_EQUAL(200, admin.call("GET", "/api/v1/couriers/1").status);
        for (const char* id : {"+1", "%201", "1%00", "01x", "99999999999999999999"})
            assertApiError(admin.call("GET", std::string("/api/v1/couriers/") + id), 404,
                           "not_found");

        const auto notAnObject = admin.call("POST", "/api/v1/couriers", "[1,2]");
        assertApiError(notAnObject, 400, "bad_json");
        CPPUNIT_ASSERT_EQUAL(std::string("Bad Request"), notAnObject.reason);
        CPPUNIT_ASSERT_MESSAGE(notAnObject.body,
                               notAnObject.body.find("Poco") == std::string::npos &&
                                   notAnObject.body.find("N4") == std::string::npos);
        CPPUNIT_ASSERT_EQUAL(std::string("Not Found"), admin.call("GET", "/api/v1/nothing").reason);
    }

    // The matrix: every route, with malformed and mistyped bodies, huge values, NUL bytes, bad
    // percent-encoding and dot segments. Always a 4xx with a JSON error; never a 500.
    void everyRouteRefusesMalformedInputWithA4xx()
    {
        Admin admin;
        CPPUNIT_ASSERT_EQUAL(
            201, admin.call("POST", "/api/v1/couriers", R"({"name":"Ivan","transport_type":"car"})")
                     .status);
        const std::string mb(1 << 20, 'n');
        const std::vector<std::string> bodies = {
            "",
            "{",
            "[]",
            "null",
            "42",
            R"("x")",
            R"({"name":7,"transport_type":"car"})",
            R"({"name":["a"],"transport_type":"car"})",
            R"({"name":{"a":1},"transport_type":"car"})",
            R"({"name":"a","transport_type":"car","status":true})",
            R"({"name":1e999,"transport_type":"car"})",
            R"({"name":"a","phone":123456789012345678901234567890,"transport_type":"car"})",
            R"({"name":"a","transport_type":"bicycle"})",
            R"({"name":"a","transport_type":"car","status":"busy"})",
            R"({"name":"a","phone":"call me","transport_type":"car"})",
            R"({"name":")" + std::string(300, 'n') + R"(","transport_type":"car"})",
            R"({"name":"a","transport_type":")" + std::string(60000, 't') + R"("})",
            R"({"name":")" + mb + R"(","transport_type":"car"})",
            std::string("{\"name\":\"a\0b\",\"transport_type\":\"car\"}", 35),
            R"({"name":"\u0000","transport_type":"car"})",
            R"({"name":"   ","transport_type":"car"})",
            std::string(10000, '[') + std::string(10000, ']'),
            "{\"name\":\"\xc0\xaf\",\"transport_type\":\"car\"}",
        };
        const std::vector<std::string> paths = {
            "/api/v1/couriers/%zz",
            "/api/v1/couriers/%",
            "/api/v1/couriers/%00",
            "/api/v1/couriers/../couriers",
            "/api/v1/couriers/1/..",
            "/api/v1/../../../etc/passwd",
            "/api/v1/couriers/-1",
            "/api/v1/couriers/0x10",
            "/api/v1/couriers/99999999999999999999999999",
            "/api/v1/couriers/1?x=%zz",
            "/api/v1/couriers?status=%zz",
            "/api/v1/couriers?status=" + std::string(4000, 's'),
            "/api/v1/couriers?status=busy%00",
            "/api/v1/sources/..",
            "/health/..%2f..%2f",
            "//api//v1//couriers//1",
            "/%00",
            "/ui/%FF",
            "/ui/..%2f..%2fetc%2fpasswd",
            "/ui/app.js%00",
            "/ui/" + std::string(4000, 'a'),
        };
        std::vector<std::string> wrong;
        const auto check =
            [&](const std::string& method, const std::string& path, const std::string& body)
        {
            HttpCall call;
            try
            {
                call = admin.call(method, path, body);
            }
            catch (const Poco::IOException&)
            {
                // A body over the limit: answered 413 before it was read, and the connection
                // closed under the client still sending it (seen as a broken pipe).
                if (body.size() > courierd::MAX_ADMIN_BODY)
                    return;
                throw;
            }
            const bool json = call.body.find("\"code\"") != std::string::npos;
            if (call.status < 400 || call.status > 499 || !json)
                wrong.push_back(method + " " + path.substr(0, 60) + " " + body.substr(0, 60) +
                                " -> " + std::to_string(call.status) + " " +
                                call.body.substr(0, 200));
        };
        for (const auto& body : bodies)
        {
            check("POST", "/api/v1/couriers", body);
            check("PATCH", "/api/v1/couriers/1", body);
        }
        for (const auto& path : paths)
        {
            check("GET", path, "");
            check("PATCH", path, R"({"name":"x"})");
        }
        for (const char* path : {"/health", "/ready", "/api/v1/sources"})
            check("POST", path, R"({"a":1})");
        CPPUNIT_ASSERT_MESSAGE(courierd::test::joined(wrong), wrong.empty());
        CPPUNIT_ASSERT_EQUAL(200, admin.call("GET", "/health").status);
        CPPUNIT_ASSERT_EQUAL(std::string("Ivan"),
                             admin.store.db.text("SELECT name FROM couriers WHERE id = 1"));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(1),
                             admin.store.db.scalar("SELECT count(*) FROM couriers"));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(AdminServerTest);
