#include "HttpCall.h"
#include "TestFiles.h"
#include "admin/AdminServer.h"
#include "util/Exceptions.h"

#include <Poco/JSON/Array.h>
#include <Poco/String.h>
#include <cppunit/extensions/HelperMacros.h>

#include <algorithm>
#include <mutex>
#include <set>
#include <stdexcept>

using namespace courierd;
using courierd::test::assertApiError;
using courierd::test::HttpCall;

// The admin endpoint's routing, token, error mapping and handlers, over in-memory services:
// real HTTP on loopback, no PostgreSQL.

namespace
{

// Throws what `failWith` says from every call, to test the error mapping.
struct Faults
{
    std::string failWith; // "", "store", "conflict", "validation", "other", "poco"

    void maybeThrow() const
    {
        if (failWith == "store")
            throw StoreException("cannot connect to PostgreSQL (host=db): refused");
        if (failWith == "conflict")
            throw ConflictException("courier 1 is busy");
        if (failWith == "validation")
            throw ValidationException("name: empty");
        if (failWith == "other")
            throw std::runtime_error("password=hunter2 leaked");
        if (failWith == "poco")
            throw Poco::IOException("password=hunter2 leaked");
    }
};

class FakeHealth : public HealthService
{
public:
    std::string unready() override { return why; }
    std::size_t sources() override { return 2; }
    std::string why;
};

class FakeCouriers : public CourierService
{
public:
    std::vector<Courier> list(std::optional<CourierStatus> status) override
    {
        faults.maybeThrow();
        std::lock_guard lock(mutex);
        std::vector<Courier> out;
        for (const auto& courier : couriers)
            if (!status || courier.status == *status)
                out.push_back(courier);
        return out;
    }
    std::optional<Courier> get(Poco::Int64 id) override
    {
        faults.maybeThrow();
        std::lock_guard lock(mutex);
        for (const auto& courier : couriers)
            if (courier.id == id)
                return courier;
        return std::nullopt;
    }
    Courier create(const NewCourier& wanted) override
    {
        faults.maybeThrow();
        std::lock_guard lock(mutex);
        Courier courier;
        courier.id = static_cast<Poco::Int64>(couriers.size()) + 1;
        courier.name = wanted.name;
        courier.transport = Transport::Car;
        couriers.push_back(courier);
        return courier;
    }
    Courier update(Poco::Int64 id, const CourierChanges& changes) override
    {
        faults.maybeThrow();
        std::lock_guard lock(mutex);
        for (auto& courier : couriers)
            if (courier.id == id)
            {
                if (changes.name)
                    courier.name = *changes.name;
                return courier;
            }
        throw Poco::NotFoundException("no courier " + std::to_string(id));
    }

    Faults faults;
    std::mutex mutex;
    std::vector<Courier> couriers;
};

class FakeSources : public SourceService
{
public:
    std::vector<SourceView> list() override
    {
        SourceView view;
        view.status.name = "orders";
        view.status.plugin = "service-order";
        view.status.pluginVersion = "1.2.3";
        view.status.interval = std::chrono::seconds(5);
        view.status.lastOutcome = "ok";
        view.status.state = paused ? "paused" : "running";
        view.cursor = "c1";
        view.records = {{"pending", 4}, {"assigned", 7}};
        return {view};
    }
    std::optional<SourceView> get(const std::string& name) override
    {
        asked = name;
        if (name != "orders")
            return std::nullopt;
        return list().front();
    }
    std::optional<SourceView> pause(const std::string& name) override
    {
        if (name == "orders")
            paused = true;
        return get(name);
    }
    std::optional<SourceView> resume(const std::string& name) override
    {
        if (name == "orders")
            paused = false;
        return get(name);
    }
    std::optional<Poco::Timestamp> trigger(const std::string& name) override
    {
        if (name != "orders")
            return std::nullopt;
        ++triggers;
        return Poco::Timestamp();
    }
    std::optional<std::optional<StoredCursor>> cursor(const std::string& name) override
    {
        if (name != "orders")
            return std::nullopt;
        return std::optional<StoredCursor>{};
    }
    std::optional<CursorChange> setCursor(const std::string& name,
                                          const CursorRequest& request) override
    {
        if (name != "orders")
            return std::nullopt;
        lastCursorRequest = request;
        CursorChange change;
        change.cursor = request.cursor.value_or("");
        change.reason = request.reason;
        change.remote = request.remote;
        return change;
    }
    std::optional<std::vector<CursorChange>> cursorHistory(const std::string& name, int,
                                                           std::optional<Poco::Int64>) override
    {
        if (name != "orders")
            return std::nullopt;
        return std::vector<CursorChange>{};
    }
    std::optional<Replay> startReplay(const std::string& name, Poco::Timestamp from,
                                      Poco::Timestamp to, const std::string&) override
    {
        if (name != "orders")
            return std::nullopt;
        Replay replay;
        replay.id = 7;
        replay.source = name;
        replay.from = from;
        replay.to = to;
        replay.state = "running";
        return replay;
    }
    std::optional<std::vector<Replay>> replays(const std::string& name, int,
                                               std::optional<Poco::Int64>) override
    {
        if (name != "orders")
            return std::nullopt;
        return std::vector<Replay>{*replay(name, 7)};
    }
    std::optional<Replay> replay(const std::string& name, Poco::Int64 id) override
    {
        if (name != "orders" || id != 7)
            return std::nullopt;
        return startReplay(name, Poco::Timestamp(0), Poco::Timestamp(1), "");
    }
    std::optional<Replay> cancelReplay(const std::string& name, Poco::Int64 id) override
    {
        return replay(name, id);
    }
    CursorRequest lastCursorRequest;
    std::string asked;
    std::atomic<bool> paused{false};
    std::atomic<int> triggers{0};
};

class FakeReload : public ReloadService
{
public:
    std::optional<ReloadReport> last() override { return report; }
    void request() override { ++requests; }
    std::optional<ReloadReport> report;
    std::atomic<int> requests{0};
};

// An empty ledger: its routes are there and map what the service throws.
class FakeLedger : public LedgerService
{
public:
    std::optional<OrderLedger> order(const std::string&, const std::string&) override
    {
        faults.maybeThrow();
        return std::nullopt;
    }
    Page<InboxEntry> inbox(const InboxFilter&, int, const std::optional<std::string>&) override
    {
        faults.maybeThrow();
        return {};
    }
    Page<DeliveryEntry> deliveries(const DeliveryFilter&, int,
                                   const std::optional<std::string>&) override
    {
        faults.maybeThrow();
        return {};
    }
    RetryOutcome retry(const RetryRequest&) override
    {
        faults.maybeThrow();
        return {};
    }
    std::optional<Unassigned> unassign(const std::string&, const std::string&, bool,
                                       const std::string&, const std::string&) override
    {
        faults.maybeThrow();
        return std::nullopt;
    }
    Faults faults;
};

AdminAccess access(const std::string& token, std::vector<std::string> hosts = {})
{
    return {token.empty() ? std::vector<std::string>{} : std::vector<std::string>{token},
            std::move(hosts)};
}

struct Admin
{
    explicit Admin(const std::string& token = "", std::vector<std::string> hosts = {})
        : server("127.0.0.1:0", access(token, std::move(hosts)),
                 AdminServices{health, couriers, sources, reload, ledger, registry, history},
                 [](const std::string& text)
                 {
                     std::string out = text;
                     if (const auto at = out.find("hunter2"); at != std::string::npos)
                         out.replace(at, 7, "xxx");
                     return out;
                 })
    {
        server.start();
    }

    HttpCall call(const std::string& method, const std::string& path, const std::string& body = {},
                  const std::map<std::string, std::string>& headers = {})
    {
        return HttpCall::send(server.port(), method, path, body, headers);
    }

    metrics::Registry registry;
    metrics::History history{registry};
    FakeHealth health;
    FakeCouriers couriers;
    FakeSources sources;
    FakeReload reload;
    FakeLedger ledger;
    AdminServer server;
};

// A concrete path for a route's pattern.
std::string pathOf(const std::string& pattern)
{
    std::string path = pattern;
    for (std::size_t open; (open = path.find('{')) != std::string::npos;)
        path.replace(open, path.find('}', open) - open + 1, "1");
    return path;
}

} // namespace

class AdminRoutesTest : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(AdminRoutesTest);
    CPPUNIT_TEST(theTableAnswers404And405WithAllow);
    CPPUNIT_TEST(pathParametersAreMatchedWholeAndDecoded);
    CPPUNIT_TEST(everyApiRouteNeedsTheTokenAndProbesDoNot);
    CPPUNIT_TEST(tokensAreComparedWhole);
    CPPUNIT_TEST(twoTokensAreAcceptedWhileOneIsRotated);
    CPPUNIT_TEST(noWebPageCanDriveTheApi);
    CPPUNIT_TEST(errorsOfServicesMapToTheirStatus);
    CPPUNIT_TEST(readyFollowsTheHealthService);
    CPPUNIT_TEST(sourcesAreListedAndReadOneByOne);
    CPPUNIT_TEST(sourcesArePausedResumedAndTriggered);
    CPPUNIT_TEST(couriersGoThroughTheirService);
    CPPUNIT_TEST(reloadShowsTheLastAndAsksForANewOne);
    CPPUNIT_TEST(historyShowsThePointsKept);
    CPPUNIT_TEST(theRouteTableAndTheOpenApiDocumentAgree);
    CPPUNIT_TEST_SUITE_END();

public:
    void theTableAnswers404And405WithAllow()
    {
        Admin admin;
        assertApiError(admin.call("GET", "/nope"), 404, "not_found");
        assertApiError(admin.call("GET", "/api/v1/couriers/1/x"), 404, "not_found");
        assertApiError(admin.call("GET", "/api/v1/couriers/"), 404, "not_found");
        const auto wrong = admin.call("DELETE", "/api/v1/couriers");
        assertApiError(wrong, 405, "method_not_allowed");
        CPPUNIT_ASSERT_EQUAL(std::string("GET, POST"), wrong.headers.at("Allow"));
        const auto item = admin.call("PUT", "/api/v1/couriers/7");
        assertApiError(item, 405, "method_not_allowed");
        CPPUNIT_ASSERT_EQUAL(std::string("GET, PATCH"), item.headers.at("Allow"));
        assertApiError(admin.call("POST", "/health"), 405, "method_not_allowed");
        assertApiError(admin.call("GET", "/api/v1/couriers?x=%zz"), 400, "bad_request");
        // Every route in the table answers its method with something else than 404/405.
        for (const auto& route : admin.server.routes())
        {
            const auto call = admin.call(route.method, pathOf(route.pattern), "{}");
            CPPUNIT_ASSERT_MESSAGE(route.method + " " + route.pattern + ": " + call.body,
                                   call.status != 404 ||
                                       call.body.find("no route") == std::string::npos);
            CPPUNIT_ASSERT_MESSAGE(route.method + " " + route.pattern, call.status != 405);
        }
    }

    void pathParametersAreMatchedWholeAndDecoded()
    {
        Admin admin;
        assertApiError(admin.call("GET", "/api/v1/sources/ord%65rs2"), 404, "source_not_found");
        CPPUNIT_ASSERT_EQUAL(std::string("orders2"), admin.sources.asked);
        CPPUNIT_ASSERT_EQUAL(200, admin.call("GET", "/api/v1/sources/ord%65rs").status);
        CPPUNIT_ASSERT_EQUAL(std::string("orders"), admin.sources.asked);
        // Segments are decoded one by one: an encoded "/" is part of its segment (order ids
        // may hold one), never a boundary.
        assertApiError(admin.call("GET", "/api/v1/sources/a%2Fb"), 404, "source_not_found");
        CPPUNIT_ASSERT_EQUAL(std::string("a/b"), admin.sources.asked);
        assertApiError(admin.call("GET", "/api/v1/sources/a/b"), 404, "not_found");
        assertApiError(admin.call("GET", "//api/v1/sources"), 404, "not_found");
    }

    void everyApiRouteNeedsTheTokenAndProbesDoNot()
    {
        Admin admin("s3cret");
        const std::map<std::string, std::string> good{{"Authorization", "Bearer s3cret"}};
        for (const auto& route : admin.server.routes())
        {
            const std::string path = pathOf(route.pattern);
            const bool api = route.pattern.rfind("/api/", 0) == 0;
            CPPUNIT_ASSERT_EQUAL_MESSAGE(route.pattern, api, route.access == Access::Token);
            const auto bare = admin.call(route.method, path, "{}");
            if (api)
            {
                assertApiError(bare, 401, "unauthorized");
                CPPUNIT_ASSERT_EQUAL(std::string("Bearer"), bare.headers.at("WWW-Authenticate"));
                CPPUNIT_ASSERT_MESSAGE(route.pattern,
                                       admin.call(route.method, path, "{}", good).status != 401);
            }
            else
                CPPUNIT_ASSERT_MESSAGE(route.pattern, bare.status != 401);
        }
        // Nothing about the API is learnt without the token: no 404 or 405 first.
        assertApiError(admin.call("GET", "/api/v1/nothing"), 401, "unauthorized");
        assertApiError(admin.call("DELETE", "/api/v1/couriers"), 401, "unauthorized");
        assertApiError(admin.call("GET", "/api/v1/nothing", "", good), 404, "not_found");
        // A reload changes the token at once.
        admin.server.setAccess(access("n3w"));
        assertApiError(admin.call("GET", "/api/v1/sources", "", good), 401, "unauthorized");
        CPPUNIT_ASSERT_EQUAL(
            200,
            admin.call("GET", "/api/v1/sources", "", {{"Authorization", "Bearer n3w"}}).status);
        admin.server.setAccess(access(""));
        CPPUNIT_ASSERT_EQUAL(200, admin.call("GET", "/api/v1/sources").status);
    }

    void tokensAreComparedWhole()
    {
        CPPUNIT_ASSERT(Router::authorized("Bearer s3cret", "s3cret"));
        for (const char* given :
             {"", "Bearer", "Bearer ", "Bearer s3cre", "Bearer s3cret ", "Bearer s3cretx",
              "bearer s3cret", "Basic s3cret", "s3cret", "Bearer S3CRET"})
            CPPUNIT_ASSERT_MESSAGE(given, !Router::authorized(given, "s3cret"));
        CPPUNIT_ASSERT(!Router::authorized(std::string("Bearer s3cret\0x", 15), "s3cret"));
    }

    // Issue 19, defect 11: with one token, every client got 401 between the swap and its own
    // switch; the token file may hold the old and the new one.
    void twoTokensAreAcceptedWhileOneIsRotated()
    {
        Admin admin;
        admin.server.setAccess({{"old", "n3w"}, {}});
        for (const char* token : {"old", "n3w"})
            CPPUNIT_ASSERT_EQUAL(200, admin
                                          .call("GET", "/api/v1/sources", "",
                                                {{"Authorization", std::string("Bearer ") + token}})
                                          .status);
        assertApiError(admin.call("GET", "/api/v1/sources", "", {{"Authorization", "Bearer x"}}),
                       401, "unauthorized");
        admin.server.setAccess({{"n3w"}, {}});
        assertApiError(admin.call("GET", "/api/v1/sources", "", {{"Authorization", "Bearer old"}}),
                       401, "unauthorized");
    }

    // Issue 19, defect 5: without a token, any web page the operator opened could drive the
    // API: a "simple" cross-site text/plain POST created couriers, paused sources, reloaded;
    // DNS rebinding read everything (any Host was served).
    void noWebPageCanDriveTheApi()
    {
        Admin admin("", {"Courierd.Example.org:8081"}); // as admin.allowed_hosts gives it
        const std::string courier = R"({"name":"Ivan","transport_type":"car"})";
        // DNS rebinding: a name that is not this endpoint's is refused before anything else.
        for (const char* host : {"attacker.example", "127.0.0.1.attacker.example", ""})
            for (const char* path : {"/api/v1/sources", "/api/v1/nothing"})
                assertApiError(admin.call("GET", path, "", {{"Host", host}}), 421,
                               "host_not_allowed");
        for (const char* host :
             {"localhost:8081", "LOCALHOST", "127.0.0.1", "[::1]:1", "Courierd.Example.Org:443",
              "localhost.", "192.0.2.7:8081", "[2001:db8::1]"})
            CPPUNIT_ASSERT_EQUAL_MESSAGE(
                host, 200, admin.call("GET", "/api/v1/sources", "", {{"Host", host}}).status);
        // The probes answer any Host, so a remote Prometheus keeps working.
        for (const char* path : {"/health", "/metrics"})
            CPPUNIT_ASSERT_EQUAL(200,
                                 admin.call("GET", path, "", {{"Host", "prometheus.lan"}}).status);

        // A body that is not JSON: 415, and the courier is not created.
        const std::size_t created = admin.couriers.couriers.size();
        for (const char* type : {"text/plain", "application/x-www-form-urlencoded",
                                 "multipart/form-data; boundary=x", ""})
            assertApiError(
                admin.call("POST", "/api/v1/couriers", courier, {{"Content-Type", type}}), 415,
                "unsupported_media_type");
        CPPUNIT_ASSERT_EQUAL(created, admin.couriers.couriers.size());
        CPPUNIT_ASSERT_EQUAL(201, admin
                                      .call("POST", "/api/v1/couriers", courier,
                                            {{"Content-Type", "Application/JSON; charset=utf-8"}})
                                      .status);
        // Without a body, as `curl -X POST …/pause` sends it: accepted.
        CPPUNIT_ASSERT_EQUAL(200, admin.call("POST", "/api/v1/sources/orders/pause").status);

        // A mutating request from another origin: 403; reads and the endpoint's own origin pass.
        for (const char* origin :
             {"http://attacker.example", "null", "https://127.0.0.1", "http://localhost"})
            assertApiError(admin.call("POST", "/api/v1/sources/orders/pause", "",
                                      {{"Origin", origin}, {"Host", "127.0.0.1:1"}}),
                           403, "origin_not_allowed");
        CPPUNIT_ASSERT_EQUAL(200,
                             admin
                                 .call("POST", "/api/v1/sources/orders/pause", "",
                                       {{"Origin", "http://127.0.0.1:1"}, {"Host", "127.0.0.1:1"}})
                                 .status);
        CPPUNIT_ASSERT_EQUAL(
            200, admin.call("GET", "/api/v1/sources", "", {{"Origin", "http://attacker.example"}})
                     .status);
    }

    void errorsOfServicesMapToTheirStatus()
    {
        Admin admin;
        const std::string body = R"({"name":"Ivan","transport_type":"car"})";
        admin.couriers.faults.failWith = "store";
        assertApiError(admin.call("GET", "/api/v1/couriers"), 503, "store_unavailable");
        admin.couriers.faults.failWith = "conflict";
        assertApiError(admin.call("PATCH", "/api/v1/couriers/1", body), 409, "conflict");
        admin.couriers.faults.failWith = "validation";
        assertApiError(admin.call("POST", "/api/v1/couriers", body), 400, "invalid_courier");
        for (const char* kind : {"other", "poco"})
        {
            admin.couriers.faults.failWith = kind;
            const auto call = admin.call("GET", "/api/v1/couriers/1");
            assertApiError(call, 500, "internal");
            CPPUNIT_ASSERT_MESSAGE(call.body, call.body.find("hunter2") == std::string::npos);
        }
        admin.couriers.faults.failWith = "";
        assertApiError(admin.call("PATCH", "/api/v1/couriers/9", body), 404, "not_found");
        assertApiError(admin.call("POST", "/api/v1/couriers", "{"), 400, "bad_json");
        CPPUNIT_ASSERT_EQUAL(200, admin.call("GET", "/health").status);
    }

    void readyFollowsTheHealthService()
    {
        Admin admin;
        const auto ready = admin.call("GET", "/ready");
        CPPUNIT_ASSERT_EQUAL(200, ready.status);
        CPPUNIT_ASSERT_EQUAL(2, ready.object()->getValue<int>("sources"));
        admin.health.why = "database unreachable: refused";
        const auto notReady = admin.call("GET", "/ready");
        assertApiError(notReady, 503, "not_ready");
        CPPUNIT_ASSERT_EQUAL(std::string("database unreachable: refused"),
                             notReady.object()->getValue<std::string>("message"));
        CPPUNIT_ASSERT_EQUAL(200, admin.call("GET", "/health").status);
    }

    void sourcesAreListedAndReadOneByOne()
    {
        Admin admin;
        const auto list = admin.call("GET", "/api/v1/sources");
        CPPUNIT_ASSERT_EQUAL(200, list.status);
        const auto sources = list.json().extract<Poco::JSON::Array::Ptr>();
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), sources->size());
        const auto one = admin.call("GET", "/api/v1/sources/orders");
        CPPUNIT_ASSERT_EQUAL(200, one.status);
        const auto source = one.object();
        CPPUNIT_ASSERT_EQUAL(std::string("orders"), source->getValue<std::string>("name"));
        CPPUNIT_ASSERT_EQUAL(std::string("running"), source->getValue<std::string>("state"));
        CPPUNIT_ASSERT_EQUAL(std::string("5s"), source->getValue<std::string>("interval"));
        CPPUNIT_ASSERT_EQUAL(std::string("c1"), source->getValue<std::string>("cursor"));
        CPPUNIT_ASSERT(source->isNull("last_error"));
        CPPUNIT_ASSERT_EQUAL(7, source->getObject("records")->getValue<int>("assigned"));
        const auto missing = admin.call("GET", "/api/v1/sources/nope");
        assertApiError(missing, 404, "source_not_found");
    }

    void sourcesArePausedResumedAndTriggered()
    {
        Admin admin;
        const auto paused = admin.call("POST", "/api/v1/sources/orders/pause");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(paused.body, 200, paused.status);
        CPPUNIT_ASSERT_EQUAL(std::string("paused"),
                             paused.object()->getValue<std::string>("state"));
        const auto resumed = admin.call("POST", "/api/v1/sources/orders/resume");
        CPPUNIT_ASSERT_EQUAL(std::string("running"),
                             resumed.object()->getValue<std::string>("state"));
        const auto triggered = admin.call("POST", "/api/v1/sources/orders/trigger");
        CPPUNIT_ASSERT_EQUAL(202, triggered.status);
        CPPUNIT_ASSERT_EQUAL(1, admin.sources.triggers.load());
        CPPUNIT_ASSERT(!triggered.object()->getValue<std::string>("triggered_at").empty());
        for (const char* action : {"pause", "resume", "trigger"})
            assertApiError(admin.call("POST", std::string("/api/v1/sources/nope/") + action), 404,
                           "source_not_found");
        const auto get = admin.call("GET", "/api/v1/sources/orders/pause");
        assertApiError(get, 405, "method_not_allowed");
        CPPUNIT_ASSERT_EQUAL(std::string("POST"), get.headers.at("Allow"));
    }

    void couriersGoThroughTheirService()
    {
        Admin admin;
        const auto created =
            admin.call("POST", "/api/v1/couriers", R"({"name":"Ivan","transport_type":"car"})");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(created.body, 201, created.status);
        CPPUNIT_ASSERT_EQUAL(std::string("/api/v1/couriers/1"), created.headers.at("Location"));
        CPPUNIT_ASSERT_EQUAL(std::string("Ivan"), admin.couriers.couriers.at(0).name);
        CPPUNIT_ASSERT_EQUAL(200, admin.call("GET", "/api/v1/couriers/1").status);
        assertApiError(admin.call("GET", "/api/v1/couriers/2"), 404, "not_found");
        assertApiError(admin.call("GET", "/api/v1/couriers/+1"), 404, "not_found");
        assertApiError(admin.call("GET", "/api/v1/couriers?status=gone"), 400, "bad_query");
        const auto patched = admin.call("PATCH", "/api/v1/couriers/1", R"({"name":"Oleg"})");
        CPPUNIT_ASSERT_EQUAL(200, patched.status);
        CPPUNIT_ASSERT_EQUAL(std::string("Oleg"), patched.object()->getValue<std::string>("name"));
        const auto listed = admin.call("GET", "/api/v1/couriers?status=available");
        CPPUNIT_ASSERT_EQUAL(std::size_t(1),
                             listed.json().extract<Poco::JSON::Array::Ptr>()->size());
    }

    void reloadShowsTheLastAndAsksForANewOne()
    {
        Admin admin;
        CPPUNIT_ASSERT(admin.call("GET", "/api/v1/reload").object()->isNull("last"));
        CPPUNIT_ASSERT_EQUAL(202, admin.call("POST", "/api/v1/reload").status);
        CPPUNIT_ASSERT_EQUAL(1, admin.reload.requests.load());
        ReloadReport report;
        report.ok = false;
        report.problems = {"source.x.interval: bad"};
        admin.reload.report = report;
        const auto last = admin.call("GET", "/api/v1/reload").object()->getObject("last");
        CPPUNIT_ASSERT_EQUAL(std::string("failed"), last->getValue<std::string>("outcome"));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), last->getArray("problems")->size());
    }

    void historyShowsThePointsKept()
    {
        Admin admin;
        auto body = admin.call("GET", "/api/v1/history").object();
        CPPUNIT_ASSERT_EQUAL(15.0, body->getValue<double>("step_seconds"));
        CPPUNIT_ASSERT_EQUAL(900.0, body->getValue<double>("window_seconds"));
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), body->getArray("points")->size());
        auto& lag = admin.registry.gauge("courierd_source_lag_seconds", "", {"source"});
        lag.with({"orders"}).set(2.5);
        admin.history.begin(Poco::Timestamp(1'800'000'000'000'000));
        admin.history.sample(Poco::Timestamp(1'800'000'015'000'000));
        body = admin.call("GET", "/api/v1/history").object();
        const auto points = body->getArray("points");
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), points->size());
        const auto point = points->getObject(0);
        CPPUNIT_ASSERT_EQUAL(std::string("2027-01-15T08:00:15.000Z"),
                             point->getValue<std::string>("at"));
        CPPUNIT_ASSERT_EQUAL(2.5, point->getObject("lag_seconds")->getValue<double>("orders"));
        CPPUNIT_ASSERT_EQUAL(0.0, point->getValue<double>("assigned_per_minute"));
        CPPUNIT_ASSERT(point->isNull("latency_p50_seconds"));
        CPPUNIT_ASSERT(point->isNull("latency_p99_seconds"));
    }

    // Every route in the table is in docs/openapi.yaml with its method, and the document has
    // no route the table lacks; both forms of the document are served.
    void theRouteTableAndTheOpenApiDocumentAgree()
    {
        Admin admin;
        std::set<std::string> table, documented;
        for (const auto& route : admin.server.routes())
            table.insert(route.method + " " + route.pattern);
        const auto served = admin.call("GET", "/api/v1/openapi.json");
        CPPUNIT_ASSERT_EQUAL(200, served.status);
        const auto document = served.object();
        CPPUNIT_ASSERT_EQUAL(std::string("3.1.0"), document->getValue<std::string>("openapi"));
        const auto paths = document->getObject("paths");
        for (const auto& [path, item] : *paths)
            for (const auto& [method, operation] : *item.extract<Poco::JSON::Object::Ptr>())
                if (method != "parameters")
                    documented.insert(Poco::toUpper(method) + " " + path);
        std::vector<std::string> missing, extra;
        std::set_difference(table.begin(), table.end(), documented.begin(), documented.end(),
                            std::back_inserter(missing));
        std::set_difference(documented.begin(), documented.end(), table.begin(), table.end(),
                            std::back_inserter(extra));
        CPPUNIT_ASSERT_MESSAGE("not in docs/openapi.yaml: " + courierd::test::joined(missing),
                               missing.empty());
        CPPUNIT_ASSERT_MESSAGE("not in the route table: " + courierd::test::joined(extra),
                               extra.empty());
        CPPUNIT_ASSERT(table.size() >= 16);

        const auto yaml = admin.call("GET", "/api/v1/openapi.yaml");
        CPPUNIT_ASSERT_EQUAL(200, yaml.status);
        CPPUNIT_ASSERT_EQUAL(std::string("application/yaml"), yaml.headers.at("Content-Type"));
        CPPUNIT_ASSERT_EQUAL(std::string("openapi: 3.1.0"), yaml.body.substr(0, 14));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(AdminRoutesTest);
