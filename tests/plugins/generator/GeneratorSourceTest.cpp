#include "PluginUnderTest.h"
#include "TestFiles.h"
#include "courierd/Exceptions.h"
#include "courierd/Rfc3339.h"

#include <Poco/JSON/Parser.h>
#include <cppunit/extensions/HelperMacros.h>

#include <map>
#include <set>

using namespace courierd;

namespace
{

const Poco::Timestamp T0(Poco::Timestamp::TimeVal(1'795'000'000'000'000)); // 2026-11-18

using Values = std::map<std::string, std::string>;

// The real plugin file, loaded by the real host, on a clock the test moves.
struct Generator : courierd::test::PluginUnderTest
{
    explicit Generator(const Values& overrides = {})
        : PluginUnderTest("generator", "demo", {{"interval", "5s"}}, overrides, T0)
    {
    }

    Batch fetchAt(Poco::Timestamp now)
    {
        context->setNow(now);
        return fetch();
    }
};

Poco::Timestamp after(int ms)
{
    return T0 + Poco::Timespan(ms * Poco::Timespan::MILLISECONDS);
}

} // namespace

class GeneratorSourceTest : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(GeneratorSourceTest);
    CPPUNIT_TEST(ordersComeAtTheRateEachWithItsOwnTime);
    CPPUNIT_TEST(ordersLookLikeServiceOrdersAndRepeatForTheSameRunAndNumber);
    CPPUNIT_TEST(canceledOrdersAreSkipped);
    CPPUNIT_TEST(itsLaterShareIsCanceledAtARecheckAfterAWhile);
    CPPUNIT_TEST(aLongStopIsMadeUpForOnlyWithinCatchUpAndInBatches);
    CPPUNIT_TEST(aCursorItDidNotWriteStartsANewRunWithNewIds);
    CPPUNIT_TEST(everyNumberIsBounded);
    CPPUNIT_TEST(readmeDocumentsEveryKey);
    CPPUNIT_TEST_SUITE_END();

public:
    // Issue 21: the demo shows couriers coming back from orders canceled after assignment.
    void itsLaterShareIsCanceledAtARecheckAfterAWhile()
    {
        Generator generator(Values{{"rate", "100"},
                                   {"canceled_percent", "10"},
                                   {"canceled_later_percent", "30"},
                                   {"canceled_after", "1m"}});
        CPPUNIT_ASSERT(generator.source->rechecks());
        const Batch batch = generator.fetchAt(T0);
        std::vector<RecheckQuery> asked;
        for (const auto& record : batch.records)
            asked.push_back({record.id, record.createdAt});
        asked.push_back({"not-a-generator-id", T0});
        const auto count = [&](Fate fate)
        {
            std::size_t n = 0;
            for (const auto& answer : generator.source->recheck(asked))
                n += answer.fate == fate;
            return n;
        };
        std::size_t skipped = 0;
        for (const auto& record : batch.records)
            skipped += record.verdict == Record::Verdict::Skip;
        CPPUNIT_ASSERT_EQUAL(std::size_t(500), batch.records.size());
        // Before canceled_after: only those canceled from the start.
        CPPUNIT_ASSERT_EQUAL(skipped, count(Fate::Canceled));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), count(Fate::Unknown));
        // After it: about 30 % of the others too, the same ones at every recheck.
        generator.context->setNow(T0 + Poco::Timespan(61, 0));
        const std::size_t later = count(Fate::Canceled) - skipped;
        CPPUNIT_ASSERT_MESSAGE(std::to_string(later), later > 90 && later < 180);
        CPPUNIT_ASSERT_EQUAL(later + skipped, count(Fate::Canceled));
        CPPUNIT_ASSERT_EQUAL(500 - skipped - later, count(Fate::Needed));
    }

    void ordersComeAtTheRateEachWithItsOwnTime()
    {
        Generator generator(Values{{"rate", "10"}});
        // The first fetch hands over one interval (5 s) at once.
        Batch first = generator.fetchAt(T0);
        CPPUNIT_ASSERT_EQUAL(std::size_t(50), first.records.size());
        CPPUNIT_ASSERT(!first.more);
        std::set<std::string> ids;
        Poco::Timestamp previous = T0 - Poco::Timespan(5, 0);
        for (const auto& record : first.records)
        {
            CPPUNIT_ASSERT(ids.insert(record.id).second);
            CPPUNIT_ASSERT(record.createdAt > previous);
            CPPUNIT_ASSERT(record.createdAt <= T0);
            previous = record.createdAt;
        }
        // 2.35 s later: 23 more, none repeated, none later than now.
        Batch second = generator.fetchAt(after(2350));
        CPPUNIT_ASSERT_EQUAL(std::size_t(23), second.records.size());
        for (const auto& record : second.records)
        {
            CPPUNIT_ASSERT(ids.insert(record.id).second);
            CPPUNIT_ASSERT(record.createdAt > previous && record.createdAt <= after(2350));
            previous = record.createdAt;
        }
        // Nothing is due within the same tenth of a second.
        CPPUNIT_ASSERT(generator.fetchAt(after(2399)).records.empty());
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), generator.fetchAt(after(2400)).records.size());
    }

    void ordersLookLikeServiceOrdersAndRepeatForTheSameRunAndNumber()
    {
        Generator one(Values{{"rate", "5"}, {"canceled_percent", "0"}});
        Generator two(Values{{"rate", "5"}, {"canceled_percent", "0"}});
        Batch a = one.fetchAt(T0);
        Batch b = two.fetchAt(T0);
        CPPUNIT_ASSERT_EQUAL(std::size_t(25), a.records.size());
        for (std::size_t i = 0; i < a.records.size(); ++i)
        {
            const Record& record = a.records[i];
            CPPUNIT_ASSERT_EQUAL(record.payload, b.records[i].payload);
            CPPUNIT_ASSERT(record.verdict == Record::Verdict::Assign);
            auto order =
                Poco::JSON::Parser().parse(record.payload).extract<Poco::JSON::Object::Ptr>();
            CPPUNIT_ASSERT_EQUAL(record.id, order->getValue<std::string>("id"));
            CPPUNIT_ASSERT(!order->getValue<std::string>("fio").empty());
            CPPUNIT_ASSERT(order->getArray("items")->size() >= 1);
            CPPUNIT_ASSERT(order->getValue<int>("total_price") > 0);
            CPPUNIT_ASSERT(order->getObject("address")->has("street"));
            // created_at shows the whole second, as service-order does.
            const auto shown = parseRfc3339(order->getValue<std::string>("created_at"));
            CPPUNIT_ASSERT(shown.has_value());
            CPPUNIT_ASSERT_EQUAL(record.createdAt.epochTime(), shown->epochTime());
        }
    }

    void canceledOrdersAreSkipped()
    {
        Generator all(Values{{"canceled_percent", "100"}, {"rate", "4"}});
        for (const auto& record : all.fetchAt(T0).records)
        {
            CPPUNIT_ASSERT(record.verdict == Record::Verdict::Skip);
            CPPUNIT_ASSERT_EQUAL(std::string("status canceled"), record.reason);
            CPPUNIT_ASSERT(record.payload.find(R"("status":"canceled")") != std::string::npos);
        }
        Generator some(Values{{"canceled_percent", "30"}, {"rate", "100"}});
        std::size_t skipped = 0;
        const Batch batch = some.fetchAt(T0);
        for (const auto& record : batch.records)
            skipped += record.verdict == Record::Verdict::Skip;
        CPPUNIT_ASSERT_EQUAL(std::size_t(500), batch.records.size());
        CPPUNIT_ASSERT_MESSAGE(std::to_string(skipped), skipped > 100 && skipped < 200);
    }

    void aLongStopIsMadeUpForOnlyWithinCatchUpAndInBatches()
    {
        Generator generator(Values{{"rate", "100"}, {"batch", "2000"}, {"catch_up", "1m"}});
        generator.fetchAt(T0);
        // A day later: only the last minute (6,000 orders), in batches of 2,000.
        const Poco::Timestamp later = T0 + Poco::Timespan(1, 0, 0, 0, 0);
        std::vector<std::size_t> sizes;
        Batch batch;
        do
        {
            batch = generator.fetchAt(later);
            sizes.push_back(batch.records.size());
            for (const auto& record : batch.records)
                CPPUNIT_ASSERT(record.createdAt > later - Poco::Timespan(60, 0));
        } while (batch.more && sizes.size() < 10);
        CPPUNIT_ASSERT((sizes == std::vector<std::size_t>{2000, 2000, 2000}));
    }

    void aCursorItDidNotWriteStartsANewRunWithNewIds()
    {
        Generator generator(Values{{"rate", "2"}});
        std::set<std::string> ids;
        for (const auto& record : generator.fetchAt(T0).records)
            ids.insert(record.id);
        // Not its own, out of range, or in the future (a source must never stall on its cursor).
        for (const std::string& hostile :
             std::vector<std::string>{"", "g1:1:2", "g1:-1:0:0", "g1:x:0:0", "2026-11-24T10:00:00Z",
                                      "g1:99999999999999999999:0:0", "g1:1:9223372036854775807:0",
                                      "g1:1:0:99999999999999", std::string(1 << 16, 'g')})
        {
            // Orders come within a second of the hostile cursor, never later than now.
            generator.cursor = hostile;
            std::size_t made = 0;
            for (int ms : {1000, 2000})
            {
                const Batch batch = generator.fetchAt(after(ms));
                made += batch.records.size();
                CPPUNIT_ASSERT(batch.cursor.size() < 100);
                for (const auto& record : batch.records)
                    CPPUNIT_ASSERT(record.createdAt <= after(ms));
            }
            CPPUNIT_ASSERT_MESSAGE(hostile.substr(0, 40), made > 0);
        }
        // A new run at a later millisecond never repeats an id of the old one.
        generator.cursor.clear();
        for (const auto& record : generator.fetchAt(after(2001)).records)
            CPPUNIT_ASSERT_MESSAGE(record.id, !ids.count(record.id));
    }

    void everyNumberIsBounded()
    {
        PluginHost host(COURIERD_PLUGIN_BUILD_DIR);
        const auto keys = host.create("generator").settings();
        // The host refuses values outside these limits; unbounded ones could overflow a count.
        for (const auto& key : keys)
            if (key.type != ConfigType::String)
                CPPUNIT_ASSERT_MESSAGE(key.name,
                                       key.minimum >= 0 && key.maximum <= 24LL * 3600 * 1000);
    }

    void readmeDocumentsEveryKey()
    {
        const std::string readme = test::readFile(COURIERD_SOURCE_DIR "/docs/configuration.md");
        const auto section = readme.find("## The generator plugin");
        CPPUNIT_ASSERT(section != std::string::npos);
        PluginHost host(COURIERD_PLUGIN_BUILD_DIR);
        for (const auto& key : host.create("generator").settings())
            CPPUNIT_ASSERT_MESSAGE("docs/configuration.md does not document " + key.name,
                                   readme.find("| `" + key.name + "` |", section) !=
                                       std::string::npos);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(GeneratorSourceTest);
