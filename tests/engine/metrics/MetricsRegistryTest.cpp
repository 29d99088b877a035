#include "HttpCall.h"
#include "metrics/ProcessMetrics.h"
#include "metrics/Registry.h"

#include <Poco/Exception.h>
#include <Poco/Timestamp.h>
#include <cppunit/extensions/HelperMacros.h>

#include <cmath>
#include <sstream>
#include <thread>

using namespace courierd::metrics;
using courierd::test::sampleOf;

namespace
{

std::string written(Registry& registry)
{
    std::ostringstream out;
    registry.write(out);
    return out.str();
}

} // namespace

class MetricsRegistryTest : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(MetricsRegistryTest);
    CPPUNIT_TEST(writesTheTextFormat);
    CPPUNIT_TEST(escapesLabelValuesAndHelp);
    CPPUNIT_TEST(aNameRegisteredTwiceIsOneFamilyOfOneShape);
    CPPUNIT_TEST(collectorsRunBeforeEachWriteWhileTheyLive);
    CPPUNIT_TEST(removingASourceForgetsItsSeries);
    CPPUNIT_TEST(countsFromManyThreadsAddUp);
    CPPUNIT_TEST(processMetricsDescribeThisProcess);
    CPPUNIT_TEST_SUITE_END();

public:
    void writesTheTextFormat()
    {
        Registry registry;
        registry.counter("b_total", "Things", {"source", "outcome"}).with({"s1", "ok"}).inc(2);
        registry.gauge("a_rows", "Rows").with().set(1.5);
        auto& h = registry.histogram("c_seconds", "Time", {}, {0.1, 1}).with();
        h.observe(0.05);
        h.observe(0.1);
        h.observe(3);
        CPPUNIT_ASSERT_EQUAL(std::string("# HELP a_rows Rows\n"
                                         "# TYPE a_rows gauge\n"
                                         "a_rows 1.5\n"
                                         "# HELP b_total Things\n"
                                         "# TYPE b_total counter\n"
                                         "b_total{source=\"s1\",outcome=\"ok\"} 2\n"
                                         "# HELP c_seconds Time\n"
                                         "# TYPE c_seconds histogram\n"
                                         "c_seconds_bucket{le=\"0.1\"} 2\n"
                                         "c_seconds_bucket{le=\"1\"} 2\n"
                                         "c_seconds_bucket{le=\"+Inf\"} 3\n"
                                         "c_seconds_sum 3.15\n"
                                         "c_seconds_count 3\n"),
                             written(registry));
    }

    void escapesLabelValuesAndHelp()
    {
        Registry registry;
        registry.gauge("g", "a \\ b\nc", {"source"}).with({"x\"y\\z\nw"}).set(-0.25);
        const std::string text = written(registry);
        CPPUNIT_ASSERT_MESSAGE(text, text.find("# HELP g a \\\\ b\\nc\n") != std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(text, text.find("g{source=\"x\\\"y\\\\z\\nw\"} -0.25\n") !=
                                         std::string::npos);
    }

    void aNameRegisteredTwiceIsOneFamilyOfOneShape()
    {
        Registry registry;
        auto& first = registry.counter("x_total", "X", {"a"});
        auto& again = registry.counter("x_total", "X", {"a"});
        CPPUNIT_ASSERT_EQUAL(&first, &again);
        CPPUNIT_ASSERT_THROW(registry.gauge("x_total", "X", {"a"}), Poco::InvalidArgumentException);
        CPPUNIT_ASSERT_THROW(registry.counter("x_total", "X", {"b"}),
                             Poco::InvalidArgumentException);
    }

    void collectorsRunBeforeEachWriteWhileTheyLive()
    {
        Registry registry;
        auto& gauge = registry.gauge("g", "G").with();
        int runs = 0;
        {
            const auto collector = registry.collect([&] { gauge.set(++runs); });
            CPPUNIT_ASSERT_EQUAL(1.0, sampleOf(written(registry), "g"));
            CPPUNIT_ASSERT_EQUAL(2.0, sampleOf(written(registry), "g"));
        }
        CPPUNIT_ASSERT_EQUAL(2.0, sampleOf(written(registry), "g"));
        CPPUNIT_ASSERT_EQUAL(2, runs);
    }

    void removingASourceForgetsItsSeries()
    {
        Registry registry;
        auto& family = registry.counter("p_total", "P", {"source", "outcome"});
        family.with({"a", "ok"}).inc();
        family.with({"b", "ok"}).inc();
        family.removeFirst("a");
        const std::string text = written(registry);
        CPPUNIT_ASSERT(text.find("source=\"a\"") == std::string::npos);
        CPPUNIT_ASSERT_EQUAL(1.0, sampleOf(text, "p_total{source=\"b\",outcome=\"ok\"}"));
    }

    void countsFromManyThreadsAddUp()
    {
        Registry registry;
        auto& family = registry.counter("n_total", "N", {"t"});
        auto& histogram = registry.histogram("h_seconds", "H", {}, {1}).with();
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t)
            threads.emplace_back(
                [&, t]
                {
                    for (int i = 0; i < 10000; ++i)
                    {
                        family.with({std::to_string(t % 2)}).inc();
                        histogram.observe(0.5);
                    }
                });
        for (auto& thread : threads)
            thread.join();
        const std::string text = written(registry);
        CPPUNIT_ASSERT_EQUAL(20000.0, sampleOf(text, "n_total{t=\"0\"}"));
        CPPUNIT_ASSERT_EQUAL(20000.0, sampleOf(text, "n_total{t=\"1\"}"));
        CPPUNIT_ASSERT_EQUAL(40000.0, sampleOf(text, "h_seconds_count"));
        CPPUNIT_ASSERT_EQUAL(20000.0, sampleOf(text, "h_seconds_sum"));
    }

    void processMetricsDescribeThisProcess()
    {
        Registry registry;
        const ProcessMetrics process(registry);
        const std::string text = written(registry);
        CPPUNIT_ASSERT_MESSAGE(text, sampleOf(text, "process_resident_memory_bytes") > 1e6);
        CPPUNIT_ASSERT_MESSAGE(text, sampleOf(text, "process_virtual_memory_bytes") >
                                         sampleOf(text, "process_resident_memory_bytes"));
        CPPUNIT_ASSERT_MESSAGE(text, sampleOf(text, "process_open_fds") >= 3);
        CPPUNIT_ASSERT_MESSAGE(text, sampleOf(text, "process_max_fds") >= 64);
        CPPUNIT_ASSERT_MESSAGE(text, sampleOf(text, "process_cpu_seconds_total") >= 0);
        const double started = sampleOf(text, "process_start_time_seconds");
        const double now = static_cast<double>(Poco::Timestamp().epochMicroseconds()) / 1e6;
        CPPUNIT_ASSERT_MESSAGE(text, started <= now + 1 && started > now - 3600);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(MetricsRegistryTest);
