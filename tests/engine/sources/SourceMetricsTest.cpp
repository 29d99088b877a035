#include "sources/SourceMetrics.h"

#include <cppunit/extensions/HelperMacros.h>

#include <sstream>
#include <string>

using namespace courierd;

namespace
{

std::string written(metrics::Registry& registry)
{
    std::ostringstream out;
    registry.write(out);
    return out.str();
}

bool has(const std::string& text, const std::string& line)
{
    return text.find("\n" + line + "\n") != std::string::npos;
}

} // namespace

// SourceMetrics: what a tick, a paused beat and a removed source leave in the text format.
class SourceMetricsTest : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(SourceMetricsTest);
    CPPUNIT_TEST(okAndErrorTicksCountRowsAndOnlyOkIsASuccess);
    CPPUNIT_TEST(aStandbyOrPausedTickCountsNoRows);
    CPPUNIT_TEST(aForgottenSourceLeavesNoSeries);
    CPPUNIT_TEST_SUITE_END();

public:
    void okAndErrorTicksCountRowsAndOnlyOkIsASuccess()
    {
        metrics::Registry registry;
        SourceMetrics metrics(registry);
        metrics.ticked("orders", "ok", {5, 2, 1}, 0.2, true);
        metrics.ticked("orders", "error", {3, 0, 0}, 0.4, true);
        const std::string text = written(registry);
        CPPUNIT_ASSERT_MESSAGE(
            text, has(text, R"(courierd_source_polls_total{source="orders",outcome="ok"} 1)"));
        CPPUNIT_ASSERT_MESSAGE(
            text, has(text, R"(courierd_source_polls_total{source="orders",outcome="error"} 1)"));
        CPPUNIT_ASSERT_MESSAGE(
            text, has(text, R"(courierd_source_records_total{source="orders",state="pending"} 6)"));
        CPPUNIT_ASSERT_MESSAGE(
            text, has(text, R"(courierd_source_records_total{source="orders",state="skipped"} 2)"));
        CPPUNIT_ASSERT_MESSAGE(
            text,
            has(text, R"(courierd_source_records_total{source="orders",state="rejected"} 1)"));
        CPPUNIT_ASSERT_MESSAGE(
            text, has(text, R"(courierd_source_poll_duration_seconds_count{source="orders"} 2)"));
        CPPUNIT_ASSERT_MESSAGE(text, has(text, R"(courierd_source_lease_held{source="orders"} 1)"));
        CPPUNIT_ASSERT_MESSAGE(
            text,
            text.find(R"(courierd_source_last_success_timestamp_seconds{source="orders"} 1)") !=
                std::string::npos);
    }

    void aStandbyOrPausedTickCountsNoRows()
    {
        metrics::Registry registry;
        SourceMetrics metrics(registry);
        metrics.ticked("orders", "standby", {}, 0.01, false);
        metrics.pausedTick("orders");
        metrics.paused("orders", true);
        const std::string text = written(registry);
        CPPUNIT_ASSERT_MESSAGE(
            text, has(text, R"(courierd_source_polls_total{source="orders",outcome="standby"} 1)"));
        CPPUNIT_ASSERT_MESSAGE(
            text, has(text, R"(courierd_source_polls_total{source="orders",outcome="paused"} 1)"));
        CPPUNIT_ASSERT_MESSAGE(text, has(text, R"(courierd_source_lease_held{source="orders"} 0)"));
        CPPUNIT_ASSERT_MESSAGE(text, has(text, R"(courierd_source_paused{source="orders"} 1)"));
        CPPUNIT_ASSERT_MESSAGE(text,
                               text.find("courierd_source_records_total{") == std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(text, text.find("courierd_source_last_success_timestamp_seconds{") ==
                                         std::string::npos);
    }

    void aForgottenSourceLeavesNoSeries()
    {
        metrics::Registry registry;
        SourceMetrics metrics(registry);
        for (const std::string source : {"orders", "shop"})
        {
            metrics.ticked(source, "ok", {1, 0, 0}, 0.1, true);
            metrics.paused(source, false);
        }
        metrics.forget("orders");
        const std::string text = written(registry);
        CPPUNIT_ASSERT_MESSAGE(text, text.find(R"(source="orders")") == std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(text, has(text, R"(courierd_source_paused{source="shop"} 0)"));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SourceMetricsTest);
