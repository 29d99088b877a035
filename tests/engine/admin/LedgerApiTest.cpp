#include "AdminFixture.h"
#include "HttpCall.h"
#include "Invariants.h"
#include "TestFiles.h"

#include <Poco/Base64Encoder.h>
#include <Poco/JSON/Array.h>
#include <cppunit/extensions/HelperMacros.h>

#include <set>
#include <sstream>

using namespace courierd;
using courierd::test::Admin;
using courierd::test::assertApiError;
using courierd::test::HttpCall;
using courierd::test::joined;

// The per-order ledger and its repairs through the admin API, over a real PostgreSQL and the
// daemon's adapters: GET /api/v1/orders/{source}/{id}, the inbox and deliveries pages,
// POST /api/v1/inbox/retry and DELETE /api/v1/deliveries/{source}/{order_id}.

namespace
{

// `count` rows of `source` fetched in groups of three per second (ties on fetched_at), ids
// PREFIX1…PREFIXcount, in `state`.
void addRows(Admin& admin, const std::string& source, const std::string& prefix, int count,
             const std::string& state = "pending", int second = 0)
{
    admin.store.db.execute(
        "INSERT INTO inbox (source, record_id, created_at, payload, state, fetched_at) "
        "SELECT '" +
        source + "', '" + prefix + "' || n, now(), '{\"n\":' || n || '}', '" + state +
        "', timestamptz '2026-01-01 00:00:00+00' + (" + std::to_string(second) +
        " + n / 3) * interval '1 second' FROM generate_series(1, " + std::to_string(count) + ") n");
}

// Every item of every page of `path` (which has a `?`), following `next`; `between` runs
// after each page.
std::vector<Poco::JSON::Object::Ptr> allPages(Admin& admin, const std::string& path,
                                              const std::function<void()>& between = {})
{
    std::vector<Poco::JSON::Object::Ptr> items;
    std::string after;
    for (int pages = 0; pages < 100; ++pages)
    {
        const auto call = admin.call("GET", path + (after.empty() ? "" : "&after=" + after));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(call.body, 200, call.status);
        const auto page = call.object();
        const auto list = page->getArray("items");
        for (std::size_t i = 0; i < list->size(); ++i)
            items.push_back(list->getObject(i));
        if (between)
            between();
        if (page->isNull("next"))
            return items;
        after = page->getValue<std::string>("next");
        CPPUNIT_ASSERT(!after.empty());
    }
    CPPUNIT_FAIL("more than 100 pages");
}

std::vector<std::string> field(const std::vector<Poco::JSON::Object::Ptr>& items,
                               const std::string& name)
{
    std::vector<std::string> out;
    for (const auto& item : items)
        out.push_back(item->get(name).convert<std::string>());
    return out;
}

std::string base64(const std::string& text)
{
    std::ostringstream out;
    Poco::Base64Encoder encoder(out, Poco::BASE64_URL_ENCODING | Poco::BASE64_NO_PADDING);
    encoder << text;
    encoder.close();
    return out.str();
}

} // namespace

class LedgerApiTest : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(LedgerApiTest);
    CPPUNIT_TEST(anOrdersLedgerShowsItsRowPayloadAndDelivery);
    CPPUNIT_TEST(inboxPagesAreNewestFirstAndStableWhileRowsArrive);
    CPPUNIT_TEST(inboxPagesFilterBySourceAndState);
    CPPUNIT_TEST(badPageRequestsAreA400);
    CPPUNIT_TEST(deliveryPagesFilterBySourceCourierAndActive);
    CPPUNIT_TEST(retryRequeuesFailedRowsOnly);
    CPPUNIT_TEST(unassignRequeuesTheOrderOrSkipsIt);
    CPPUNIT_TEST_SUITE_END();

public:
    void anOrdersLedgerShowsItsRowPayloadAndDelivery()
    {
        Admin admin;
        const auto courier = admin.store.addCourier("a").id;
        addRows(admin, "orders", "o", 2);
        admin.store.db.execute("INSERT INTO inbox (source, record_id, payload, state, reason) "
                               "VALUES ('orders', 'bad/1', '{oops', 'rejected', 'not JSON')");
        admin.store.assigner.assign("o1", "orders");
        admin.store.db.execute(
            "UPDATE inbox SET state = 'assigned' WHERE source = 'orders' AND record_id = 'o1'");

        auto call = admin.call("GET", "/api/v1/orders/orders/o1");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(call.body, 200, call.status);
        auto ledger = call.object();
        auto inbox = ledger->getObject("inbox");
        CPPUNIT_ASSERT_EQUAL(std::string("assigned"), inbox->getValue<std::string>("state"));
        CPPUNIT_ASSERT_EQUAL(std::string("orders"), inbox->getValue<std::string>("source"));
        CPPUNIT_ASSERT_EQUAL(std::string("o1"), inbox->getValue<std::string>("id"));
        CPPUNIT_ASSERT_EQUAL(1, inbox->getObject("payload")->getValue<int>("n"));
        CPPUNIT_ASSERT_EQUAL(std::string("2026-01-01T00:00:00.000Z"),
                             inbox->getValue<std::string>("fetched_at"));
        const auto delivery = ledger->getObject("delivery");
        CPPUNIT_ASSERT(delivery);
        CPPUNIT_ASSERT(delivery->isNull("ended_at") && delivery->isNull("end_reason"));
        CPPUNIT_ASSERT(inbox->isNull("recheck_verdict") && inbox->isNull("rechecked_at"));
        CPPUNIT_ASSERT_EQUAL(courier, delivery->getValue<Poco::Int64>("courier_id"));
        CPPUNIT_ASSERT(delivery->getValue<bool>("active"));

        CPPUNIT_ASSERT(inbox->isNull("passed_over_at"));

        // An order that waited for a courier and was asked about again says when and what.
        admin.store.db.execute("UPDATE inbox SET passed_over_at = '2026-01-01T00:00:01Z', "
                               "rechecked_at = '2026-01-01T00:00:31Z', recheck_verdict = "
                               "'needed' WHERE record_id = 'o2'");
        call = admin.call("GET", "/api/v1/orders/orders/o2");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(call.body, 200, call.status);
        CPPUNIT_ASSERT(call.object()->isNull("delivery"));
        inbox = call.object()->getObject("inbox");
        CPPUNIT_ASSERT_EQUAL(std::string("2026-01-01T00:00:01.000Z"),
                             inbox->getValue<std::string>("passed_over_at"));
        CPPUNIT_ASSERT_EQUAL(std::string("needed"),
                             inbox->getValue<std::string>("recheck_verdict"));

        // A rejected record that was never JSON comes back as the string it was; an id with a
        // slash is percent-encoded in the path.
        call = admin.call("GET", "/api/v1/orders/orders/bad%2F1");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(call.body, 200, call.status);
        inbox = call.object()->getObject("inbox");
        CPPUNIT_ASSERT_EQUAL(std::string("{oops"), inbox->getValue<std::string>("payload"));
        CPPUNIT_ASSERT_EQUAL(std::string("not JSON"), inbox->getValue<std::string>("reason"));
        CPPUNIT_ASSERT(inbox->isNull("created_at"));

        for (const std::string& path : std::vector<std::string>{
                 "/api/v1/orders/orders/o3", "/api/v1/orders/other/o1", "/api/v1/orders/orders/%00",
                 "/api/v1/orders/orders/%C0%AF", "/api/v1/orders/orders/" + std::string(3000, 'x')})
            assertApiError(admin.call("GET", path), 404, "order_not_found");
    }

    void inboxPagesAreNewestFirstAndStableWhileRowsArrive()
    {
        Admin admin;
        addRows(admin, "orders", "o", 25);
        int arrivals = 0;
        // Rows arriving while an operator pages (newer than any page read) are on no page of
        // this walk, and no row is missed or repeated.
        const auto items =
            allPages(admin, "/api/v1/inbox?limit=4",
                     [&] {
                         addRows(admin, "orders", "new" + std::to_string(arrivals++) + "-", 3,
                                 "pending", 3600);
                     });
        const auto ids = field(items, "id");
        CPPUNIT_ASSERT_EQUAL(std::size_t(25), ids.size());
        // Newest fetched first; within one fetch (three rows a second), by id descending.
        const std::vector<std::string> expected = {"o25", "o24", "o23", "o22", "o21", "o20", "o19",
                                                   "o18", "o17", "o16", "o15", "o14", "o13", "o12",
                                                   "o9",  "o11", "o10", "o8",  "o7",  "o6",  "o5",
                                                   "o4",  "o3",  "o2",  "o1"};
        CPPUNIT_ASSERT_EQUAL(joined(expected), joined(ids));
        std::vector<std::string> fetched = field(items, "fetched_at");
        for (std::size_t i = 1; i < fetched.size(); ++i)
            CPPUNIT_ASSERT_MESSAGE(fetched[i - 1] + " before " + fetched[i],
                                   fetched[i - 1] >= fetched[i]);
        std::set<std::string> unique(ids.begin(), ids.end());
        CPPUNIT_ASSERT_EQUAL(std::size_t(25), unique.size());
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), unique.count("new0-1"));
        // The last page says so.
        const auto last = admin.call("GET", "/api/v1/inbox?limit=1000").object();
        CPPUNIT_ASSERT(last->isNull("next"));
        CPPUNIT_ASSERT_EQUAL(std::size_t(25 + 3 * arrivals), last->getArray("items")->size());
    }

    void inboxPagesFilterBySourceAndState()
    {
        Admin admin;
        addRows(admin, "orders", "p", 7, "pending");
        addRows(admin, "orders", "s", 5, "skipped", 10);
        addRows(admin, "orders", "f", 3, "failed", 20);
        addRows(admin, "west", "w", 6, "pending", 30);

        CPPUNIT_ASSERT_EQUAL(std::size_t(21), allPages(admin, "/api/v1/inbox?limit=2").size());
        auto items = allPages(admin, "/api/v1/inbox?limit=2&source=orders");
        CPPUNIT_ASSERT_EQUAL(std::size_t(15), items.size());
        for (const auto& source : field(items, "source"))
            CPPUNIT_ASSERT_EQUAL(std::string("orders"), source);
        // Newest first across states: the failed rows were fetched last.
        CPPUNIT_ASSERT_EQUAL(std::string("failed"), items.front()->getValue<std::string>("state"));
        CPPUNIT_ASSERT_EQUAL(std::string("pending"), items.back()->getValue<std::string>("state"));

        items = allPages(admin, "/api/v1/inbox?limit=2&state=pending");
        CPPUNIT_ASSERT_EQUAL(std::size_t(13), items.size());
        CPPUNIT_ASSERT_EQUAL(std::string("west"), items.front()->getValue<std::string>("source"));
        items = allPages(admin, "/api/v1/inbox?limit=3&state=pending&source=orders");
        CPPUNIT_ASSERT_EQUAL(std::size_t(7), items.size());
        for (const auto& id : field(items, "id"))
            CPPUNIT_ASSERT_EQUAL('p', id[0]);
        CPPUNIT_ASSERT_EQUAL(std::size_t(0),
                             allPages(admin, "/api/v1/inbox?state=rejected").size());
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), allPages(admin, "/api/v1/inbox?source=nobody").size());
        // Lists leave the payload out.
        CPPUNIT_ASSERT(!items.front()->has("payload"));
    }

    void badPageRequestsAreA400()
    {
        Admin admin;
        addRows(admin, "orders", "o", 3);
        const std::string wrongShape = base64(R"(["x", "orders", "o1"])");
        for (const std::string& path : std::vector<std::string>{
                 "/api/v1/inbox?limit=0", "/api/v1/inbox?limit=1001", "/api/v1/inbox?limit=x",
                 "/api/v1/inbox?limit=-1", "/api/v1/inbox?limit=%2B5", "/api/v1/inbox?state=lost",
                 "/api/v1/inbox?state=pending%00", "/api/v1/inbox?after=zzz",
                 "/api/v1/inbox?after=" + wrongShape, "/api/v1/inbox?after=" + base64("[1,2"),
                 "/api/v1/inbox?after=" + std::string(5000, 'A'), "/api/v1/inbox?source=%C0%AF",
                 "/api/v1/inbox?source=" + std::string(300, 's'), "/api/v1/deliveries?after=-1",
                 "/api/v1/deliveries?after=1e5", "/api/v1/deliveries?courier_id=x",
                 "/api/v1/deliveries?active=yes", "/api/v1/deliveries?limit=1001",
                 // Issue 19, defect 7: microseconds past what PostgreSQL holds were a 500.
                 "/api/v1/inbox?after=" + base64(R"([9223372036854775807,"orders","o1"])"),
                 "/api/v1/inbox?after=" + base64(R"([-9223372036854775807,"orders","o1"])"),
                 "/api/v1/inbox?after=" + base64(R"([true,"orders","o1"])")})
            assertApiError(admin.call("GET", path), 400, "bad_query");
    }

    void deliveryPagesFilterBySourceCourierAndActive()
    {
        Admin admin;
        const auto a = admin.store.addCourier("a").id;
        const auto b = admin.store.addCourier("b").id;
        const auto c = admin.store.addCourier("c").id;
        admin.store.assigner.assign("o1", "orders"); // a
        admin.store.assigner.assign("o2", "orders"); // b
        admin.store.assigner.assign("w1", "west");   // c
        admin.store.expire("o1");                    // a is free again, o1 no longer active
        admin.store.assigner.assign("o3", "orders"); // a

        auto items = allPages(admin, "/api/v1/deliveries?limit=1");
        CPPUNIT_ASSERT_EQUAL(std::size_t(4), items.size());
        const std::vector<std::string> newestFirst = {"o3", "w1", "o2", "o1"};
        CPPUNIT_ASSERT(newestFirst == field(items, "order_id"));

        items = allPages(admin, "/api/v1/deliveries?limit=2&source=orders");
        CPPUNIT_ASSERT((std::vector<std::string>{"o3", "o2", "o1"}) == field(items, "order_id"));
        items = allPages(admin, "/api/v1/deliveries?courier_id=" + std::to_string(a));
        CPPUNIT_ASSERT((std::vector<std::string>{"o3", "o1"}) == field(items, "order_id"));
        CPPUNIT_ASSERT_EQUAL(a, items.front()->getValue<Poco::Int64>("courier_id"));
        items = allPages(admin, "/api/v1/deliveries?limit=1&active=true");
        CPPUNIT_ASSERT((std::vector<std::string>{"o3", "w1", "o2"}) == field(items, "order_id"));
        items = allPages(admin, "/api/v1/deliveries?active=false");
        CPPUNIT_ASSERT((std::vector<std::string>{"o1"}) == field(items, "order_id"));
        CPPUNIT_ASSERT(!items.front()->getValue<bool>("active"));
        items = allPages(admin, "/api/v1/deliveries?active=true&source=west&courier_id=" +
                                    std::to_string(c));
        CPPUNIT_ASSERT((std::vector<std::string>{"w1"}) == field(items, "order_id"));
        CPPUNIT_ASSERT_EQUAL(
            std::size_t(0),
            allPages(admin, "/api/v1/deliveries?source=west&courier_id=" + std::to_string(b))
                .size());

        // Issue 21: a delivery ended at the source says when and why, and pages filter by it.
        admin.store.assigner.endDeliveries("orders", {{"o2", EndReason::CanceledAtSource}});
        items = allPages(admin, "/api/v1/deliveries?ended=true");
        CPPUNIT_ASSERT((std::vector<std::string>{"o2"}) == field(items, "order_id"));
        CPPUNIT_ASSERT_EQUAL(std::string("canceled_at_source"),
                             items.front()->getValue<std::string>("end_reason"));
        CPPUNIT_ASSERT(!items.front()->isNull("ended_at"));
        CPPUNIT_ASSERT(!items.front()->getValue<bool>("active"));
        items = allPages(admin, "/api/v1/deliveries?ended=false&limit=1");
        CPPUNIT_ASSERT((std::vector<std::string>{"o3", "w1", "o1"}) == field(items, "order_id"));
        CPPUNIT_ASSERT(items.front()->isNull("end_reason") && items.front()->isNull("ended_at"));
        CPPUNIT_ASSERT(allPages(admin, "/api/v1/deliveries?ended=true&active=true").empty());
        assertApiError(admin.call("GET", "/api/v1/deliveries?ended=maybe"), 400, "bad_query");
    }

    void retryRequeuesFailedRowsOnly()
    {
        Admin admin;
        addRows(admin, "orders", "f", 4, "failed");
        addRows(admin, "orders", "p", 2, "pending");
        addRows(admin, "west", "f", 3, "failed");
        admin.store.db.execute("UPDATE inbox SET attempts = 5, last_error = 'boom', "
                               "next_attempt_at = now() + interval '1 day' WHERE state = 'failed'");

        auto call = admin.call("POST", "/api/v1/inbox/retry",
                               R"({"source":"orders","ids":["f1","f2","p1","nope","f1"]})");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(call.body, 200, call.status);
        auto answer = call.object();
        CPPUNIT_ASSERT_EQUAL(2, answer->getValue<int>("requeued"));
        CPPUNIT_ASSERT_EQUAL(1, answer->getValue<int>("left"));
        CPPUNIT_ASSERT_EQUAL(1, answer->getValue<int>("missing"));
        CPPUNIT_ASSERT_EQUAL(1, admin.wakes.load());
        CPPUNIT_ASSERT_EQUAL(std::string("pending 0 1"),
                             admin.store.db.text("SELECT state || ' ' || attempts || ' ' || "
                                                 "(next_attempt_at <= now())::int FROM inbox "
                                                 "WHERE source = 'orders' AND record_id = 'f1'"));

        call = admin.call("POST", "/api/v1/inbox/retry", R"({"source":"orders"})");
        CPPUNIT_ASSERT_EQUAL(2, call.object()->getValue<int>("requeued"));
        call = admin.call("POST", "/api/v1/inbox/retry", "{}");
        CPPUNIT_ASSERT_EQUAL(3, call.object()->getValue<int>("requeued"));
        call = admin.call("POST", "/api/v1/inbox/retry", "{}");
        CPPUNIT_ASSERT_EQUAL(0, call.object()->getValue<int>("requeued"));
        CPPUNIT_ASSERT_EQUAL(3, admin.wakes.load());
        CPPUNIT_ASSERT_EQUAL(
            Poco::Int64(0),
            admin.store.db.scalar("SELECT count(*) FROM inbox WHERE state = 'failed'"));

        std::string many = R"({"source":"orders","ids":[)";
        for (int i = 0; i < 1001; ++i)
            many += std::string(i ? "," : "") + "\"x" + std::to_string(i) + "\"";
        many += "]}";
        for (const std::string& body : std::vector<std::string>{
                 R"({"ids":["f1"]})", R"({"source":"orders","ids":[]})",
                 R"({"source":"orders","ids":"f1"})", R"({"source":"orders","ids":[1]})",
                 R"({"source":7})", R"({"source":"orders","ids":["\u0000"]})", many, "[]", "{"})
        {
            const auto refused = admin.call("POST", "/api/v1/inbox/retry", body);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(body.substr(0, 80) + ": " + refused.body, 400,
                                         refused.status);
        }
    }

    void unassignRequeuesTheOrderOrSkipsIt()
    {
        Admin admin;
        const auto courier = admin.store.addCourier("a").id;
        addRows(admin, "orders", "o", 2);
        admin.store.assigner.assign("o1", "orders");
        admin.store.db.execute("UPDATE inbox SET state = 'assigned', attempts = 1 "
                               "WHERE record_id = 'o1'");

        auto call = admin.call("DELETE", "/api/v1/deliveries/orders/o1");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(call.body, 200, call.status);
        auto answer = call.object();
        CPPUNIT_ASSERT_EQUAL(courier, answer->getValue<Poco::Int64>("courier_id"));
        CPPUNIT_ASSERT(answer->getValue<bool>("courier_freed"));
        CPPUNIT_ASSERT_EQUAL(std::string("pending"), answer->getValue<std::string>("inbox_state"));
        CPPUNIT_ASSERT(admin.store.couriers.get(courier)->status == CourierStatus::Available);
        CPPUNIT_ASSERT_EQUAL(std::string("pending 0"),
                             admin.store.db.text("SELECT state || ' ' || attempts FROM inbox "
                                                 "WHERE record_id = 'o1'"));
        CPPUNIT_ASSERT_EQUAL(1, admin.wakes.load());
        CPPUNIT_ASSERT_MESSAGE(joined(test::violatedInvariants(admin.store.database)),
                               test::violatedInvariants(admin.store.database).empty());
        assertApiError(admin.call("DELETE", "/api/v1/deliveries/orders/o1"), 404,
                       "order_not_found");

        // Assigned again, then only removed: the order is skipped, said why.
        admin.store.assigner.assign("o1", "orders");
        admin.store.db.execute("UPDATE inbox SET state = 'assigned' WHERE record_id = 'o1'");
        call = admin.call("DELETE",
                          "/api/v1/deliveries/orders/o1?requeue=false&reason=customer%20called");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(call.body, 200, call.status);
        CPPUNIT_ASSERT_EQUAL(std::string("skipped"),
                             call.object()->getValue<std::string>("inbox_state"));
        // Both unassigns are in the order's audit trail, oldest first, with who and why.
        const auto ledger = admin.call("GET", "/api/v1/orders/orders/o1").object();
        const auto trail = ledger->getArray("unassignments");
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), trail->size());
        CPPUNIT_ASSERT(trail->getObject(0)->getValue<bool>("requeued"));
        CPPUNIT_ASSERT_EQUAL(std::string(""), trail->getObject(0)->getValue<std::string>("reason"));
        CPPUNIT_ASSERT(!trail->getObject(1)->getValue<bool>("requeued"));
        CPPUNIT_ASSERT_EQUAL(std::string("customer called"),
                             trail->getObject(1)->getValue<std::string>("reason"));
        CPPUNIT_ASSERT_EQUAL(courier, trail->getObject(1)->getValue<Poco::Int64>("courier_id"));
        CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.1"),
                             trail->getObject(1)->getValue<std::string>("remote").substr(0, 9));
        CPPUNIT_ASSERT_EQUAL(std::string("skipped unassigned by operator"),
                             admin.store.db.text("SELECT state || ' ' || reason FROM inbox "
                                                 "WHERE record_id = 'o1'"));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(0),
                             admin.store.db.scalar("SELECT count(*) FROM deliveries"));
        // A reason too long or not text is refused, and nothing is unassigned.
        admin.store.assigner.assign("o1", "orders");
        assertApiError(
            admin.call("DELETE", "/api/v1/deliveries/orders/o1?reason=" + std::string(501, 'r')),
            400, "bad_query");
        assertApiError(admin.call("DELETE", "/api/v1/deliveries/orders/o1?reason=%FF"), 400,
                       "bad_query");
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), admin.call("GET", "/api/v1/orders/orders/o1")
                                                 .object()
                                                 ->getArray("unassignments")
                                                 ->size());
        CPPUNIT_ASSERT_EQUAL(200, admin.call("DELETE", "/api/v1/deliveries/orders/o1").status);

        // A delivery whose order the inbox does not hold (made by hand, or kept longer).
        admin.store.assigner.assign("elsewhere", "orders");
        call = admin.call("DELETE", "/api/v1/deliveries/orders/elsewhere");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(call.body, 200, call.status);
        CPPUNIT_ASSERT(call.object()->isNull("inbox_state"));

        // Issue 21: a delivery that ended at the source is history: its courier is free.
        admin.store.assigner.assign("gone", "orders");
        admin.store.assigner.endDeliveries("orders", {{"gone", EndReason::GoneAtSource}});
        assertApiError(admin.call("DELETE", "/api/v1/deliveries/orders/gone"), 409,
                       "delivery_ended");
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(1),
                             admin.store.db.scalar("SELECT count(*) FROM deliveries WHERE "
                                                   "order_id = 'gone' AND ended_at IS NOT NULL"));

        for (const std::string& id :
             {std::string("o2"), std::string("%00"), std::string(300, 'x'), std::string("%C0%AF")})
            assertApiError(admin.call("DELETE", "/api/v1/deliveries/orders/" + id), 404,
                           "order_not_found");
        assertApiError(admin.call("DELETE", "/api/v1/deliveries/orders/o2?requeue=no"), 400,
                       "bad_query");
        CPPUNIT_ASSERT_MESSAGE(joined(test::violatedInvariants(admin.store.database)),
                               test::violatedInvariants(admin.store.database).empty());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(LedgerApiTest);
