#include "FakePagedApi.h"
#include "FakeServiceOrder.h"
#include "PluginUnderTest.h"
#include "TestFiles.h"
#include "courierd/Exceptions.h"
#include "courierd/Rfc3339.h"

#include <cppunit/extensions/HelperMacros.h>

#include <map>
#include <set>

using namespace courierd;
using courierd::test::FakePagedApi;
using courierd::test::FakeServiceOrder;

namespace
{

Poco::Timestamp secondsBefore(int seconds)
{
    return Poco::Timestamp() - Poco::Timespan(seconds, 0);
}

long long msAgo(long long ms)
{
    return Poco::Timestamp().epochMicroseconds() / 1000 - ms;
}

struct HttpJson : courierd::test::PluginUnderTest
{
    HttpJson(const std::string& baseUrl, const Values& overrides)
        : PluginUnderTest("http-json", "json",
                          {{"base_url", baseUrl}, {"interval", "5s"}, {"max_clock_skew", "5m"}},
                          overrides)
    {
    }

    // A poll as the engine makes it: fetch while the source has more ready. Returns the
    // fetches made; every stored id goes to `stored` with how often it came.
    int poll(std::map<std::string, int>& stored, int most = 200)
    {
        int fetches = 0;
        for (bool more = true; more && fetches < most; ++fetches)
        {
            const Batch batch = fetch();
            for (const auto& record : batch.records)
                ++stored[record.id];
            more = batch.more;
        }
        return fetches;
    }
};

// Service-order's contract as http-json reads it.
const courierd::test::PluginUnderTest::Values SERVICE_ORDER = {
    {"path", "/public/api/v1/orders"},
    {"statuses", "created,pending,confirmed,cooking"},
    {"lookback", "0s"},
    {"max_order_bytes", "512"}};

// A batch as rows: every record and reject with what the inbox keeps of it.
// `reason` without the poll's now + max_clock_skew that a reject of a future order names: two
// fetches need not share it to the second.
std::string masked(std::string reason)
{
    const std::string mark = "max_clock_skew (";
    if (const auto at = reason.find(mark); at != std::string::npos)
        if (const auto end = reason.find(')', at); end != std::string::npos)
            reason.replace(at + mark.size(), end - at - mark.size(), "…");
    return reason;
}

std::vector<std::string> rows(const Batch& batch)
{
    std::vector<std::string> out;
    for (const auto& record : batch.records)
        out.push_back("record " + record.id + " " +
                      (record.verdict == Record::Verdict::Assign ? "assign" : "skip") + " " +
                      record.reason + " " + record.payload);
    for (const auto& reject : batch.rejects)
        out.push_back("reject " + reject.id + " " + masked(reject.reason) + " " + reject.payload);
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace

class HttpJsonSourceTest : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(HttpJsonSourceTest);
    CPPUNIT_TEST(readsServiceOrderAsServiceOrderDoes);
    CPPUNIT_TEST(eachPaginationStyleReadsEveryOrderOnce);
    CPPUNIT_TEST(ordersArrivingWhilePagingAreNotLost);
    CPPUNIT_TEST(aLoopingTokenEndsTheRun);
    CPPUNIT_TEST(aRunOfPagesThatNeverEndsStopsAtMaxPagesAPageAtATime);
    CPPUNIT_TEST(fixedParametersAndSecretHeadersAreSent);
    CPPUNIT_TEST(ordersAreAskedAboutThroughStatusPath);
    CPPUNIT_TEST(serviceOrdersStatusAnswersTheRecheck);
    CPPUNIT_TEST(anAnswerWithoutTheRecordsPathNamesIt);
    CPPUNIT_TEST(hostilePagingAnswersNeverStallTheSource);
    CPPUNIT_TEST_SUITE_END();

public:
    // The same fake, the same answers (hostile ones included), the same rows from both.
    void readsServiceOrderAsServiceOrderDoes()
    {
        FakeServiceOrder fake;
        const char* statuses[] = {"created", "delivering", "canceled", "cooking", "completed"};
        for (int i = 0; i < 25; ++i)
            fake.addOrder(statuses[i % 5], secondsBefore(30 - i));
        courierd::test::PluginUnderTest serviceOrder("service-order", "json",
                                                     {{"base_url", fake.baseUrl()},
                                                      {"interval", "5s"},
                                                      {"max_clock_skew", "5m"},
                                                      {"lookback", "0s"},
                                                      {"max_order_bytes", "512"}},
                                                     {});
        HttpJson json(fake.baseUrl(), SERVICE_ORDER);

        FakeServiceOrder::Fault hostile;
        hostile.status = 200;
        hostile.body =
            R"([{"id":"a1","status":"created","created_at":"2026-11-24T10:15:30Z"},)"
            R"({"id":"","status":"created","created_at":"2026-11-24T10:15:30Z"},)"
            R"({"id":"a2","status":"created","created_at":"yesterday"},)"
            R"({"id":"a3","status":5,"created_at":"2026-11-24T10:15:30Z"},)"
            R"("just text",)"
            R"({"id":"a4","status":"created","created_at":"2099-01-01T00:00:00Z"},)"
            R"({"id":"a5","status":"teleporting","created_at":"2026-11-24T10:15:31Z"},)"
            R"({"id":"a6","status":"created","created_at":"2026-11-24T10:15:31Z","note":")" +
            std::string(600, 'x') + R"("}])";
        fake.fail(hostile, 2); // one answer each
        const Batch first = serviceOrder.fetch();
        const Batch firstJson = json.fetch();
        CPPUNIT_ASSERT_EQUAL(std::size_t(6), first.rejects.size());
        CPPUNIT_ASSERT(rows(first) == rows(firstJson));
        // Then the service as it is, from each one's cursor.
        const Batch second = serviceOrder.fetch();
        const Batch secondJson = json.fetch();
        CPPUNIT_ASSERT_EQUAL(std::size_t(25), second.records.size());
        CPPUNIT_ASSERT(rows(second) == rows(secondJson));
        // And nothing new: both come back empty.
        CPPUNIT_ASSERT(rows(serviceOrder.fetch()) == rows(json.fetch()));
    }

    void eachPaginationStyleReadsEveryOrderOnce()
    {
        FakePagedApi fake;
        std::set<std::string> expected;
        const long long t0 = msAgo(60000);
        // 141 orders in three milliseconds, pages of 20: ties across every page boundary.
        for (const long long at : {t0, t0 + 1, t0 + 2})
            for (const long long id : fake.add(47, at))
                expected.insert(std::to_string(id));
        const std::vector<std::map<std::string, std::string>> styles = {
            {{"path", "/offset"}, {"pagination", "limit_offset"}},
            {{"path", "/page"}, {"pagination", "page"}},
            {{"path", "/page"}, {"pagination", "page"}, {"pagination.next_field", "next"}},
            {{"path", "/link"}, {"pagination", "next_link"}},
            {{"path", "/link"}, {"pagination", "next_link"}, {"pagination.next_field", "next"}},
            {{"path", "/token"}, {"pagination", "cursor_token"}},
        };
        for (auto style : styles)
        {
            const std::string name = style.at("pagination") + " " + style.at("path") +
                                     (style.count("pagination.next_field") ? " next_field" : "");
            style.insert({{"records_path", "orders"},
                          {"created_at_format", "epoch_ms"},
                          {"cursor_format", "epoch_ms"},
                          {"page_size", "20"},
                          {"lookback", "10s"},
                          {"statuses", "new"}});
            HttpJson json(fake.baseUrl(), style);
            std::map<std::string, int> stored;
            const int fetches = json.poll(stored);
            CPPUNIT_ASSERT_MESSAGE(name + ": " + std::to_string(fetches), fetches >= 8);
            json.poll(stored);
            for (const auto& id : expected)
                CPPUNIT_ASSERT_MESSAGE(name + ": order " + id + " never read", stored.count(id));
            for (const auto& [id, times] : stored)
                CPPUNIT_ASSERT_EQUAL_MESSAGE(name + ": order " + id, 1, times);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(name, expected.size(), stored.size());
        }
    }

    // An order inserted before the page being read (inside the window) and a new one, while a
    // run of offset pages goes on: this poll or the next reads both.
    void ordersArrivingWhilePagingAreNotLost()
    {
        FakePagedApi fake;
        const long long t0 = msAgo(5000);
        std::set<std::string> expected;
        for (const long long id : fake.add(100, t0))
            expected.insert(std::to_string(id));
        fake.beforeAnswer(
            [&](int request)
            {
                if (request != 3)
                    return;
                for (const long long id : fake.add(3, t0 - 1))
                    expected.insert(std::to_string(id));
                for (const long long id : fake.add(3, msAgo(0)))
                    expected.insert(std::to_string(id));
            });
        HttpJson json(fake.baseUrl(), {{"path", "/offset"},
                                       {"pagination", "limit_offset"},
                                       {"records_path", "orders"},
                                       {"created_at_format", "epoch_ms"},
                                       {"cursor_format", "epoch_ms"},
                                       {"page_size", "15"},
                                       {"lookback", "30s"}});
        std::map<std::string, int> stored;
        json.poll(stored);
        json.poll(stored);
        for (const auto& id : expected)
            CPPUNIT_ASSERT_MESSAGE("order " + id + " never read", stored.count(id));
        for (const auto& [id, times] : stored)
            CPPUNIT_ASSERT_EQUAL_MESSAGE("order " + id, 1, times);
    }

    void aLoopingTokenEndsTheRun()
    {
        FakePagedApi fake;
        fake.add(30, msAgo(10000));
        fake.loopToken(true);
        HttpJson json(fake.baseUrl(), {{"path", "/token"},
                                       {"pagination", "cursor_token"},
                                       {"records_path", "orders"},
                                       {"created_at_format", "epoch_ms"},
                                       {"cursor_format", "epoch_ms"},
                                       {"page_size", "10"}});
        std::map<std::string, int> stored;
        const int fetches = json.poll(stored);
        // The token repeats on the third page: the run ends there, the poll with it.
        CPPUNIT_ASSERT_MESSAGE(std::to_string(fetches), fetches <= 4);
        CPPUNIT_ASSERT(!stored.empty());
    }

    // Ten new orders before every answer: the run of pages never reaches its end. It ends at
    // pagination.max_pages, and each fetch hands over one page only, stored with its cursor
    // before the next: memory is a page's however long the run.
    void aRunOfPagesThatNeverEndsStopsAtMaxPagesAPageAtATime()
    {
        FakePagedApi fake;
        fake.add(10, msAgo(10000));
        fake.beforeAnswer([&](int) { fake.add(10, msAgo(5000)); });
        HttpJson json(fake.baseUrl(), {{"path", "/token"},
                                       {"pagination", "cursor_token"},
                                       {"records_path", "orders"},
                                       {"created_at_format", "epoch_ms"},
                                       {"cursor_format", "epoch_ms"},
                                       {"page_size", "10"},
                                       {"pagination.max_pages", "25"}});
        int fetches = 0;
        std::size_t most = 0, all = 0;
        for (bool more = true; more && fetches < 100; ++fetches)
        {
            const Batch batch = json.fetch();
            most = std::max(most, batch.records.size());
            all += batch.records.size();
            more = batch.more;
        }
        CPPUNIT_ASSERT_EQUAL(25, fetches);
        CPPUNIT_ASSERT_EQUAL(std::size_t(10), most);
        CPPUNIT_ASSERT_EQUAL(std::size_t(250), all);
    }

    void fixedParametersAndSecretHeadersAreSent()
    {
        FakePagedApi fake;
        fake.add(2, msAgo(1000));
        const courierd::test::TempFile key(".key", "k-3f9a\n");
        HttpJson json(fake.baseUrl(), {{"path", "/offset"},
                                       {"records_path", "orders"},
                                       {"created_at_format", "epoch_ms"},
                                       {"cursor_format", "epoch_ms"},
                                       {"query.region", "eu west"},
                                       {"headers.x-api-key_file", key.path()}});
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), json.fetch().records.size());
        const auto target = fake.targets().front();
        CPPUNIT_ASSERT_MESSAGE(target, target.find("region=eu%20west") != std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(target, target.find("from=") != std::string::npos);
        CPPUNIT_ASSERT_EQUAL(std::string("k-3f9a"), fake.apiKeys().front());
    }

    void ordersAreAskedAboutThroughStatusPath()
    {
        FakePagedApi fake;
        const auto ids = fake.add(4, msAgo(1000));
        HttpJson json(fake.baseUrl(), {{"path", "/offset"},
                                       {"records_path", "orders"},
                                       {"created_at_format", "epoch_ms"},
                                       {"statuses", "new,accepted"},
                                       {"status_path", "/orders/{id}"}});
        CPPUNIT_ASSERT(json.source->rechecks());
        fake.setStatus(ids[1], "canceled");
        fake.setStatus(ids[2], "delivered");
        fake.remove(ids[3]);
        std::vector<RecheckQuery> asked;
        for (const long long id : ids)
            asked.push_back({std::to_string(id), Poco::Timestamp()});
        const auto answers = json.source->recheck(asked);
        CPPUNIT_ASSERT_EQUAL(std::size_t(4), answers.size());
        CPPUNIT_ASSERT(answers[0].fate == Fate::Needed);
        CPPUNIT_ASSERT(answers[1].fate == Fate::Canceled);
        CPPUNIT_ASSERT(answers[2].fate == Fate::NotNeeded);
        CPPUNIT_ASSERT_EQUAL(std::string("status delivered"), answers[2].reason);
        CPPUNIT_ASSERT(answers[3].fate == Fate::Gone);
        // Without status_path it says it cannot.
        HttpJson plain(fake.baseUrl(), {{"path", "/offset"}});
        CPPUNIT_ASSERT(!plain.source->rechecks());
    }

    // `GET /order/{id}/status` answers {"order_id", "status"}: no id field, the status alone.
    void serviceOrdersStatusAnswersTheRecheck()
    {
        FakeServiceOrder fake;
        const std::string kept = fake.addOrder("created", secondsBefore(5));
        const std::string canceled = fake.addOrder("canceled", secondsBefore(5));
        const std::string moved = fake.addOrder("delivering", secondsBefore(5));
        const std::string deleted = fake.addOrder("created", secondsBefore(5));
        fake.remove(deleted);
        auto values = SERVICE_ORDER;
        values["status_path"] = "/public/api/v1/order/{id}/status";
        HttpJson json(fake.baseUrl(), values);
        const auto answers = json.source->recheck({{kept, secondsBefore(5)},
                                                   {canceled, secondsBefore(5)},
                                                   {moved, secondsBefore(5)},
                                                   {deleted, secondsBefore(5)}});
        CPPUNIT_ASSERT_EQUAL(std::size_t(4), answers.size());
        CPPUNIT_ASSERT(answers[0].fate == Fate::Needed);
        CPPUNIT_ASSERT(answers[1].fate == Fate::Canceled);
        CPPUNIT_ASSERT_EQUAL(std::string("status delivering"), answers[2].reason);
        CPPUNIT_ASSERT(answers[3].fate == Fate::Gone);
    }

    // Answers of a next_link source, each served to one request: the poll ends or fails with
    // its reason, and the source is read again from its watermark after.
    void hostilePagingAnswersNeverStallTheSource()
    {
        FakeServiceOrder fake;
        const std::string order =
            R"({"id":"o1","status":"created","created_at":")" +
            formatRfc3339(Poco::Timestamp::fromEpochTime(secondsBefore(30).epochTime())) + R"("})";
        const auto page = [&](const std::string& rest, std::map<std::string, std::string> headers)
        {
            FakeServiceOrder::Fault fault;
            fault.status = 200;
            fault.body = R"({"orders":[)" + order + "]" + rest + "}";
            fault.headers = std::move(headers);
            return fault;
        };
        const auto body = [](const std::string& text)
        {
            FakeServiceOrder::Fault fault;
            fault.status = 200;
            fault.body = text;
            return fault;
        };
        std::string deep = "1";
        for (int i = 0; i < 100; ++i)
            deep = R"({"a":)" + deep + "}";
        struct Case
        {
            std::string what;
            FakeServiceOrder::Fault answer;
            bool fails;        // the poll fails (else: it ends, the run cut short)
            bool failsViaLink; // the same, with the next link in the Link header
        };
        const std::vector<Case> cases = {
            {"a link to another server",
             page(R"(,"next":"http://example.invalid/o?p=2")",
                  {{"Link", "<http://example.invalid/o?p=2>; rel=\"next\""}}),
             false, false},
            {"a next field of 10 KiB",
             page(R"(,"next":"/public/api/v1/orders?p=)" + std::string(10240, '2') + "\"", {}),
             false, false},
            // A header over 8 KiB: the client refuses the answer, and the poll fails.
            {"a Link header of 10 KiB",
             page("", {{"Link", "</public/api/v1/orders?p=" + std::string(10240, '2') +
                                    ">; rel=\"next\""}}),
             true, true},
            {"records that are not an array", body(R"({"orders":"none"})"), true, true},
            {"an envelope 100 deep", body(R"({"meta":)" + deep + R"(,"orders":[]})"), true, true},
        };
        for (const auto& c : cases)
            for (const bool viaField : {false, true})
            {
                const std::string what = c.what + (viaField ? " (next_field)" : " (Link)");
                auto values = SERVICE_ORDER;
                values["pagination"] = "next_link";
                values["records_path"] = "orders";
                values["retry_count"] = "0";
                if (viaField)
                    values["pagination.next_field"] = "next";
                HttpJson json(fake.baseUrl(), values);
                fake.fail(c.answer);
                std::map<std::string, int> stored;
                bool failed = false;
                try
                {
                    CPPUNIT_ASSERT_MESSAGE(what, json.poll(stored, 5) < 5);
                }
                catch (const SourceException& e)
                {
                    failed = true;
                    CPPUNIT_ASSERT_MESSAGE(what + ": " + e.message(),
                                           e.message().find("GET http://127.0.0.1:") == 0);
                }
                CPPUNIT_ASSERT_EQUAL_MESSAGE(what, viaField ? c.fails : c.failsViaLink, failed);
                // Then a sane last page: the source is read again, from its watermark.
                fake.fail(page(R"(,"next":null)", {}));
                const Batch batch = json.fetch();
                CPPUNIT_ASSERT_MESSAGE(what, !batch.more);
                CPPUNIT_ASSERT_MESSAGE(what,
                                       fake.requests().back().find("from=") != std::string::npos);
            }
    }

    void anAnswerWithoutTheRecordsPathNamesIt()
    {
        FakeServiceOrder fake;
        fake.addOrder("created", secondsBefore(3));
        auto values = SERVICE_ORDER;
        values["records_path"] = "data.orders";
        HttpJson json(fake.baseUrl(), values);
        try
        {
            json.fetch();
            CPPUNIT_FAIL("an array read as an envelope");
        }
        catch (const SourceException& e)
        {
            CPPUNIT_ASSERT_MESSAGE(e.message(),
                                   e.message().find("'data.orders'") != std::string::npos);
            CPPUNIT_ASSERT_MESSAGE(e.message(), e.message().find("GET http://127.0.0.1:") == 0);
        }
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(HttpJsonSourceTest);
