#include "sources/Rechecker.h"

#include "FakeClock.h"
#include "LogCapture.h"

#include <cppunit/extensions/HelperMacros.h>

#include <functional>
#include <map>
#include <memory>
#include <sstream>

using namespace courierd;
using courierd::test::FakeClock;
using courierd::test::LogCapture;

namespace
{

// Running deliveries in memory: asked about longest-unchecked first; apply() ends the
// canceled and gone ones and stamps every answered one.
struct MemoryRecheckRows : RecheckRows
{
    struct Delivery
    {
        std::string id;
        int checked = 0; // how many times it was asked about
        bool ended = false;
        std::string verdict = {};
    };

    std::vector<RecheckQuery> runningDeliveries(const std::string&, std::size_t limit) override
    {
        if (fail)
            throw Poco::IOException("the store is down");
        std::vector<Delivery*> running;
        for (auto& delivery : deliveries)
            if (!delivery.ended)
                running.push_back(&delivery);
        std::stable_sort(running.begin(), running.end(),
                         [](const Delivery* a, const Delivery* b)
                         { return a->checked < b->checked; });
        std::vector<RecheckQuery> out;
        for (std::size_t i = 0; i < running.size() && i < limit; ++i)
            out.push_back({running[i]->id, Poco::Timestamp(0)});
        return out;
    }

    std::vector<RecheckAnswer> apply(const std::string&,
                                     const std::vector<RecheckAnswer>& answers) override
    {
        std::vector<RecheckAnswer> ended;
        for (const auto& answer : answers)
            for (auto& delivery : deliveries)
                if (delivery.id == answer.id)
                {
                    ++delivery.checked;
                    delivery.verdict = fateName(answer.fate);
                    if (answer.fate == Fate::Canceled || answer.fate == Fate::Gone)
                    {
                        delivery.ended = true;
                        ended.push_back(answer);
                    }
                }
        return ended;
    }

    // Orders waiting for a courier: asked about while due; a verdict makes them not due.
    struct Waiting
    {
        std::string id;
        bool due = true;
        std::string verdict = {};
        std::string skipped = {}; // the reason it ended skipped
    };

    std::vector<RecheckQuery> waitingOrders(const std::string&, Duration after,
                                            std::size_t limit) override
    {
        if (fail)
            throw Poco::IOException("the store is down");
        afters.push_back(after);
        std::vector<RecheckQuery> out;
        for (const auto& order : waiting)
            if (order.due && order.skipped.empty() && out.size() < limit)
                out.push_back({order.id, Poco::Timestamp(0)});
        return out;
    }

    std::vector<std::string> settleWaiting(const std::string&,
                                           const std::vector<Settled>& settled) override
    {
        std::vector<std::string> skipped;
        for (const auto& one : settled)
            for (auto& order : waiting)
                if (order.id == one.id && order.skipped.empty())
                {
                    order.due = false;
                    order.verdict = one.verdict;
                    order.skipped = one.skipped;
                    if (!one.skipped.empty())
                        skipped.push_back(one.id);
                }
        return skipped;
    }

    const Waiting& waitingOne(const std::string& id) const
    {
        for (const auto& order : waiting)
            if (order.id == id)
                return order;
        throw std::out_of_range(id);
    }

    const Delivery& at(const std::string& id) const
    {
        for (const auto& delivery : deliveries)
            if (delivery.id == id)
                return delivery;
        throw std::out_of_range(id);
    }

    std::vector<Delivery> deliveries;
    std::vector<Waiting> waiting;
    std::vector<Duration> afters; // the `after` of each look for waiting orders
    bool fail = false;
};

// A source whose recheck answers with `answer` (the asked orders in, its answers out).
struct AnsweringSource : Source
{
    std::vector<ConfigKey> settings() const override { return {}; }
    void initialize(SourceContext&) override {}
    Batch fetch(const std::string&) override { return {}; }
    bool rechecks() const override { return canRecheck; }
    std::vector<RecheckAnswer> recheck(const std::vector<RecheckQuery>& orders) override
    {
        asked.push_back(orders.size());
        return answer(orders);
    }

    bool canRecheck = true;
    std::function<std::vector<RecheckAnswer>(const std::vector<RecheckQuery>&)> answer;
    std::vector<std::size_t> asked; // the size of each batch asked
};

struct Checking
{
    explicit Checking(std::size_t batch = 2, Duration interval = std::chrono::seconds(30),
                      Duration after = Duration(0))
        : metrics(registry)
        , rechecker(
              "orders", source, {interval, batch, after}, rows, metrics, [this] { ++wakes; },
              lines.logger(), clock)
    {
        for (const char* id : {"a", "b", "c", "d", "e"})
            rows.deliveries.push_back({id});
        // The first batch of running deliveries comes one interval after the start.
        CPPUNIT_ASSERT(interval.count() == 0 || after.count() > 0 || !rechecker.step());
        clock.advance(interval);
    }

    // Waiting orders alone: no running delivery, rechecks of waiting orders after 30 s.
    static std::unique_ptr<Checking> waiting(std::size_t batch = 5)
    {
        auto c = std::make_unique<Checking>(batch, Duration(0), std::chrono::seconds(30));
        for (const char* id : {"a", "b", "c", "d", "e"})
            c->rows.waiting.push_back({id});
        return c;
    }

    std::string metricsText()
    {
        std::ostringstream out;
        registry.write(out);
        return out.str();
    }

    LogCapture lines{"test.rechecker"};
    FakeClock clock{Poco::Timestamp(1000000)};
    metrics::Registry registry;
    SourceMetrics metrics;
    MemoryRecheckRows rows;
    AnsweringSource source;
    int wakes = 0;
    Rechecker rechecker;
};

std::vector<RecheckAnswer> allNeeded(const std::vector<RecheckQuery>& orders)
{
    std::vector<RecheckAnswer> out;
    for (const auto& order : orders)
        out.push_back({order.id, Fate::Needed, {}});
    return out;
}

} // namespace

// Issue 21: a courier sent to an order canceled later comes back, within
// ceil(running deliveries / recheck_batch) x recheck_interval.
class RecheckerTest : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(RecheckerTest);
    CPPUNIT_TEST(asksABatchAnIntervalLongestUncheckedFirst);
    CPPUNIT_TEST(canceledAndGoneEndTheRestStays);
    CPPUNIT_TEST(strayDuplicateAndMissingAnswersChangeNothing);
    CPPUNIT_TEST(aFailedRecheckChangesNothingAndIsSaidOnce);
    CPPUNIT_TEST(offWithoutAnIntervalOrAPluginThatCannotTell);
    CPPUNIT_TEST(waitingOrdersNoLongerNeededAreSkippedTheRestAssigned);
    CPPUNIT_TEST(waitingOrdersAreLookedForEverySecondABatchAtATime);
    CPPUNIT_TEST(aFailedRecheckOfWaitingOrdersReleasesThemAndIsSaidOnce);
    CPPUNIT_TEST(waitingOrdersAreNotAskedAboutWithoutRecheckAfter);
    CPPUNIT_TEST_SUITE_END();

public:
    void asksABatchAnIntervalLongestUncheckedFirst()
    {
        Checking c;
        c.source.answer = allNeeded;
        CPPUNIT_ASSERT(c.rechecker.step());
        CPPUNIT_ASSERT(!c.rechecker.step()); // not again within the interval
        c.clock.advance(std::chrono::seconds(29));
        CPPUNIT_ASSERT(!c.rechecker.step());
        c.clock.advance(std::chrono::seconds(1));
        CPPUNIT_ASSERT(c.rechecker.step());
        c.clock.advance(std::chrono::seconds(30));
        CPPUNIT_ASSERT(c.rechecker.step());
        CPPUNIT_ASSERT((c.source.asked == std::vector<std::size_t>{2, 2, 2}));
        // Five deliveries, two a batch: every one asked within ceil(5 / 2) = 3 intervals.
        for (const char* id : {"a", "b", "c", "d", "e"})
            CPPUNIT_ASSERT_MESSAGE(id, c.rows.at(id).checked >= 1);
        CPPUNIT_ASSERT(c.metricsText().find(
                           "courierd_rechecks_total{source=\"orders\",outcome=\"needed\"} 6") !=
                       std::string::npos);
        CPPUNIT_ASSERT_EQUAL(0, c.lines.count("ended"));
    }

    void canceledAndGoneEndTheRestStays()
    {
        Checking c(5);
        c.source.answer = [](const std::vector<RecheckQuery>&)
        {
            return std::vector<RecheckAnswer>{{"a", Fate::Canceled, "status canceled"},
                                              {"b", Fate::Gone, "not listed"},
                                              {"c", Fate::NotNeeded, "status delivering"},
                                              {"d", Fate::Unknown, "can't tell"},
                                              {"e", Fate::Needed, {}}};
        };
        CPPUNIT_ASSERT(c.rechecker.step());
        CPPUNIT_ASSERT(c.rows.at("a").ended);
        CPPUNIT_ASSERT(c.rows.at("b").ended);
        for (const char* id : {"c", "d", "e"})
            CPPUNIT_ASSERT_MESSAGE(id, !c.rows.at(id).ended);
        const std::string text = c.metricsText();
        for (const char* line :
             {"courierd_deliveries_ended_total{source=\"orders\",reason=\"canceled_at_source\"} 1",
              "courierd_deliveries_ended_total{source=\"orders\",reason=\"gone_at_source\"} 1",
              "courierd_rechecks_total{source=\"orders\",outcome=\"not_needed\"} 1",
              "courierd_rechecks_total{source=\"orders\",outcome=\"unknown\"} 1"})
            CPPUNIT_ASSERT_MESSAGE(line, text.find(line) != std::string::npos);
        // One line for the batch that changed something, one for what the source could not
        // tell (once, until a batch has none).
        CPPUNIT_ASSERT_EQUAL(1, c.lines.count("recheck of 5 running deliveries: 2 ended"));
        CPPUNIT_ASSERT_EQUAL(1, c.lines.count("could not tell about 1 of 5 running deliveries "
                                              "(first: d, can't tell); their deliveries run on"));
        c.clock.advance(std::chrono::seconds(30));
        CPPUNIT_ASSERT(c.rechecker.step());
        CPPUNIT_ASSERT_EQUAL(1, c.lines.count("could not tell"));
    }

    void strayDuplicateAndMissingAnswersChangeNothing()
    {
        Checking c(3);
        c.source.answer = [](const std::vector<RecheckQuery>&)
        {
            return std::vector<RecheckAnswer>{{"zz", Fate::Canceled, "not asked"},
                                              {"a", Fate::Needed, {}},
                                              {"a", Fate::Canceled, "second answer"},
                                              {"b", Fate::Gone, std::string(5000, 'r')}};
        };
        CPPUNIT_ASSERT(c.rechecker.step());
        CPPUNIT_ASSERT(!c.rows.at("a").ended); // the first answer counts
        CPPUNIT_ASSERT(c.rows.at("b").ended);
        CPPUNIT_ASSERT_EQUAL(std::string("unknown"), c.rows.at("c").verdict); // no answer
        CPPUNIT_ASSERT_EQUAL(1, c.lines.count("2 time(s) about orders it was not asked about"));
        for (const auto& line : c.lines.lines())
            CPPUNIT_ASSERT_MESSAGE(line, line.size() < 1000);
    }

    void aFailedRecheckChangesNothingAndIsSaidOnce()
    {
        Checking c;
        c.source.answer = [](const std::vector<RecheckQuery>&) -> std::vector<RecheckAnswer>
        { throw SourceException("GET /orders: 503"); };
        for (int i = 0; i < 3; ++i)
        {
            CPPUNIT_ASSERT(c.rechecker.step());
            c.clock.advance(std::chrono::seconds(30));
        }
        for (const auto& delivery : c.rows.deliveries)
            CPPUNIT_ASSERT(!delivery.ended && delivery.checked == 0);
        CPPUNIT_ASSERT_EQUAL(1, c.lines.count("recheck of running deliveries failed"));
        CPPUNIT_ASSERT(c.metricsText().find(
                           "courierd_rechecks_total{source=\"orders\",outcome=\"error\"} 6") !=
                       std::string::npos);
        c.rows.fail = true; // the store, too, is outside the plugin's control
        CPPUNIT_ASSERT_NO_THROW(c.rechecker.step());
        c.rows.fail = false;
        c.source.answer = allNeeded;
        c.clock.advance(std::chrono::seconds(30));
        CPPUNIT_ASSERT(c.rechecker.step());
        CPPUNIT_ASSERT_EQUAL(1, c.lines.count("rechecks of running deliveries succeed again"));
    }

    void offWithoutAnIntervalOrAPluginThatCannotTell()
    {
        Checking off(2, Duration(0));
        off.source.answer = allNeeded;
        CPPUNIT_ASSERT(!off.rechecker.enabled());
        CPPUNIT_ASSERT(!off.rechecker.step());

        LogCapture lines{"test.rechecker.old"};
        metrics::Registry registry;
        SourceMetrics metrics(registry);
        MemoryRecheckRows rows;
        rows.deliveries.push_back({"a"});
        rows.waiting.push_back({"w"});
        AnsweringSource old;
        old.canRecheck = false;
        Rechecker rechecker(
            "old", old, {std::chrono::seconds(1), 10, std::chrono::seconds(1)}, rows, metrics,
            [] {}, lines.logger());
        CPPUNIT_ASSERT(!rechecker.step());
        CPPUNIT_ASSERT(old.asked.empty());
        CPPUNIT_ASSERT(rows.afters.empty());
        CPPUNIT_ASSERT_EQUAL(Duration(0), rechecker.after()); // the pipeline holds nothing back
    }

    // Issue 21: an order canceled, deleted or moved on at the source while it waited for a
    // courier is never assigned; one still needed is assigned as before.
    void waitingOrdersNoLongerNeededAreSkippedTheRestAssigned()
    {
        auto c = Checking::waiting();
        c->source.answer = [](const std::vector<RecheckQuery>&)
        {
            return std::vector<RecheckAnswer>{{"a", Fate::Canceled, "status canceled"},
                                              {"b", Fate::Gone, "not listed"},
                                              {"c", Fate::NotNeeded, "status delivering"},
                                              {"d", Fate::Unknown, "can't tell"},
                                              {"e", Fate::Needed, {}}};
        };
        CPPUNIT_ASSERT_EQUAL(Duration(std::chrono::seconds(30)), c->rechecker.after());
        CPPUNIT_ASSERT(c->rechecker.step());
        CPPUNIT_ASSERT((c->rows.afters == std::vector<Duration>{std::chrono::seconds(30)}));
        const auto& rows = c->rows;
        CPPUNIT_ASSERT_EQUAL(std::string("canceled at source: status canceled"),
                             rows.waitingOne("a").skipped);
        CPPUNIT_ASSERT_EQUAL(std::string("gone at source"), rows.waitingOne("b").skipped);
        CPPUNIT_ASSERT_EQUAL(std::string("status delivering at recheck"),
                             rows.waitingOne("c").skipped);
        CPPUNIT_ASSERT_EQUAL(std::string(), rows.waitingOne("d").skipped);
        CPPUNIT_ASSERT_EQUAL(std::string(), rows.waitingOne("e").skipped);
        CPPUNIT_ASSERT_EQUAL(std::string("canceled: status canceled"),
                             rows.waitingOne("a").verdict);
        CPPUNIT_ASSERT_EQUAL(std::string("unknown: can't tell"), rows.waitingOne("d").verdict);
        CPPUNIT_ASSERT_EQUAL(std::string("needed"), rows.waitingOne("e").verdict);
        CPPUNIT_ASSERT_EQUAL(1, c->wakes); // d and e may be assigned now
        CPPUNIT_ASSERT_EQUAL(1, c->lines.count("recheck of 5 orders waiting for a courier: 3 "
                                               "skipped, never assigned (1 canceled at the "
                                               "source, 1 gone from it, 1 no longer needed"));
        const std::string text = c->metricsText();
        for (const char* line :
             {"courierd_rechecks_total{source=\"orders\",outcome=\"canceled\"} 1",
              "courierd_rechecks_total{source=\"orders\",outcome=\"needed\"} 1",
              "courierd_rechecks_total{source=\"orders\",outcome=\"unknown\"} 1"})
            CPPUNIT_ASSERT_MESSAGE(line, text.find(line) != std::string::npos);
        // Nothing ended: no delivery was running.
        CPPUNIT_ASSERT(text.find("courierd_deliveries_ended_total{") == std::string::npos ||
                       text.find("reason=\"canceled_at_source\"} 1") == std::string::npos);
    }

    void waitingOrdersAreLookedForEverySecondABatchAtATime()
    {
        auto c = Checking::waiting(2);
        c->source.answer = allNeeded;
        CPPUNIT_ASSERT(c->rechecker.step());
        CPPUNIT_ASSERT(!c->rechecker.step()); // within the second
        c->clock.advance(Rechecker::WAITING_EVERY);
        CPPUNIT_ASSERT(c->rechecker.step());
        c->clock.advance(Rechecker::WAITING_EVERY);
        CPPUNIT_ASSERT(c->rechecker.step());
        c->clock.advance(Rechecker::WAITING_EVERY);
        CPPUNIT_ASSERT(c->rechecker.step()); // looked: none due, the source not asked
        CPPUNIT_ASSERT((c->source.asked == std::vector<std::size_t>{2, 2, 1}));
        CPPUNIT_ASSERT_EQUAL(3, c->wakes);
        CPPUNIT_ASSERT_EQUAL(0, c->lines.count("skipped"));
    }

    // A source down during a recheck delays nothing: the orders it held are assigned as before
    // (stamped, not due again for recheck_after), and the failure is said once.
    void aFailedRecheckOfWaitingOrdersReleasesThemAndIsSaidOnce()
    {
        auto c = Checking::waiting(2);
        c->source.answer = [](const std::vector<RecheckQuery>&) -> std::vector<RecheckAnswer>
        { throw SourceException("GET /orders: 503"); };
        for (int i = 0; i < 3; ++i)
        {
            CPPUNIT_ASSERT_NO_THROW(c->rechecker.step());
            c->clock.advance(Rechecker::WAITING_EVERY);
        }
        for (const auto& order : c->rows.waiting)
        {
            CPPUNIT_ASSERT_MESSAGE(order.id, !order.due && order.skipped.empty());
            CPPUNIT_ASSERT_EQUAL(std::string("error: Source error: GET /orders: 503"),
                                 order.verdict);
        }
        CPPUNIT_ASSERT_EQUAL(3, c->wakes);
        CPPUNIT_ASSERT_EQUAL(1, c->lines.count("recheck of waiting orders failed"));
        CPPUNIT_ASSERT_EQUAL(1, c->lines.count("they are assigned as before"));
        CPPUNIT_ASSERT(c->metricsText().find(
                           "courierd_rechecks_total{source=\"orders\",outcome=\"error\"} 5") !=
                       std::string::npos);
        c->rows.fail = true;
        CPPUNIT_ASSERT_NO_THROW(c->rechecker.step());
        c->rows.fail = false;
        c->rows.waiting.push_back({"f"});
        c->source.answer = allNeeded;
        c->clock.advance(Rechecker::WAITING_EVERY);
        CPPUNIT_ASSERT(c->rechecker.step());
        CPPUNIT_ASSERT_EQUAL(std::string("needed"), c->rows.waitingOne("f").verdict);
        CPPUNIT_ASSERT_EQUAL(1, c->lines.count("rechecks of waiting orders succeed again"));
    }

    void waitingOrdersAreNotAskedAboutWithoutRecheckAfter()
    {
        Checking c(5); // recheck_after 0s
        c.rows.waiting.push_back({"w"});
        c.source.answer = allNeeded;
        CPPUNIT_ASSERT(c.rechecker.step()); // the running deliveries alone
        CPPUNIT_ASSERT(c.rows.afters.empty());
        CPPUNIT_ASSERT(c.rows.waitingOne("w").verdict.empty());
        CPPUNIT_ASSERT_EQUAL(Duration(0), c.rechecker.after());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(RecheckerTest);
