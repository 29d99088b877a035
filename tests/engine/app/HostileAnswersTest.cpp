#include "HttpCall.h"
#include "Installation.h"
#include "TestFiles.h"
#include "Wait.h"
#include "courierd/Rfc3339.h"

#include <Poco/JSON/Array.h>
#include <cppunit/extensions/HelperMacros.h>

#include <csignal>
#include <functional>
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

std::string order(const std::string& id, const std::string& fio,
                  const std::string& createdAt = formatRfc3339(Poco::Timestamp() -
                                                               Poco::Timespan(5, 0)))
{
    return R"({"id":")" + id + R"(","status":"created","created_at":")" + createdAt +
           R"(","fio":")" + fio + R"("})";
}

// What a hostile answer must leave behind, besides a daemon that is up and bounded.
struct Expect
{
    std::vector<std::string> rejected; ///< One rejected row whose reason holds each of these.
    std::string lastError;             ///< The source's last_error holds this (a failed poll).
    Poco::Int64 valid = 0;             ///< Orders beside the hostile ones, stored and assigned.
    int times = 3; ///< Requests answered so: a poll makes up to retry_count + 1 of them.
};

// `text` inside an SQL string literal.
std::string literal(std::string text)
{
    for (std::size_t at = text.find('\''); at != std::string::npos; at = text.find('\'', at + 2))
        text.insert(at, 1, '\'');
    return text;
}

// Source `orders` gives the hostile answer to its first three polls; source `good` (another
// service-order) keeps sending orders. Both must flow, the bad input must be rejected with its
// reason or fail the poll with it, and the source must recover once the answers are sane.
// With `forged`: no line of the daemon's log starts with it, and none holds ESC or CR. `keys`:
// more keys of source `orders`.
// `reader`: the plugin of source `orders`.
void survives(const std::string& what, const FakeServiceOrder::Fault& hostile, const Expect& expect,
              const std::string& forged = "", const std::string& keys = "",
              Reader reader = Reader::ServiceOrder)
{
    FakeServiceOrder good;
    Installation site(40,
                      "timeout = 2s\npoll_timeout = 60s\n" + keys +
                          "[source.good]\nplugin = "
                          "service-order\ninterval = 200ms\nbase_url = " +
                          good.baseUrl() + "\n",
                      reader);
    site.fake.fail(hostile, expect.times);
    auto daemon = site.start();
    const unsigned short port = Installation::adminPort(*daemon);
    const auto count = [&](const std::string& where)
    { return site.count("SELECT count(*) FROM inbox WHERE source = 'orders' AND " + where); };
    // The pipeline's log line names the first order of what it assigned at once: with a forged
    // id to find there, the good source's orders come once the hostile ones are assigned
    // (found by ASan repeats: a batch of six named a good order first, by chance).
    if (!forged.empty())
        CPPUNIT_ASSERT_MESSAGE(
            what + "\n" + daemon->output(),
            waitFor([&] { return count("state = 'assigned'") == expect.valid; }, 60s));
    for (int i = 0; i < 5; ++i)
        good.addOrder("created");

    CPPUNIT_ASSERT_MESSAGE(
        what + ": another source stalled\n" + daemon->output(),
        site.reaches("SELECT count(*) FROM deliveries WHERE source = 'good'", 5, 120s));
    for (const auto& reason : expect.rejected)
        CPPUNIT_ASSERT_MESSAGE(
            what + ": no rejected row saying '" + reason + "' among:\n" +
                joined(site.db().column(
                    "SELECT left(reason, 200) FROM inbox WHERE state = 'rejected'")),
            waitFor(
                [&] {
                    return count("state = 'rejected' AND strpos(reason, '" + literal(reason) +
                                 "') > 0") > 0;
                },
                60s));
    if (!expect.lastError.empty())
        CPPUNIT_ASSERT_MESSAGE(
            what + ": the poll did not fail saying '" + expect.lastError + "'\n" + daemon->output(),
            waitFor(
                [&] {
                    return Installation::lastError(port, "orders").find(expect.lastError) !=
                           std::string::npos;
                },
                120s));
    CPPUNIT_ASSERT_MESSAGE(
        what + "\n" + daemon->output(),
        waitFor([&] { return count("state = 'assigned'") == expect.valid; }, 60s));
    // Sane answers again: the next order arrives.
    site.fake.addOrder("created");
    CPPUNIT_ASSERT_MESSAGE(
        what + ": the source did not recover\n" + daemon->output(),
        waitFor([&] { return count("state = 'assigned'") == expect.valid + 1; }, 120s));

    if (!forged.empty())
    {
        const std::string log = daemon->output();
        CPPUNIT_ASSERT_MESSAGE(what + ": the forged line was written\n" + log,
                               log.find("\n" + forged) == std::string::npos &&
                                   log.rfind(forged, 0) != 0);
        CPPUNIT_ASSERT_MESSAGE(what + ": ESC or CR in the log",
                               log.find_first_of("\x1b\r") == std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(what + ": the id is not in the log, escaped\n" + log,
                               log.find("x\\n" + forged) != std::string::npos);
    }
    const long peak = daemon->peakResidentKiB();
    std::cout << "\n" << what << ": peak RSS " << peak / 1024 << " MiB" << std::endl;
    CPPUNIT_ASSERT_MESSAGE(what + ": " + std::to_string(peak) + " KiB",
                           !MEASURED || peak < RSS_LIMIT_KIB);
    CPPUNIT_ASSERT_MESSAGE(what + ": courierd exited", !daemon->waitForExit(0ms).has_value());
    const auto violated = site.violatedAtRest();
    CPPUNIT_ASSERT_MESSAGE(what + ": " + joined(violated), violated.empty());
    daemon->signal(SIGTERM);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(what, 0, daemon->waitForExit(30s).value_or(-1));
}

FakeServiceOrder::Fault answer(std::string body)
{
    FakeServiceOrder::Fault fault;
    fault.status = 200;
    fault.body = std::move(body);
    return fault;
}

// Serves `body` once as the answer to the first poll of `reader`, runs courierd until `rows`
// inbox rows are stored, and returns its peak resident memory in KiB.
long peakWhileIngesting(const std::string& what, std::string body, Poco::Int64 rows,
                        Reader reader = Reader::ServiceOrder)
{
    // max_order_bytes: 1 MiB. A generous timeout: on a loaded machine the fake may take
    // seconds to start sending hundreds of MiB, and the answer is served once.
    Installation site(0, "timeout = 60s\n", reader);
    FakeServiceOrder::Fault answer;
    answer.status = 200;
    answer.body = std::move(body);
    site.fake.fail(answer);
    auto daemon = site.start();
    // Under a sanitizer, hundreds of MiB of JSON take minutes on a loaded machine (TSan, with
    // another build beside it, had stored nothing after 120 s).
    const bool stored = site.reaches("SELECT count(*) FROM inbox", rows, MEASURED ? 120s : 600s);
    const long peak = daemon->peakResidentKiB();
    CPPUNIT_ASSERT_MESSAGE(daemon->output(), stored);
    CPPUNIT_ASSERT(Installation::stopAll({daemon.get()}));
    std::cout << "\n" << what << ": peak RSS " << peak / 1024 << " MiB\n";
    return peak;
}

// The recheck's answers are outside input too. Source `orders`, polled once an hour, sent five
// orders, all assigned; the hostile answer is served to the next request, the recheck's
// listing of the five. The daemon stays up and bounded, `logged` names the problem, no delivery
// ends on what the hostile answer said (but `ended`, by what it said sanely), and once the
// answers are sane an order canceled at the source frees its courier.
void survivesRecheck(
    const std::string& what,
    const std::function<FakeServiceOrder::Fault(const std::vector<std::string>& ids)>& hostile,
    const std::string& logged, Poco::Int64 ended = 0, const std::string& keys = "")
{
    Installation site(5);
    site.rewrite("recheck_interval = 300ms\nretry_count = 0\ntimeout = 2s\n" + keys, "1h");
    std::vector<std::string> ids;
    for (int i = 0; i < 5; ++i)
        ids.push_back(site.fake.addOrder("created", Poco::Timestamp() - Poco::Timespan(i + 5, 0)));
    auto daemon = site.start();
    const std::string endedSql = "SELECT count(*) FROM deliveries WHERE ended_at IS NOT NULL";
    CPPUNIT_ASSERT_MESSAGE(daemon->output(), site.reaches("SELECT count(*) FROM deliveries", 5));
    const std::size_t asked = site.fake.requestCount();
    site.fake.fail(hostile(ids));
    CPPUNIT_ASSERT_MESSAGE(what + ": not said\n" + daemon->output(),
                           daemon->waitForOutput(logged, MEASURED ? 60s : 300s));
    CPPUNIT_ASSERT_MESSAGE(what, site.fake.requestCount() > asked);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(what, ended, site.count(endedSql));

    // Sane answers again: the order canceled now ends, the others run on.
    site.fake.setStatus(ids[4], "canceled");
    CPPUNIT_ASSERT_MESSAGE(what + ": the recheck did not recover\n" + daemon->output(),
                           site.reaches("SELECT count(*) FROM deliveries WHERE ended_at IS NOT "
                                        "NULL AND order_id = '" +
                                            ids[4] + "'",
                                        1, 120s));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(what, ended + 1, site.count(endedSql));
    const long peak = daemon->peakResidentKiB();
    std::cout << "\n" << what << ": peak RSS " << peak / 1024 << " MiB" << std::endl;
    CPPUNIT_ASSERT_MESSAGE(what + ": " + std::to_string(peak) + " KiB",
                           !MEASURED || peak < RSS_LIMIT_KIB);
    CPPUNIT_ASSERT_MESSAGE(what + ": courierd exited", !daemon->waitForExit(0ms).has_value());
    CPPUNIT_ASSERT(Installation::stopAll({daemon.get()}));
    const auto violated = site.violatedAtRest();
    CPPUNIT_ASSERT_MESSAGE(what + ": " + joined(violated), violated.empty());
}

std::string listed(const std::string& id, const std::string& status)
{
    return R"({"id":")" + id + R"(","status":")" + status + R"(","created_at":")" +
           formatRfc3339(Poco::Timestamp() - Poco::Timespan(5, 0)) + R"("})";
}

// A case of the matrix both readers meet: the answer, what it must leave behind, and more keys
// of source `orders`.
struct Case
{
    std::string what;
    FakeServiceOrder::Fault answer;
    Expect expect;
    std::string keys;
};

void survives(const Case& c, Reader reader = Reader::ServiceOrder)
{
    survives((reader == Reader::HttpJson ? "http-json: " : "") + c.what, c.answer, c.expect, "",
             c.keys, reader);
}

Case nestedDeep()
{
    return {"JSON nested 100,000 deep",
            answer("[" + order("ok", "Ivan") + "," + std::string(100'000, '[') +
                   std::string(100'000, ']') + "," + R"({"id":"deep","x":)" +
                   std::string(100'000, '[') + std::string(100'000, ']') + "}]"),
            {{"Maximum depth exceeded"}, "", 1},
            ""};
}

Case bodyOf2GiB()
{
    FakeServiceOrder::Fault huge = answer("[" + order("ok", "Ivan") + ",");
    huge.repeated = std::string(1 << 20, ' ');
    huge.repeat = 2048; // 2 GiB of white space between two orders
    huge.tail = order("late", "Petr") + "]";
    // Refused at max_response_bytes (1 GiB), not retried. The order read before the limit
    // was never handed over (a part is written at 1,000 orders or 4 MiB): the cursor stays.
    // Under a sanitizer, reading 1 GiB on a loaded machine can outlast poll_timeout (found
    // by TSan repeats): there the limit is 256 MiB, the body 512 MiB, the path the same.
    std::string limit = "1073741824";
    if (!MEASURED)
    {
        huge.repeat = 512;
        limit = "268435456";
    }
    return {"a 2 GiB body",
            huge,
            {{}, "response body larger than " + limit + " bytes", 0, 1},
            "max_response_bytes = " + limit + "\n"};
}

Case notUtf8()
{
    return {"invalid UTF-8",
            answer("[" + order("ok", "Ivan") + "," + order("bad", "\xff\xfe\xc3") + "," +
                   order("bad\xff", "Oleg") + "]"),
            {{"not UTF-8 text (byte 74)", "not UTF-8 text (byte 10)", "written as \\xNN"}, "", 1},
            ""};
}

Case timesFarAway()
{
    const Poco::Timestamp recent = Poco::Timestamp() - Poco::Timespan(60, 0);
    // The same instant written with an offset; a leap second (23:59:60) in the past.
    const std::string offset = formatRfc3339(recent).substr(0, 19) + "+00:00";
    return {"created_at far ahead, before 1970, with offsets and a leap second",
            answer("[" + order("future", "a", "9999-12-31T23:59:59Z") + "," +
                   order("old", "b", "1969-12-31T23:59:59Z") + "," + order("offset", "c", offset) +
                   "," + order("east", "d", "2026-01-01T03:00:00+03:00") + "," +
                   order("leap", "e", "2016-12-31T23:59:60Z") + "," +
                   order("wrong", "f", "2026-01-01T00:00:00+99:99") + "]"),
            {{"id future: 'created_at' 9999-12-31T23:59:59Z is later than now + max_clock_skew",
              "id old: created_at 1969-12-31T23:59:59Z is before 1970",
              "id wrong: 'created_at' is not an RFC3339 time"},
             "",
             3},
            ""};
}

Case silentServer()
{
    FakeServiceOrder::Fault silent;
    silent.neverAnswer = true;
    return {"a server that never answers", silent, {{}, "Timeout", 0}, ""};
}

Case endlessHeaders()
{
    FakeServiceOrder::Fault forever;
    forever.headersForever = true;
    return {"headers without end", forever, {{}, "header", 0, 12}, ""};
}

// Ids of every shape: a number, an object, empty, 10 KB. With `integerIds` the reader takes 17
// for the order "17" (http-json); service-order's contract has string ids only.
Case idsOfEveryShape(bool integerIds)
{
    const std::string tail = R"(,"status":"created","created_at":")" +
                             formatRfc3339(Poco::Timestamp() - Poco::Timespan(5, 0)) + "\"}";
    return {"ids that are numbers, objects, empty or 10 KB",
            answer("[" + order("ok", "Ivan") + R"(,{"id":17)" + tail + R"(,{"id":{"a":1})" + tail +
                   R"(,{"id":"")" + tail + R"(,{"id":")" + std::string(10240, 'i') + "\"" + tail +
                   "]"),
            {{integerIds ? "missing or non-integer, non-string 'id'" : "missing or non-string 'id'",
              "empty 'id'", "longer than 256 bytes"},
             "",
             integerIds ? 2 : 1},
            ""};
}

// One order with a 100 MiB string, a bare 100 MiB string, and an order after them.
std::string hugeStrings()
{
    return "[" + order("huge", std::string(100 * 1048576, 'y')) + ",\"" +
           std::string(100 * 1048576, 'z') + "\"," + order("after", "Ivan") + "]";
}

} // namespace

// Answers built to exhaust the daemon, seen from the real binary: memory stays bounded by
// bytes, whatever the number and the size of the orders.
class HostileAnswersTest : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(HostileAnswersTest);
    CPPUNIT_TEST(manyOrdersJustUnderTheSizeLimitStayUnder128MiB);
    CPPUNIT_TEST(oneHugeStringStaysUnder128MiB);
    CPPUNIT_TEST(jsonNested100000Deep);
    CPPUNIT_TEST(aStreamedBodyOf2GiB);
    CPPUNIT_TEST(invalidUtf8);
    CPPUNIT_TEST(idsThatForgeLogLines);
    CPPUNIT_TEST(idsThatAreNumbersObjectsEmptyOrHuge);
    CPPUNIT_TEST(duplicateIdsWithDifferentPayloadsInOneAnswer);
    CPPUNIT_TEST(createdAtFarFutureBefore1970OffsetsAndLeapSeconds);
    CPPUNIT_TEST(aServerThatNeverAnswers);
    CPPUNIT_TEST(headersWithoutEnd);
    CPPUNIT_TEST(aRecheckListingWithStraysTwinsAndStatusesNotInTheContract);
    CPPUNIT_TEST(aRecheckListingOf2GiB);
    CPPUNIT_TEST(aRecheckListingThatIsNotJson);
    CPPUNIT_TEST(aRecheckThatNeverAnswers);
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
        const long peak = peakWhileIngesting("100 MiB strings", hugeStrings(), 3);
        CPPUNIT_ASSERT_MESSAGE(std::to_string(peak) + " KiB", !MEASURED || peak < RSS_LIMIT_KIB);
    }

    // The matrix: each kind of hostile answer, from the real binary, beside a healthy source.
    void jsonNested100000Deep() { survives(nestedDeep()); }

    void aStreamedBodyOf2GiB() { survives(bodyOf2GiB()); }

    void invalidUtf8() { survives(notUtf8()); }

    // Issue 19, defect 4: an id of "x\n2026-…Z E courierd: FORGED" wrote a line of its own,
    // and ESC and CR passed through to the operator's terminal.
    void idsThatForgeLogLines()
    {
        const std::string forged = "2026-12-02T00:00:00.000Z E courierd: FORGED";
        survives("ids that forge log lines",
                 answer("[" + order("x\\n" + forged + "\\u001b[2J\\r", "Ivan") + "]"), {{}, "", 1},
                 forged);
    }

    void idsThatAreNumbersObjectsEmptyOrHuge() { survives(idsOfEveryShape(false)); }

    void duplicateIdsWithDifferentPayloadsInOneAnswer()
    {
        survives(
            "duplicate ids with different payloads",
            answer("[" + order("twin", "Ivan") + "," + order("twin", "Petr") + "," +
                   order("twin", "Ivan") + "]"),
            {{"id twin: appears twice in one answer with different content; the first was kept"},
             "",
             1});
    }

    void createdAtFarFutureBefore1970OffsetsAndLeapSeconds() { survives(timesFarAway()); }

    void aServerThatNeverAnswers() { survives(silentServer()); }

    void headersWithoutEnd() { survives(endlessHeaders()); }

    // Issue 21: the recheck's answers, from the real binary.
    void aRecheckListingWithStraysTwinsAndStatusesNotInTheContract()
    {
        // Ids never asked (canceled, deleted), an asked id twice (once canceled), a status the
        // contract does not have: those tell nothing. The order listed canceled once ends.
        survivesRecheck(
            "a recheck listing with strays, twins and unknown statuses",
            [](const std::vector<std::string>& ids)
            {
                return answer("[" + listed("stray-1", "canceled") + "," +
                              listed("stray-2", "deleted") + "," + listed(ids[0], "created") + "," +
                              listed(ids[0], "canceled") + "," + listed(ids[1], "teleported") +
                              "," + listed(ids[2], "created") + "," + listed(ids[3], "canceled") +
                              "," + listed(ids[4], "created") + "]");
            },
            "could not tell about 2 of 5 running deliveries", 1);
    }

    void aRecheckListingOf2GiB()
    {
        FakeServiceOrder::Fault huge = answer("[");
        huge.repeated = std::string(1 << 20, ' ');
        huge.repeat = MEASURED ? 2048 : 512;
        huge.tail = "]";
        survivesRecheck(
            "a recheck listing of 2 GiB", [&](const auto&) { return huge; },
            "recheck of running deliveries failed", 0,
            MEASURED ? "" : "max_response_bytes = 268435456\n");
    }

    void aRecheckListingThatIsNotJson()
    {
        survivesRecheck(
            "a recheck listing that is not JSON",
            [](const auto&) { return answer(std::string(100'000, '[') + "{\"id\":"); },
            "recheck of running deliveries failed", 0);
    }

    void aRecheckThatNeverAnswers()
    {
        FakeServiceOrder::Fault silent;
        silent.neverAnswer = true;
        survivesRecheck(
            "a recheck that never answers", [&](const auto&) { return silent; },
            "recheck of running deliveries failed", 0);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(HostileAnswersTest);

// The same answers read by http-json configured for service-order's contract: its streaming
// reader of a path, its integer ids, its pages.
class HttpJsonHostileAnswersTest : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(HttpJsonHostileAnswersTest);
    CPPUNIT_TEST(aHundredThousandOrdersOf2KiBStayUnder128MiB);
    CPPUNIT_TEST(oneHugeStringStaysUnder128MiB);
    CPPUNIT_TEST(jsonNested100000Deep);
    CPPUNIT_TEST(aStreamedBodyOf2GiB);
    CPPUNIT_TEST(invalidUtf8);
    CPPUNIT_TEST(idsThatAreObjectsEmptyOrHuge);
    CPPUNIT_TEST(createdAtFarFutureBefore1970OffsetsAndLeapSeconds);
    CPPUNIT_TEST(aServerThatNeverAnswers);
    CPPUNIT_TEST(headersWithoutEnd);
    CPPUNIT_TEST_SUITE_END();

public:
    // 200 MiB in one answer (pagination = none): stored part by part as it is read. Under a
    // sanitizer, 10,000 of them.
    void aHundredThousandOrdersOf2KiBStayUnder128MiB()
    {
        const int orders = MEASURED ? 100'000 : 10'000;
        const std::string fio(2048, 'f');
        const Poco::Timestamp first = Poco::Timestamp() - Poco::Timespan(orders / 1000 + 10, 0);
        std::string body = "[";
        body.reserve(static_cast<std::size_t>(orders) * 2200);
        for (int i = 0; i < orders; ++i)
            body += (i ? "," : "") + order("o" + std::to_string(i), fio,
                                           formatRfc3339(first + Poco::Timespan(0, i * 1000)));
        body += "]";
        const long peak = peakWhileIngesting(std::to_string(orders) + " orders of 2 KiB",
                                             std::move(body), orders, Reader::HttpJson);
        CPPUNIT_ASSERT_MESSAGE(std::to_string(peak) + " KiB", !MEASURED || peak < RSS_LIMIT_KIB);
    }

    void oneHugeStringStaysUnder128MiB()
    {
        const long peak = peakWhileIngesting("100 MiB strings", hugeStrings(), 3, Reader::HttpJson);
        CPPUNIT_ASSERT_MESSAGE(std::to_string(peak) + " KiB", !MEASURED || peak < RSS_LIMIT_KIB);
    }

    void jsonNested100000Deep() { survives(nestedDeep(), Reader::HttpJson); }

    void aStreamedBodyOf2GiB() { survives(bodyOf2GiB(), Reader::HttpJson); }

    void invalidUtf8() { survives(notUtf8(), Reader::HttpJson); }

    void idsThatAreObjectsEmptyOrHuge() { survives(idsOfEveryShape(true), Reader::HttpJson); }

    void createdAtFarFutureBefore1970OffsetsAndLeapSeconds()
    {
        survives(timesFarAway(), Reader::HttpJson);
    }

    void aServerThatNeverAnswers() { survives(silentServer(), Reader::HttpJson); }

    void headersWithoutEnd() { survives(endlessHeaders(), Reader::HttpJson); }
};

CPPUNIT_TEST_SUITE_REGISTRATION(HttpJsonHostileAnswersTest);
