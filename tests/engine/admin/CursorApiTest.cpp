#include "AdminFixture.h"
#include "HttpCall.h"

#include <Poco/JSON/Array.h>
#include <cppunit/extensions/HelperMacros.h>

using namespace courierd;
using courierd::test::Admin;
using courierd::test::assertApiError;
using courierd::test::HttpCall;

// A source's cursor through the admin API, over a real PostgreSQL and the daemon's adapters:
// GET|PUT /api/v1/sources/{name}/cursor and its history (table cursor_history).

namespace
{

const std::string CURSOR = "/api/v1/sources/orders/cursor";

Poco::JSON::Object::Ptr ok(const HttpCall& call)
{
    CPPUNIT_ASSERT_EQUAL_MESSAGE(call.body, 200, call.status);
    return call.object();
}

} // namespace

class CursorApiTest : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(CursorApiTest);
    CPPUNIT_TEST(aCursorIsSetOnlyWhilePausedAndEveryChangeIsAudited);
    CPPUNIT_TEST(fromAsksThePluginAndAPluginThatCannotSaysWhy);
    CPPUNIT_TEST(aResetIsUndoneWithOneCall);
    CPPUNIT_TEST(badCursorRequestsAreRefused);
    CPPUNIT_TEST_SUITE_END();

public:
    void aCursorIsSetOnlyWhilePausedAndEveryChangeIsAudited()
    {
        Admin admin;
        auto cursor = ok(admin.call("GET", CURSOR));
        CPPUNIT_ASSERT(cursor->isNull("cursor"));

        // Running: refused, and nothing written.
        assertApiError(admin.call("PUT", CURSOR, R"({"cursor":"c1"})"), 409, "source_not_paused");
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(0),
                             admin.store.db.scalar("SELECT count(*) FROM cursor_history"));
        CPPUNIT_ASSERT(ok(admin.call("GET", CURSOR))->isNull("cursor"));

        CPPUNIT_ASSERT_EQUAL(200, admin.call("POST", "/api/v1/sources/orders/pause").status);
        auto change =
            ok(admin.call("PUT", CURSOR, R"({"cursor":"c1","reason":"skip a bad batch"})"));
        CPPUNIT_ASSERT_EQUAL(std::string("c1"), change->getValue<std::string>("cursor"));
        CPPUNIT_ASSERT(change->isNull("previous"));
        CPPUNIT_ASSERT_EQUAL(std::string("skip a bad batch"),
                             change->getValue<std::string>("reason"));
        CPPUNIT_ASSERT_EQUAL(std::size_t(0),
                             change->getValue<std::string>("remote").find("127.0.0.1:"));
        cursor = ok(admin.call("GET", CURSOR));
        CPPUNIT_ASSERT_EQUAL(std::string("c1"), cursor->getValue<std::string>("cursor"));
        const auto version = cursor->getValue<Poco::Int64>("version");

        ok(admin.call("PUT", CURSOR, R"({"cursor":"c2"})"));
        CPPUNIT_ASSERT_EQUAL(version + 1,
                             ok(admin.call("GET", CURSOR))->getValue<Poco::Int64>("version"));
        // Resumed: refused again.
        CPPUNIT_ASSERT_EQUAL(200, admin.call("POST", "/api/v1/sources/orders/resume").status);
        assertApiError(admin.call("PUT", CURSOR, R"({"cursor":"c3"})"), 409, "source_not_paused");
        CPPUNIT_ASSERT_EQUAL(std::string("c2"),
                             ok(admin.call("GET", CURSOR))->getValue<std::string>("cursor"));

        // The history, newest first, a page at a time.
        auto history = ok(admin.call("GET", CURSOR + "/history?limit=1"));
        auto items = history->getArray("items");
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), items->size());
        CPPUNIT_ASSERT_EQUAL(std::string("c2"),
                             items->getObject(0)->getValue<std::string>("cursor"));
        CPPUNIT_ASSERT_EQUAL(std::string("c1"),
                             items->getObject(0)->getValue<std::string>("previous"));
        history = ok(admin.call(
            "GET", CURSOR + "/history?limit=1&after=" + history->getValue<std::string>("next")));
        items = history->getArray("items");
        CPPUNIT_ASSERT_EQUAL(std::string("c1"),
                             items->getObject(0)->getValue<std::string>("cursor"));
        history = ok(admin.call(
            "GET", CURSOR + "/history?limit=1&after=" + history->getValue<std::string>("next")));
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), history->getArray("items")->size());
        CPPUNIT_ASSERT(history->isNull("next"));
    }

    void fromAsksThePluginAndAPluginThatCannotSaysWhy()
    {
        Admin admin;
        admin.call("POST", "/api/v1/sources/orders/pause");
        assertApiError(admin.call("PUT", CURSOR, R"({"from":"2026-11-24T10:00:00Z"})"), 400,
                       "unsupported");
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(0),
                             admin.store.db.scalar("SELECT count(*) FROM cursor_history"));
        Poco::Timestamp asked;
        admin.cursorAt = [&asked](const Poco::Timestamp& time)
        {
            asked = time;
            return std::string("at-") + std::to_string(time.epochTime());
        };
        const auto change =
            ok(admin.call("PUT", CURSOR, R"({"from":"2026-11-24T10:00:00Z","reason":"replay"})"));
        CPPUNIT_ASSERT_EQUAL(std::string("at-1795514400"), change->getValue<std::string>("cursor"));
        CPPUNIT_ASSERT_EQUAL(Poco::Timestamp::fromEpochTime(1795514400).epochMicroseconds(),
                             asked.epochMicroseconds());

        // Retention has deleted orders created up to 10:00: a cursor at 10:00 or before would
        // fetch them again, and is refused; after it, it is not.
        admin.store.db.execute("INSERT INTO source_retention VALUES ('orders', "
                               "'2026-11-24T10:00:00Z')");
        for (const char* at : {"2026-11-24T10:00:00Z", "2026-11-01T00:00:00Z"})
            assertApiError(admin.call("PUT", CURSOR, std::string(R"({"from":")") + at + R"("})"),
                           409, "out_of_retention");
        ok(admin.call("PUT", CURSOR, R"({"from":"2026-11-24T10:00:01Z"})"));
    }

    void aResetIsUndoneWithOneCall()
    {
        Admin admin;
        admin.call("POST", "/api/v1/sources/orders/pause");
        ok(admin.call("PUT", CURSOR, R"({"cursor":"{\"watermark_us\":5}"})"));
        const auto reset = ok(admin.call("PUT", CURSOR, R"({"reset":true,"reason":"start over"})"));
        CPPUNIT_ASSERT_EQUAL(std::string(""), reset->getValue<std::string>("cursor"));
        CPPUNIT_ASSERT_EQUAL(std::string("{\"watermark_us\":5}"),
                             reset->getValue<std::string>("previous"));
        CPPUNIT_ASSERT_EQUAL(std::string(""),
                             ok(admin.call("GET", CURSOR))->getValue<std::string>("cursor"));

        const auto restored =
            ok(admin.call("PUT", CURSOR,
                          R"({"restore":)" + std::to_string(reset->getValue<Poco::Int64>("id")) +
                              R"(,"reason":"undo the reset"})"));
        CPPUNIT_ASSERT_EQUAL(std::string("{\"watermark_us\":5}"),
                             restored->getValue<std::string>("cursor"));
        CPPUNIT_ASSERT_EQUAL(std::string("{\"watermark_us\":5}"),
                             ok(admin.call("GET", CURSOR))->getValue<std::string>("cursor"));
        CPPUNIT_ASSERT_EQUAL(std::string("3 undo the reset"),
                             admin.store.db.text("SELECT count(*) || ' ' || (SELECT reason FROM "
                                                 "cursor_history ORDER BY id DESC LIMIT 1) "
                                                 "FROM cursor_history WHERE source = 'orders'"));
    }

    void badCursorRequestsAreRefused()
    {
        Admin admin;
        admin.call("POST", "/api/v1/sources/orders/pause");
        for (const std::string& body : std::vector<std::string>{
                 "{}", R"({"reason":"x"})", R"({"cursor":"a","reset":true})", R"({"reset":false})",
                 R"({"reset":"yes"})", R"({"from":"yesterday"})", R"({"from":7})",
                 R"({"cursor":7})", R"({"restore":0})", R"({"restore":"1"})", R"({"restore":999})",
                 R"({"restore":true})", // issue 19, defect 7: it restored change 1
                 R"({"cursor":"a","reason":7})", R"({"cursor":"a\u0000b"})",
                 R"({"cursor":"a","reason":")" + std::string(1001, 'r') + R"("})"})
        {
            const auto call = admin.call("PUT", CURSOR, body);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(body.substr(0, 60) + ": " + call.body, 400, call.status);
        }
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(0),
                             admin.store.db.scalar("SELECT count(*) FROM cursor_history"));
        assertApiError(admin.call("PUT", "/api/v1/sources/nope/cursor", R"({"cursor":"a"})"), 404,
                       "source_not_found");
        assertApiError(admin.call("GET", "/api/v1/sources/nope/cursor"), 404, "source_not_found");
        assertApiError(admin.call("GET", "/api/v1/sources/nope/cursor/history"), 404,
                       "source_not_found");
        assertApiError(admin.call("GET", CURSOR + "/history?after=x"), 400, "bad_query");
        assertApiError(admin.call("GET", CURSOR + "/history?limit=0"), 400, "bad_query");
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(CursorApiTest);
