#include "FakeServiceOrder.h"
#include "PluginUnderTest.h"
#include "courierd/Exceptions.h"
#include "courierd/HttpClient.h"
#include "courierd/Rfc3339.h"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/URI.h>
#include <cppunit/extensions/HelperMacros.h>

#include <map>

using namespace courierd;
using courierd::test::FakeServiceOrder;

namespace
{

Poco::Timestamp ago(int seconds)
{
    return Poco::Timestamp() - Poco::Timespan(seconds, 0);
}

struct Asked : courierd::test::PluginUnderTest
{
    explicit Asked(const std::string& baseUrl, const Values& overrides = {})
        : PluginUnderTest("service-order", "service-order",
                          {{"base_url", baseUrl}, {"interval", "5s"}, {"retry_count", "0"}},
                          overrides)
    {
    }

    // Asks about `ids` (each created at `createdAt`), answers by id.
    std::map<std::string, RecheckAnswer> recheck(const std::vector<std::string>& ids,
                                                 Poco::Timestamp createdAt)
    {
        std::vector<RecheckQuery> asked;
        for (const auto& id : ids)
            asked.push_back({id, createdAt});
        std::map<std::string, RecheckAnswer> byId;
        for (auto& answer : source->recheck(asked))
            byId.emplace(answer.id, std::move(answer));
        return byId;
    }
};

std::string fate(const std::map<std::string, RecheckAnswer>& answers, const std::string& id)
{
    const auto it = answers.find(id);
    return it == answers.end() ? "(no answer)"
                               : std::string(fateName(it->second.fate)) + ": " + it->second.reason;
}

} // namespace

// Issue 21: what service-order says of orders the engine already holds, with as few requests
// as its contract allows, and nothing concluded from an answer that cannot prove it.
class ServiceOrderRecheckTest : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(ServiceOrderRecheckTest);
    CPPUNIT_TEST(oneListingAnswersForEveryAskedOrder);
    CPPUNIT_TEST(fewOrdersAreAskedOneByOneAndA404IsConfirmedByAListing);
    CPPUNIT_TEST(aWrongBaseUrlIsAFailureNeverGone);
    CPPUNIT_TEST(hostileListingsAreBoundedAndProveNothingTheyCannot);
    CPPUNIT_TEST(hostileStatusAnswersAreUnknownOrAFailure);
    CPPUNIT_TEST(aSourceThatIsDownFailsTheRecheck);
    CPPUNIT_TEST_SUITE_END();

public:
    void oneListingAnswersForEveryAskedOrder()
    {
        FakeServiceOrder fake;
        const Poco::Timestamp created = ago(60);
        const auto live = fake.addOrder("cooking", created);
        const auto moving = fake.addOrder("delivering", created);
        const auto canceled = fake.addOrder("canceled", created);
        const auto deleted = fake.addOrder("created", created);
        const auto odd = fake.addOrder("teleported", created);
        fake.addOrder("created", created); // listed, not asked
        Asked plugin(fake.baseUrl());
        CPPUNIT_ASSERT(plugin.source->rechecks());
        Poco::Net::HTTPClientSession session("127.0.0.1", Poco::URI(fake.baseUrl()).getPort());
        Poco::Net::HTTPRequest remove("DELETE", "/public/api/v1/order/" + deleted);
        session.sendRequest(remove);
        Poco::Net::HTTPResponse removed;
        session.receiveResponse(removed);
        CPPUNIT_ASSERT_EQUAL(204, static_cast<int>(removed.getStatus()));

        const std::size_t before = fake.requestCount();
        const auto answers =
            plugin.recheck({live, moving, canceled, deleted, odd, "never-there"}, created);
        CPPUNIT_ASSERT_EQUAL(before + 1, fake.requestCount()); // one listing for all six
        CPPUNIT_ASSERT_EQUAL(std::string("/public/api/v1/orders?from=") +
                                 HttpClient::encode(formatRfc3339(created)),
                             fake.requests().back());
        CPPUNIT_ASSERT_EQUAL(std::string("needed: "), fate(answers, live));
        CPPUNIT_ASSERT_EQUAL(std::string("not_needed: status delivering"), fate(answers, moving));
        CPPUNIT_ASSERT_EQUAL(std::string("canceled: status canceled"), fate(answers, canceled));
        CPPUNIT_ASSERT_EQUAL(std::string("gone: not listed by service-order"),
                             fate(answers, deleted));
        CPPUNIT_ASSERT_EQUAL(std::string("gone: not listed by service-order"),
                             fate(answers, "never-there"));
        CPPUNIT_ASSERT_EQUAL(
            std::string("unknown: status 'teleported' is not in service-order's contract"),
            fate(answers, odd));
        CPPUNIT_ASSERT_EQUAL(std::size_t(6), answers.size());
    }

    void fewOrdersAreAskedOneByOneAndA404IsConfirmedByAListing()
    {
        FakeServiceOrder fake;
        const Poco::Timestamp created = ago(30);
        const auto live = fake.addOrder("pending", created);
        const auto canceled = fake.addOrder("canceled", created);
        Asked plugin(fake.baseUrl());
        std::size_t before = fake.requestCount();
        auto answers = plugin.recheck({live, canceled}, created);
        CPPUNIT_ASSERT_EQUAL(before + 2, fake.requestCount());
        CPPUNIT_ASSERT_EQUAL("/public/api/v1/order/" + canceled + "/status",
                             fake.requests().back());
        CPPUNIT_ASSERT_EQUAL(std::string("needed: "), fate(answers, live));
        CPPUNIT_ASSERT_EQUAL(std::string("canceled: status canceled"), fate(answers, canceled));

        // A 404 alone proves nothing (a wrong route answers 404 too): a listing confirms it.
        fake.remove(live);
        before = fake.requestCount();
        answers = plugin.recheck({live}, created);
        CPPUNIT_ASSERT_EQUAL(before + 2, fake.requestCount());
        CPPUNIT_ASSERT(fake.requests().back().find("/public/api/v1/orders?from=") == 0);
        CPPUNIT_ASSERT_EQUAL(std::string("gone: not listed by service-order"), fate(answers, live));
    }

    void aWrongBaseUrlIsAFailureNeverGone()
    {
        FakeServiceOrder fake;
        const auto id = fake.addOrder("created", ago(10));
        Asked plugin(fake.baseUrl() + "/wrong-prefix");
        for (const std::vector<std::string>& ids :
             {std::vector<std::string>{id}, std::vector<std::string>{id, "b", "c", "d"}})
        {
            try
            {
                plugin.recheck(ids, ago(10));
                CPPUNIT_FAIL("a source answering 404 everywhere gave verdicts");
            }
            catch (const SourceException& e)
            {
                CPPUNIT_ASSERT_MESSAGE(e.message(), e.message().find("404") != std::string::npos);
            }
        }
    }

    void hostileListingsAreBoundedAndProveNothingTheyCannot()
    {
        FakeServiceOrder fake;
        const Poco::Timestamp created = ago(10);
        Asked plugin(fake.baseUrl(), {{"max_order_bytes", "1024"}});
        const std::vector<std::string> asked{"a", "b", "c", "d"};
        const auto listing = [&](const std::string& body)
        {
            FakeServiceOrder::Fault answer;
            answer.status = 200;
            answer.body = body;
            fake.fail(answer);
            return plugin.recheck(asked, created);
        };
        // Unasked ids are ignored, a second listing of an id with another status makes it
        // unknown, and an element that cannot be read leaves the absent ones unknown, not gone.
        auto answers = listing(R"([{"id":"a","status":"created"},{"id":"zz","status":"canceled"},)"
                               R"({"id":"b","status":"created"},{"id":"b","status":"canceled"},)"
                               R"({"id":"c","status":"created"},{"id":"c","status":"created"},)"
                               R"(17,{"id":5,"status":"created"},{"status":"canceled"}])");
        CPPUNIT_ASSERT_EQUAL(std::size_t(4), answers.size());
        CPPUNIT_ASSERT_EQUAL(std::string("needed: "), fate(answers, "a"));
        CPPUNIT_ASSERT_EQUAL(std::string("unknown: listed more than once, with different statuses"),
                             fate(answers, "b"));
        CPPUNIT_ASSERT_EQUAL(std::string("needed: "), fate(answers, "c"));
        CPPUNIT_ASSERT_EQUAL(std::string("unknown: not in the listing, which held 3 element(s) "
                                         "without a readable id and status"),
                             fate(answers, "d"));
        // An element larger than max_order_bytes is cut, so it may have been any order.
        answers = listing(R"([{"id":"a","status":"canceled","pad":")" + std::string(4096, 'x') +
                          R"("}])");
        CPPUNIT_ASSERT_EQUAL(std::string("unknown: not in the listing, which held 1 element(s) "
                                         "without a readable id and status"),
                             fate(answers, "a"));
        // A listing of a million orders is streamed: memory stays with the asked ones.
        FakeServiceOrder::Fault huge;
        huge.status = 200;
        huge.body = R"([{"id":"a","status":"canceled"})";
        huge.repeated = R"(,{"id":"other","status":"created","created_at":"2026-11-24T10:15:30Z"})";
        huge.repeat = 1000000;
        huge.tail = "]";
        fake.fail(huge);
        answers = plugin.recheck(asked, created);
        CPPUNIT_ASSERT_EQUAL(std::string("canceled: status canceled"), fate(answers, "a"));
        CPPUNIT_ASSERT_EQUAL(std::string("gone: not listed by service-order"), fate(answers, "d"));
        // Not an array: a failure, with no verdict at all.
        for (const std::string& broken :
             {std::string(R"({"orders":[]})"), std::string("[{"), std::string("<html>")})
            CPPUNIT_ASSERT_THROW(listing(broken), SourceException);
    }

    void hostileStatusAnswersAreUnknownOrAFailure()
    {
        FakeServiceOrder fake;
        Asked plugin(fake.baseUrl());
        const auto answerWith = [&](const std::string& body)
        {
            FakeServiceOrder::Fault answer;
            answer.status = 200;
            answer.body = body;
            fake.fail(answer);
            return fate(plugin.recheck({"a"}, ago(5)), "a");
        };
        CPPUNIT_ASSERT_EQUAL(std::string("unknown: the status answer is about another order"),
                             answerWith(R"({"order_id":"b","status":"canceled"})"));
        CPPUNIT_ASSERT(answerWith("not json").find("unknown: the status answer is not") == 0);
        CPPUNIT_ASSERT(answerWith(R"({"order_id":"a"})").find("unknown:") == 0);
        CPPUNIT_ASSERT_EQUAL(std::string("canceled: status canceled"),
                             answerWith(R"({"order_id":"a","status":"canceled"})"));
        FakeServiceOrder::Fault huge;
        huge.status = 200;
        huge.body = R"({"order_id":"a","status":")";
        huge.repeated = std::string(1024, 'x');
        huge.repeat = 1000;
        huge.tail = R"("})";
        fake.fail(huge);
        try
        {
            plugin.recheck({"a"}, ago(5));
            CPPUNIT_FAIL("a status answer of 1 MB was read");
        }
        catch (const SourceException& e)
        {
            CPPUNIT_ASSERT_MESSAGE(e.message(), e.message().find("larger than 65536 bytes") !=
                                                    std::string::npos);
        }
    }

    void aSourceThatIsDownFailsTheRecheck()
    {
        FakeServiceOrder fake;
        Asked plugin(fake.baseUrl());
        fake.fail(FakeServiceOrder::Fault{}, 2);
        CPPUNIT_ASSERT_THROW(plugin.recheck({"a"}, ago(5)), SourceException);
        CPPUNIT_ASSERT_THROW(plugin.recheck({"a", "b", "c", "d"}, ago(5)), SourceException);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ServiceOrderRecheckTest);
