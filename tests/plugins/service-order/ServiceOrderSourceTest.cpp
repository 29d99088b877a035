#include "FakeServiceOrder.h"
#include "PluginUnderTest.h"
#include "TestFiles.h"
#include "courierd/Exceptions.h"

#include <Poco/JSON/Parser.h>
#include <cppunit/extensions/HelperMacros.h>

#include <map>
#include <set>

using namespace courierd;
using courierd::test::FakeServiceOrder;

namespace
{

Poco::Timestamp secondsAgo(int seconds)
{
    return Poco::Timestamp() - Poco::Timespan(seconds, 0);
}

// The real plugin file, loaded by the real host, configured through a context.
struct Plugin : courierd::test::PluginUnderTest
{
    explicit Plugin(const std::string& baseUrl, const Values& overrides = {})
        : PluginUnderTest("service-order", "service-order",
                          {{"base_url", baseUrl},
                           {"interval", "5s"},
                           {"max_clock_skew", "5m"},
                           {"lookback", "0s"}},
                          overrides)
    {
    }
};

// What a streaming fetch handed over, part by part.
struct RecordingSink : RecordSink
{
    void write(std::vector<Record>& records, std::vector<Reject>& rejects) override
    {
        parts.push_back(records.size() + rejects.size());
        for (const auto& record : records)
            ids.insert(record.id);
        records.clear();
        rejects.clear();
    }
    std::vector<std::size_t> parts;
    std::set<std::string> ids;
};

// `count` assignable orders o0, o1, … as service-order shows them, as JSON array elements.
std::string ordersJson(int count)
{
    std::string out;
    for (int i = 0; i < count; ++i)
        out += std::string(i ? "," : "") + R"({"id":"o)" + std::to_string(i) +
               R"(","status":"created","created_at":"2026-11-24T10:15:30Z"})";
    return out;
}

std::set<std::string> idsOf(const Batch& batch)
{
    std::set<std::string> ids;
    for (const auto& record : batch.records)
        ids.insert(record.id);
    return ids;
}

} // namespace

class ServiceOrderSourceTest : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(ServiceOrderSourceTest);
    CPPUNIT_TEST(firstPollAsksFromStartFromEncoded);
    CPPUNIT_TEST(statusesDecideAssignOrSkip);
    CPPUNIT_TEST(payloadIsStoredVerbatim);
    CPPUNIT_TEST(burstInOneSecondLosesNothingAndRepeatsNothing);
    CPPUNIT_TEST(lateOrdersInsideTheLookbackArePickedUpOnce);
    CPPUNIT_TEST(malformedElementsAreRejectedWithReasons);
    CPPUNIT_TEST(hostileOrdersAreRejectedAndNeverMoveTheWatermark);
    CPPUNIT_TEST(brokenAnswerFailsThePollAndKeepsTheCursor);
    CPPUNIT_TEST(aFirstPollBrokenHalfWayLosesNothing);
    CPPUNIT_TEST(aLargeAnswerIsStreamedInBoundedParts);
    CPPUNIT_TEST(anAnswerBrokenMidwayKeepsThePartsAndTheCursor);
    CPPUNIT_TEST(anOversizedOrderIsRejectedCut);
    CPPUNIT_TEST(paginationWalksPagesWithoutLoopingInsideASecond);
    CPPUNIT_TEST(idCursorFollowsGrowingIds);
    CPPUNIT_TEST(badSettingsAreRefused);
    CPPUNIT_TEST(readmeDocumentsEveryKey);
    CPPUNIT_TEST_SUITE_END();

public:
    void firstPollAsksFromStartFromEncoded()
    {
        FakeServiceOrder fake;
        fake.addOrder("created", secondsAgo(5));
        Plugin plugin(fake.baseUrl(), {{"start_from", "2025-09-01T12:04:05.696Z"}});
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), plugin.fetch().records.size());
        CPPUNIT_ASSERT_EQUAL(std::string("/public/api/v1/orders?from=2025-09-01T12%3A04%3A05Z"),
                             fake.requests().at(0));
    }

    void statusesDecideAssignOrSkip()
    {
        FakeServiceOrder fake;
        std::map<std::string, std::string> statusOf;
        for (const auto& status : {"created", "pending", "confirmed", "cooking", "delivering",
                                   "delivered", "canceled", "deleted", "updated", "completed"})
            statusOf[fake.addOrder(status, secondsAgo(3))] = status;
        Plugin plugin(fake.baseUrl());
        const Batch batch = plugin.fetch();
        CPPUNIT_ASSERT_EQUAL(std::size_t(10), batch.records.size());
        for (const auto& record : batch.records)
        {
            const std::string status = statusOf.at(record.id);
            const bool assignable = status == "created" || status == "pending" ||
                                    status == "confirmed" || status == "cooking";
            CPPUNIT_ASSERT_MESSAGE(status,
                                   (record.verdict == Record::Verdict::Assign) == assignable);
            if (!assignable)
                CPPUNIT_ASSERT_EQUAL("status " + status, record.reason);
        }
    }

    void payloadIsStoredVerbatim()
    {
        FakeServiceOrder fake;
        const auto id = fake.addOrder("created", secondsAgo(2));
        Plugin plugin(fake.baseUrl());
        const Record record = plugin.fetch().records.at(0);
        CPPUNIT_ASSERT_EQUAL(id, record.id);
        CPPUNIT_ASSERT(record.payload.find("\"fio\":\"Иван Иванов\"") != std::string::npos);
        auto parsed = Poco::JSON::Parser().parse(record.payload).extract<Poco::JSON::Object::Ptr>();
        CPPUNIT_ASSERT_EQUAL(id, parsed->getValue<std::string>("id"));
    }

    void burstInOneSecondLosesNothingAndRepeatsNothing()
    {
        FakeServiceOrder fake;
        const Poco::Timestamp second = secondsAgo(10);
        const auto first = fake.addBurst(20, second, "created");
        Plugin plugin(fake.baseUrl());
        CPPUNIT_ASSERT(idsOf(plugin.fetch()) == std::set<std::string>(first.begin(), first.end()));
        // More orders become visible in the same second (ids random, unordered answers).
        const auto later = fake.addBurst(5, second, "created");
        CPPUNIT_ASSERT(idsOf(plugin.fetch()) == std::set<std::string>(later.begin(), later.end()));
        CPPUNIT_ASSERT(plugin.fetch().records.empty());
        // Every poll after the first re-reads the boundary second, on a whole second.
        const std::string from = fake.requests().back();
        CPPUNIT_ASSERT_MESSAGE(from, from.find("Z") != std::string::npos &&
                                         from.find('.') == std::string::npos);
    }

    void lateOrdersInsideTheLookbackArePickedUpOnce()
    {
        FakeServiceOrder fake;
        fake.addOrder("created", secondsAgo(1));
        Plugin plugin(fake.baseUrl(), {{"lookback", "20m"}});
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), plugin.fetch().records.size());
        // The debug seed writes ten orders 6 to 15 minutes in the past.
        for (int i = 0; i < 10; ++i)
            fake.addOrder("pending", Poco::Timestamp() - Poco::Timespan(0, 0, 6 + i, 0, 0));
        CPPUNIT_ASSERT_EQUAL(std::size_t(10), plugin.fetch().records.size());
        CPPUNIT_ASSERT(plugin.fetch().records.empty());
    }

    void malformedElementsAreRejectedWithReasons()
    {
        FakeServiceOrder fake;
        FakeServiceOrder::Fault answer;
        answer.status = 200;
        answer.body = R"([
            {"id":"good","status":"created","created_at":"2026-11-24T10:15:30Z"},
            {"status":"created","created_at":"2026-11-24T10:15:30Z"},
            {"id":42,"status":"created","created_at":"2026-11-24T10:15:30Z"},
            {"id":"bad-time","status":"created","created_at":"yesterday"},
            {"id":"no-time","status":"created"},
            {"id": },
            "a string",
            {"id":"later","status":"created","created_at":"2026-11-24T10:15:31Z"}
        ])";
        fake.fail(answer);
        Plugin plugin(fake.baseUrl());
        const Batch batch = plugin.fetch();
        CPPUNIT_ASSERT(idsOf(batch) == (std::set<std::string>{"good", "later"}));
        CPPUNIT_ASSERT_EQUAL(std::size_t(6), batch.rejects.size());
        std::map<std::string, std::string> reasons;
        for (const auto& reject : batch.rejects)
        {
            CPPUNIT_ASSERT(!reject.payload.empty());
            reasons[reject.id] += reject.reason + ";";
        }
        CPPUNIT_ASSERT(reasons["bad-time"].find("created_at") != std::string::npos);
        CPPUNIT_ASSERT(reasons["no-time"].find("created_at") != std::string::npos);
        CPPUNIT_ASSERT(reasons[""].find("'id'") != std::string::npos);
        CPPUNIT_ASSERT(reasons[""].find("not a JSON object") != std::string::npos);
        // The cursor follows the good records only: its watermark is the later one's time.
        CPPUNIT_ASSERT_MESSAGE(batch.cursor,
                               batch.cursor.find("\"watermark\":\"2026-11-24T10:15:31Z\"") !=
                                   std::string::npos);
    }

    // Found by hostile testing: an order dated 9999 moved the watermark there for good (every
    // later poll asked from=9999-…); an offset of -23:59 made a time RFC3339 cannot write; a
    // 10 KB id was taken as a record that no index could hold.
    void hostileOrdersAreRejectedAndNeverMoveTheWatermark()
    {
        FakeServiceOrder fake;
        FakeServiceOrder::Fault answer;
        answer.status = 200;
        const std::string longId(10240, 'x');
        answer.body = R"([
            {"id":"good","status":"created","created_at":"2026-11-24T10:15:30Z"},
            {"id":"future","status":"created","created_at":"9999-12-31T23:59:59Z"},
            {"id":"past-9999","status":"created","created_at":"9999-12-31T23:59:59-23:59"},
            {"id":"bad-offset","status":"created","created_at":"2026-11-24T10:15:30+99:99"},
            {"id":"nul\u0000id","status":"created","created_at":"2026-11-24T10:15:30Z"},
            {"id":")" +
                      longId + R"(","status":"created","created_at":"2026-11-24T10:15:30Z"}
        ])";
        fake.fail(answer);
        fake.addOrder("created", secondsAgo(3), "next");
        Plugin plugin(fake.baseUrl());
        const Batch batch = plugin.fetch();
        CPPUNIT_ASSERT(idsOf(batch) == (std::set<std::string>{"good"}));
        std::map<std::string, std::string> reasons;
        for (const auto& reject : batch.rejects)
            reasons[reject.id] = reject.reason;
        CPPUNIT_ASSERT_EQUAL(std::size_t(5), reasons.size());
        CPPUNIT_ASSERT(reasons["future"].find("later than now + max_clock_skew") !=
                       std::string::npos);
        CPPUNIT_ASSERT(reasons["past-9999"].find("not an RFC3339 time") != std::string::npos);
        CPPUNIT_ASSERT(reasons["bad-offset"].find("not an RFC3339 time") != std::string::npos);
        CPPUNIT_ASSERT(reasons["nul\\x00id"].find("not UTF-8 text") != std::string::npos);
        CPPUNIT_ASSERT(reasons[std::string(64, 'x') + "…(10240 bytes)"].find(
                           "longer than 256 bytes (10240)") != std::string::npos);
        CPPUNIT_ASSERT(batch.cursor.find("9999") == std::string::npos);
        // The next poll still asks from the good orders' time, and finds the next one.
        CPPUNIT_ASSERT(idsOf(plugin.fetch()).count("next"));
        CPPUNIT_ASSERT(fake.requests().back().find("from=9999") == std::string::npos);
    }

    void brokenAnswerFailsThePollAndKeepsTheCursor()
    {
        FakeServiceOrder fake;
        fake.addOrder("created", secondsAgo(3));
        Plugin plugin(fake.baseUrl(), {{"retry_count", "0"}});
        plugin.fetch();
        const std::string cursor = plugin.cursor;
        for (const std::string& body :
             {std::string("<html>502</html>"), std::string(R"({"orders":[]})"),
              std::string(
                  R"([{"id":"a","status":"created","created_at":"2026-11-24T10:15:30Z"},{"id")")})
        {
            FakeServiceOrder::Fault broken;
            broken.status = 200;
            broken.body = body;
            fake.fail(broken);
            try
            {
                plugin.fetch();
                CPPUNIT_FAIL("accepted: " + body);
            }
            catch (const SourceException& e)
            {
                CPPUNIT_ASSERT_MESSAGE(e.message(),
                                       e.message().find("not a JSON array") != std::string::npos);
            }
            CPPUNIT_ASSERT_EQUAL(cursor, plugin.cursor);
        }
    }

    // Found by courierd-plugin-check: a poll from the start whose answer broke after some
    // orders had been read came back to the same (empty) cursor, took the window that fetch
    // had filled for its own, and skipped those orders for good.
    void aFirstPollBrokenHalfWayLosesNothing()
    {
        FakeServiceOrder fake;
        Plugin plugin(fake.baseUrl(), {{"retry_count", "0"}});
        FakeServiceOrder::Fault answer;
        answer.status = 200;
        answer.body = "[" + ordersJson(2) + R"(,{"id")";
        fake.fail(answer);
        CPPUNIT_ASSERT_THROW(plugin.source->fetch(""), SourceException);
        answer.body = "[" + ordersJson(2) + "]";
        fake.fail(answer);
        CPPUNIT_ASSERT((std::set<std::string>{"o0", "o1"}) == idsOf(plugin.source->fetch("")));
    }

    void aLargeAnswerIsStreamedInBoundedParts()
    {
        FakeServiceOrder fake;
        for (int i = 0; i < 2500; ++i)
            fake.addOrder("created", secondsAgo(3) + i);
        Plugin plugin(fake.baseUrl(), {{"write_batch", "1000"}, {"lookback", "10s"}});
        RecordingSink sink;
        const Batch rest = plugin.source->stream("", sink);
        // Two full parts went to the engine while the answer was read; the rest comes back
        // with the cursor, which covers all 2,500.
        CPPUNIT_ASSERT((sink.parts == std::vector<std::size_t>{1000, 1000}));
        CPPUNIT_ASSERT_EQUAL(std::size_t(500), rest.records.size());
        for (const auto& record : rest.records)
            sink.ids.insert(record.id);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2500), sink.ids.size());
        // Read again from that cursor, nothing is new.
        RecordingSink again;
        const Batch second = plugin.source->stream(rest.cursor, again);
        CPPUNIT_ASSERT(again.parts.empty());
        CPPUNIT_ASSERT(second.records.empty());
    }

    void anAnswerBrokenMidwayKeepsThePartsAndTheCursor()
    {
        FakeServiceOrder fake;
        FakeServiceOrder::Fault cut;
        cut.status = 200;
        cut.body = "[" + ordersJson(1500) + R"(,{"id":"o1500","sta)";
        fake.fail(cut);
        Plugin plugin(fake.baseUrl(), {{"write_batch", "1000"}, {"retry_count", "0"}});
        RecordingSink sink;
        try
        {
            plugin.source->stream("", sink);
            CPPUNIT_FAIL("a truncated answer was accepted");
        }
        catch (const SourceException& e)
        {
            CPPUNIT_ASSERT_MESSAGE(e.message(), e.message().find("truncated") != std::string::npos);
        }
        // The first thousand were handed over (and would be stored); no cursor came back, so
        // the next poll reads them again and the inbox ignores the repeats.
        CPPUNIT_ASSERT((sink.parts == std::vector<std::size_t>{1000}));
    }

    void anOversizedOrderIsRejectedCut()
    {
        FakeServiceOrder fake;
        FakeServiceOrder::Fault answer;
        answer.status = 200;
        const std::string big =
            R"({"id":"big","status":"created","created_at":"2026-11-24T10:15:30Z","fio":")" +
            std::string(100000, 'x') + R"("})";
        answer.body = "[" + big + "," + ordersJson(1) + "]";
        fake.fail(answer);
        Plugin plugin(fake.baseUrl(), {{"max_order_bytes", "256"}});
        const Batch batch = plugin.fetch();
        CPPUNIT_ASSERT(idsOf(batch) == (std::set<std::string>{"o0"}));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), batch.rejects.size());
        CPPUNIT_ASSERT_EQUAL(std::size_t(256), batch.rejects.front().payload.size());
        CPPUNIT_ASSERT_MESSAGE(
            batch.rejects.front().reason,
            batch.rejects.front().reason.find("order of " + std::to_string(big.size()) +
                                              " bytes is larger than max_order_bytes (256)") !=
                std::string::npos);
    }

    void paginationWalksPagesWithoutLoopingInsideASecond()
    {
        FakeServiceOrder fake;
        fake.supportLimit(true);
        std::set<std::string> expected;
        for (int i = 0; i < 12; ++i)
            expected.insert(fake.addOrder("created", secondsAgo(100 - i)));
        // Eight orders in one second: more than a page.
        for (const auto& id : fake.addBurst(8, secondsAgo(50), "created"))
            expected.insert(id);
        Plugin plugin(fake.baseUrl(), {{"page_size", "5"}});
        std::set<std::string> seen;
        int polls = 0;
        for (Batch batch = plugin.fetch();; batch = plugin.fetch())
        {
            for (const auto& record : batch.records)
                CPPUNIT_ASSERT_MESSAGE("twice: " + record.id, seen.insert(record.id).second);
            CPPUNIT_ASSERT(++polls < 20);
            if (!batch.more)
                break;
        }
        CPPUNIT_ASSERT(seen == expected);
        CPPUNIT_ASSERT(fake.requests().back().find("limit=") != std::string::npos);
    }

    void idCursorFollowsGrowingIds()
    {
        FakeServiceOrder fake;
        for (int id = 1; id <= 12; ++id)
            fake.addOrder("created", secondsAgo(5), std::to_string(id));
        Plugin plugin(fake.baseUrl(), {{"cursor_field", "id"}});
        CPPUNIT_ASSERT_EQUAL(std::size_t(12), plugin.fetch().records.size());
        CPPUNIT_ASSERT_EQUAL(std::string("12"), plugin.cursor); // 12 > 9 as numbers
        fake.addOrder("created", secondsAgo(1), "13");
        const Batch next = plugin.fetch();
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), next.records.size());
        CPPUNIT_ASSERT_EQUAL(std::string("13"), next.records[0].id);
        CPPUNIT_ASSERT_EQUAL(std::string("/public/api/v1/orders?after_id=12"),
                             fake.requests().back());
        CPPUNIT_ASSERT(plugin.fetch().records.empty());
    }

    void badSettingsAreRefused()
    {
        FakeServiceOrder fake;
        for (const auto& [key, value, part] :
             std::vector<std::tuple<std::string, std::string, std::string>>{
                 {"statuses", "created,shipped", "unknown status 'shipped'"},
                 {"start_from", "2026-11-24", "not an RFC3339 time"},
                 {"cursor_field", "updated_at", "created_at or id"},
                 {"base_url", "localhost:8080", "http://host"}})
        {
            try
            {
                Plugin plugin(fake.baseUrl(), {{key, value}});
                CPPUNIT_FAIL("accepted " + key + " = " + value);
            }
            catch (const ConfigException& e)
            {
                CPPUNIT_ASSERT_MESSAGE(e.message(), e.message().find(part) != std::string::npos);
            }
        }
    }

    void readmeDocumentsEveryKey()
    {
        const std::string readme = test::readFile(COURIERD_SOURCE_DIR "/docs/configuration.md");
        PluginHost host(COURIERD_PLUGIN_BUILD_DIR);
        for (const auto& key : host.create("service-order").settings())
            CPPUNIT_ASSERT_MESSAGE("docs/configuration.md does not document " + key.name,
                                   readme.find("| `" + key.name + "` |") != std::string::npos);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ServiceOrderSourceTest);
