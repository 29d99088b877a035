#include "HttpCall.h"
#include "Installation.h"
#include "Wait.h"

#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <Poco/StreamCopier.h>
#include <cppunit/extensions/HelperMacros.h>

#include <cmath>
#include <sstream>

using namespace courierd;
using courierd::test::DELIVERIES;
using courierd::test::HttpCall;
using courierd::test::Installation;
using courierd::test::sampleOf;
using courierd::test::waitFor;

namespace
{

// Runs `promtool check metrics` (Debian's prometheus package) on `text`: its exit code and
// what it said.
std::pair<int, std::string> promtool(const std::string& text)
{
    Poco::Pipe in, out;
    Poco::ProcessHandle handle =
        Poco::Process::launch("promtool", {"check", "metrics"}, &in, &out, &out);
    {
        Poco::PipeOutputStream input(in);
        input << text;
        input.close();
    }
    Poco::PipeInputStream output(out);
    std::string said;
    Poco::StreamCopier::copyToString(output, said);
    return {handle.wait(), said};
}

} // namespace

class MetricsTest : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(MetricsTest);
    CPPUNIT_TEST(aLiveScrapeHasEveryMetricOfTheDesignAndPassesPromtool);
    CPPUNIT_TEST_SUITE_END();

public:
    void aLiveScrapeHasEveryMetricOfTheDesignAndPassesPromtool()
    {
        // The token guards /api/v1 only: a scrape needs none.
        Installation site(5, "[admin]\ntoken = s3cret\n");
        for (int i = 0; i < 3; ++i)
            site.fake.addOrder("created");
        site.fake.addOrder("canceled");
        site.fake.fail({}); // the first request: 503, then a retry
        auto daemon = site.start();
        const unsigned short port = Installation::adminPort(*daemon);
        CPPUNIT_ASSERT_MESSAGE(daemon->output(), site.reaches(DELIVERIES, 3));

        std::string text;
        const auto scrape = [&]
        {
            const auto call = HttpCall::send(port, "GET", "/metrics");
            CPPUNIT_ASSERT_EQUAL(200, call.status);
            CPPUNIT_ASSERT_EQUAL(std::string("text/plain; version=0.0.4; charset=utf-8"),
                                 call.headers.at("Content-Type"));
            text = call.body;
        };
        // Gauges read from the store follow within their refresh period.
        CPPUNIT_ASSERT(waitFor(
            [&]
            {
                scrape();
                return sampleOf(text,
                                "courierd_inbox_rows{source=\"orders\",state=\"assigned\"}") == 3;
            }));

        for (const char* name :
             {"courierd_source_polls_total", "courierd_source_poll_duration_seconds",
              "courierd_source_records_total", "courierd_source_last_success_timestamp_seconds",
              "courierd_source_lease_held", "courierd_inbox_rows", "courierd_assignments_total",
              "courierd_assignment_latency_seconds", "courierd_couriers", "courierd_db_connections",
              "courierd_reloads_total", "process_cpu_seconds_total",
              "process_resident_memory_bytes", "process_virtual_memory_bytes", "process_open_fds",
              "process_max_fds", "process_start_time_seconds"})
            CPPUNIT_ASSERT_MESSAGE(std::string(name) + " missing:\n" + text,
                                   text.find(std::string("# TYPE ") + name + " ") !=
                                       std::string::npos);

        CPPUNIT_ASSERT(
            sampleOf(text, "courierd_source_polls_total{source=\"orders\",outcome=\"ok\"}") >= 1);
        CPPUNIT_ASSERT_EQUAL(1.0, sampleOf(text, "courierd_source_lease_held{source=\"orders\"}"));
        CPPUNIT_ASSERT_EQUAL(
            3.0,
            sampleOf(text, "courierd_source_records_total{source=\"orders\",state=\"pending\"}"));
        CPPUNIT_ASSERT_EQUAL(
            1.0,
            sampleOf(text, "courierd_source_records_total{source=\"orders\",state=\"skipped\"}"));
        CPPUNIT_ASSERT_EQUAL(3.0,
                             sampleOf(text, "courierd_assignments_total{outcome=\"assigned\"}"));
        CPPUNIT_ASSERT_EQUAL(3.0, sampleOf(text, "courierd_assignment_latency_seconds_count"));
        CPPUNIT_ASSERT_EQUAL(3.0, sampleOf(text, "courierd_couriers{status=\"busy\"}"));
        CPPUNIT_ASSERT_EQUAL(2.0, sampleOf(text, "courierd_couriers{status=\"available\"}"));
        CPPUNIT_ASSERT_EQUAL(0.0, sampleOf(text, "courierd_reloads_total{outcome=\"failed\"}"));
        CPPUNIT_ASSERT_EQUAL(0.0, sampleOf(text, "courierd_assignments_total{outcome=\"error\"}"));
        CPPUNIT_ASSERT(sampleOf(text, "process_resident_memory_bytes") > 1e6);
        CPPUNIT_ASSERT_EQUAL(
            1.0, sampleOf(text, "courierd_http_requests_total{source=\"orders\",code=\"503\"}"));
        CPPUNIT_ASSERT(
            sampleOf(text, "courierd_http_requests_total{source=\"orders\",code=\"200\"}") >= 1);
        CPPUNIT_ASSERT_EQUAL(
            1.0,
            sampleOf(text, "courierd_http_retries_total{source=\"orders\",reason=\"status_503\"}"));
        CPPUNIT_ASSERT_EQUAL(0.0, sampleOf(text, "courierd_source_paused{source=\"orders\"}"));
        // The orders were made just now: the newest is seconds old.
        const double lag = sampleOf(text, "courierd_source_lag_seconds{source=\"orders\"}");
        CPPUNIT_ASSERT_MESSAGE(std::to_string(lag) + "\n" + text + "\n" + daemon->output(),
                               lag >= 0 && lag < 120);
        const double success =
            sampleOf(text, "courierd_source_last_success_timestamp_seconds{source=\"orders\"}");
        const double now = static_cast<double>(Poco::Timestamp().epochMicroseconds()) / 1e6;
        CPPUNIT_ASSERT(success <= now && success > now - 60);

        const auto [code, said] = promtool(text);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(said + "\n" + text, 0, code);
        CPPUNIT_ASSERT_MESSAGE(said, said.empty());
        CPPUNIT_ASSERT(Installation::stopAll({daemon.get()}));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(MetricsTest);
