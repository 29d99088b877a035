#include "metrics/History.h"

#include <cppunit/extensions/HelperMacros.h>

#include <cmath>

using namespace courierd;
using namespace courierd::metrics;

namespace
{

// The families as the pipeline and the store gauges register them.
struct Metrics
{
    Metrics()
        : assigned(
              registry.counter("courierd_assignments_total", "", {"outcome"}).with({"assigned"}))
        , latency(registry
                      .histogram("courierd_assignment_latency_seconds", "", {},
                                 {0.1, 0.25, 0.5, 1, 2.5, 5, 10})
                      .with())
        , lag(registry.gauge("courierd_source_lag_seconds", "", {"source"}))
        // As StoreGauges: the lag is set just before the registry is read.
        , collector(registry.collect([this] { lag.with({"orders"}).set(lagNow); }))
    {
        registry.counter("courierd_assignments_total", "", {"outcome"})
            .with({"no_courier"})
            .inc(99);
    }

    Registry registry;
    Counter& assigned;
    Histogram& latency;
    Family<Gauge>& lag;
    double lagNow = 0;
    Registry::Collector collector;
};

Poco::Timestamp at(int seconds)
{
    return Poco::Timestamp(Poco::Timestamp::TimeVal(1'800'000'000) * 1'000'000 +
                           Poco::Timestamp::TimeVal(seconds) * 1'000'000);
}

bool near(double expected, std::optional<double> actual)
{
    return actual && std::fabs(expected - *actual) < 1e-9;
}

} // namespace

class HistoryTest : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(HistoryTest);
    CPPUNIT_TEST(quantilesInterpolateWithinABucketAsPrometheusDoes);
    CPPUNIT_TEST(eachStepHasTheLagTheRateAndTheLatencyOfTheMinuteBefore);
    CPPUNIT_TEST(keepsTheLastFifteenMinutes);
    CPPUNIT_TEST(withoutTheFamiliesThereIsNothingToChart);
    CPPUNIT_TEST_SUITE_END();

public:
    void quantilesInterpolateWithinABucketAsPrometheusDoes()
    {
        const std::vector<double> bounds = {1, 2, 4};
        // 10 observations: 2 ≤ 1 s, 6 in (1, 2], 2 in (2, 4], none above.
        const std::vector<double> cumulative = {2, 8, 10, 10};
        CPPUNIT_ASSERT(near(1.5, History::quantile(0.5, bounds, cumulative)));
        CPPUNIT_ASSERT(near(3.9, History::quantile(0.99, bounds, cumulative)));
        CPPUNIT_ASSERT(near(0.5, History::quantile(0.1, bounds, cumulative)));
        // Above the last bound: that bound, as histogram_quantile() says.
        CPPUNIT_ASSERT(near(4, History::quantile(0.99, bounds, {0, 0, 0, 5})));
        CPPUNIT_ASSERT(!History::quantile(0.5, bounds, {0, 0, 0, 0}));
        CPPUNIT_ASSERT(!History::quantile(0.5, bounds, {1, 2}));
    }

    void eachStepHasTheLagTheRateAndTheLatencyOfTheMinuteBefore()
    {
        Metrics m;
        History history(m.registry);
        m.assigned.inc(1000); // before the start: not in any rate
        m.latency.observe(9);
        history.begin(at(0));

        m.assigned.inc(30);
        for (int i = 0; i < 30; ++i)
            m.latency.observe(i < 15 ? 0.3 : 0.7); // half in (0.25, 0.5], half in (0.5, 1]
        m.lagNow = 4.5;
        history.sample(at(15));
        auto points = history.points();
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), points.size());
        CPPUNIT_ASSERT(points[0].at == at(15));
        CPPUNIT_ASSERT(near(120, points[0].assignedPerMinute)); // 30 in a quarter of a minute
        CPPUNIT_ASSERT(near(0.5, points[0].latencyP50Seconds));
        CPPUNIT_ASSERT(near(0.99, points[0].latencyP99Seconds));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), points[0].lagSeconds.size());
        CPPUNIT_ASSERT(near(4.5, points[0].lagSeconds.at("orders")));

        // Three quiet steps: the minute still holds the 30.
        for (int step = 2; step <= 4; ++step)
            history.sample(at(15 * step));
        CPPUNIT_ASSERT(near(30, history.points().back().assignedPerMinute));
        // A fifth: the minute before it holds none, and no latency.
        history.sample(at(75));
        points = history.points();
        CPPUNIT_ASSERT(near(0, points.back().assignedPerMinute));
        CPPUNIT_ASSERT(!points.back().latencyP50Seconds);
        CPPUNIT_ASSERT(!points.back().latencyP99Seconds);
    }

    void keepsTheLastFifteenMinutes()
    {
        Metrics m;
        History history(m.registry);
        history.begin(at(0));
        for (int step = 1; step <= 70; ++step)
            history.sample(at(15 * step));
        const auto points = history.points();
        CPPUNIT_ASSERT_EQUAL(History::DEFAULT_KEEP, points.size());
        CPPUNIT_ASSERT(points.front().at == at(15 * 11));
        CPPUNIT_ASSERT(points.back().at == at(15 * 70));
    }

    void withoutTheFamiliesThereIsNothingToChart()
    {
        Registry empty;
        History history(empty);
        history.begin(at(0));
        history.sample(at(15));
        const auto points = history.points();
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), points.size());
        CPPUNIT_ASSERT(points[0].lagSeconds.empty());
        CPPUNIT_ASSERT(near(0, points[0].assignedPerMinute));
        CPPUNIT_ASSERT(!points[0].latencyP50Seconds);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(HistoryTest);
