#include "Installation.h"
#include "Wait.h"
#include "courierd/Rfc3339.h"

#include <cppunit/extensions/HelperMacros.h>

#include <iostream>

using namespace courierd;
using namespace courierd::test;
using namespace std::chrono_literals;

namespace
{

constexpr long RSS_LIMIT_KIB = 128 * 1024;

// Under a sanitizer, RSS holds shadow memory and AddressSanitizer's quarantine of freed blocks
// (256 MiB): the answers still run, the figure is only printed.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool MEASURED = false;
#else
constexpr bool MEASURED = true;
#endif

std::string order(const std::string& id, const std::string& fio)
{
    return R"({"id":")" + id + R"(","status":"created","created_at":")" +
           formatRfc3339(Poco::Timestamp() - Poco::Timespan(5, 0)) + R"(","fio":")" + fio + R"("})";
}

// Serves `body` once as the answer to the first poll, runs courierd until `rows` inbox rows
// are stored, and returns its peak resident memory in KiB.
long peakWhileIngesting(const std::string& what, std::string body, Poco::Int64 rows)
{
    // max_order_bytes: 1 MiB. A generous timeout: on a loaded machine the fake may take
    // seconds to start sending hundreds of MiB, and the answer is served once.
    Installation site(0, "timeout = 60s\n");
    FakeServiceOrder::Fault answer;
    answer.status = 200;
    answer.body = std::move(body);
    site.fake.fail(answer);
    auto daemon = site.start();
    const bool stored = site.reaches("SELECT count(*) FROM inbox", rows, 120s);
    const long peak = daemon->peakResidentKiB();
    CPPUNIT_ASSERT_MESSAGE(daemon->output(), stored);
    CPPUNIT_ASSERT(Installation::stopAll({daemon.get()}));
    std::cout << "\n" << what << ": peak RSS " << peak / 1024 << " MiB\n";
    return peak;
}

} // namespace

// Answers built to exhaust the daemon, seen from the real binary: memory stays bounded by
// bytes, whatever the number and the size of the orders.
class HostileAnswersTest : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(HostileAnswersTest);
    CPPUNIT_TEST(manyOrdersJustUnderTheSizeLimitStayUnder128MiB);
    CPPUNIT_TEST(oneHugeStringStaysUnder128MiB);
    CPPUNIT_TEST_SUITE_END();

public:
    // Found by hostile testing: 300 orders just under 1 MiB peaked at 1.78 GB (parts were cut
    // by count only, 1,000 orders a part).
    void manyOrdersJustUnderTheSizeLimitStayUnder128MiB()
    {
        const std::string fio(1048576 - 200, 'x');
        std::string body = "[";
        for (int i = 0; i < 300; ++i)
            body += (i ? "," : "") + order("big-" + std::to_string(i), fio);
        body += "]";
        const long peak = peakWhileIngesting("300 orders of 1 MiB", std::move(body), 300);
        CPPUNIT_ASSERT_MESSAGE(std::to_string(peak) + " KiB", !MEASURED || peak < RSS_LIMIT_KIB);
    }

    // Found by hostile testing: one 100 MiB string drove RSS to 538 MiB with max_order_bytes
    // at 1 MiB. The order, and a bare 100 MiB string beside it, are rejected, cut to 1 MiB;
    // the order after them is stored.
    void oneHugeStringStaysUnder128MiB()
    {
        std::string body = "[" + order("huge", std::string(100 * 1048576, 'y')) + ",\"" +
                           std::string(100 * 1048576, 'z') + "\"," + order("after", "Ivan") + "]";
        const long peak = peakWhileIngesting("100 MiB strings", std::move(body), 3);
        CPPUNIT_ASSERT_MESSAGE(std::to_string(peak) + " KiB", !MEASURED || peak < RSS_LIMIT_KIB);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(HostileAnswersTest);
