#include "sources/SourcePoll.h"

#include "LogCapture.h"
#include "MemoryPollStore.h"

#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <string>
#include <vector>

using namespace courierd;
using courierd::test::LogCapture;
using courierd::test::MemoryPollStore;
using courierd::test::ScriptedSource;

namespace
{

using Ids = std::vector<std::string>;

// One source's poll over a store in memory, with what it logs and how often it woke the
// pipeline.
struct Poll
{
    Poll()
        : log("orders", lines.logger())
        , lease(store, "orders", lines.logger())
        , poll(
              "orders", source, Duration(300000), store, lease, log, [this] { ++wakes; }, stopping,
              lines.logger())
    {
    }

    LogCapture lines{"test.sourcepoll"};
    MemoryPollStore store;
    ScriptedSource source;
    std::atomic<bool> stopping{false};
    int wakes = 0;
    TickLog log;
    SourceLease lease;
    SourcePoll poll;
};

} // namespace

// SourcePoll on a store in memory: lease → cursor → stream → ingest, and what each failure
// becomes.
class SourcePollTest : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(SourcePollTest);
    CPPUNIT_TEST(aPollFetchesEveryPageAndStoresTheCursorWithTheLast);
    CPPUNIT_TEST(theNextPollUnderTheSameTermDoesNotReadTheCursorBack);
    CPPUNIT_TEST(whileAnotherInstanceHoldsTheLeaseNothingIsFetched);
    CPPUNIT_TEST(aLeaseLostDuringThePollStoresNothingAndStandsBy);
    CPPUNIT_TEST(aCursorMovedUnderThePollIsAWarningAndTheNextPollReadsIt);
    CPPUNIT_TEST(aFailingSourceIsAnErrorAndTheCursorStays);
    CPPUNIT_TEST(aStoreErrorIsAnError);
    CPPUNIT_TEST(aStopDuringAStreamKeepsTheStoredPartsAndTheCursor);
    CPPUNIT_TEST(thePipelineIsWokenOnlyWhenRowsWereStored);
    CPPUNIT_TEST(theKeeperSeesTheLeaseOnlyWhileThePollRuns);
    CPPUNIT_TEST_SUITE_END();

public:
    void aPollFetchesEveryPageAndStoresTheCursorWithTheLast()
    {
        Poll p;
        p.source.then({Ids{"1", "2"}, "c1", true});
        p.source.then({Ids{"3"}, "c2", false, "", Ids{"4"}});
        const auto out = p.poll.run();
        CPPUNIT_ASSERT_EQUAL(std::string("ok"), out.outcome);
        CPPUNIT_ASSERT_EQUAL(4, out.stored.records);
        CPPUNIT_ASSERT((Ids{"1", "2", "4", "3"}) == p.store.inbox());
        CPPUNIT_ASSERT_EQUAL(std::string("c2"), p.store.storedCursor("orders"));
        CPPUNIT_ASSERT((Ids{"", "c1"}) == p.source.askedFrom());
        CPPUNIT_ASSERT_EQUAL(1, p.store.calls("ingestPart"));
        CPPUNIT_ASSERT_EQUAL(2, p.store.calls("ingest"));
        CPPUNIT_ASSERT_EQUAL(1, p.lines.count("source orders: 4 new record(s) (0 skipped)"));
        CPPUNIT_ASSERT_EQUAL(1, p.lines.count("source orders: cursor moved to c2"));
    }

    void theNextPollUnderTheSameTermDoesNotReadTheCursorBack()
    {
        Poll p;
        p.source.then({Ids{"1"}, "c1"});
        p.poll.run();
        p.poll.run();
        CPPUNIT_ASSERT_EQUAL(1, p.store.calls("cursor"));
        CPPUNIT_ASSERT((Ids{"", "c1"}) == p.source.askedFrom());
        CPPUNIT_ASSERT_EQUAL(2, p.store.calls("acquire")); // the lease is renewed each poll
    }

    void whileAnotherInstanceHoldsTheLeaseNothingIsFetched()
    {
        Poll p;
        p.store.heldBy("orders", "vm:8082");
        const auto out = p.poll.run();
        CPPUNIT_ASSERT_EQUAL(std::string("standby"), out.outcome);
        CPPUNIT_ASSERT(p.source.askedFrom().empty());
        CPPUNIT_ASSERT(!p.lease.held());
        CPPUNIT_ASSERT_EQUAL(1, p.lines.count("vm:8082"));
        CPPUNIT_ASSERT_EQUAL(0, p.log.failures());
    }

    void aLeaseLostDuringThePollStoresNothingAndStandsBy()
    {
        Poll p;
        ScriptedSource::Answer answer{Ids{"1"}, "c1"};
        answer.during = [&p] { p.store.heldBy("orders", "vm:8082"); };
        p.source.then(answer);
        const auto out = p.poll.run();
        CPPUNIT_ASSERT_EQUAL(std::string("standby"), out.outcome);
        CPPUNIT_ASSERT(!p.lease.held());
        CPPUNIT_ASSERT(p.store.inbox().empty());
        CPPUNIT_ASSERT_EQUAL(std::string(), p.store.storedCursor("orders"));
        CPPUNIT_ASSERT_EQUAL(1, p.lines.count("is no longer current"));
    }

    void aCursorMovedUnderThePollIsAWarningAndTheNextPollReadsIt()
    {
        Poll p;
        p.source.then({Ids{"1"}, "c1"});
        p.poll.run();
        p.store.setCursor("orders", "set-by-operator");
        p.source.then({Ids{"2"}, "c2"});
        const auto moved = p.poll.run();
        CPPUNIT_ASSERT_EQUAL(std::string("error"), moved.outcome);
        CPPUNIT_ASSERT_EQUAL(Poco::Message::PRIO_WARNING, moved.priority);
        CPPUNIT_ASSERT_EQUAL(std::string("set-by-operator"), p.store.storedCursor("orders"));
        p.source.then({Ids{"3"}, "c3"});
        CPPUNIT_ASSERT_EQUAL(std::string("ok"), p.poll.run().outcome);
        CPPUNIT_ASSERT((Ids{"", "c1", "set-by-operator"}) == p.source.askedFrom());
        CPPUNIT_ASSERT((Ids{"1", "3"}) == p.store.inbox());
    }

    void aFailingSourceIsAnErrorAndTheCursorStays()
    {
        Poll p;
        p.source.then({Ids{"1"}, "c1"});
        p.poll.run();
        p.source.then({Ids{}, "", false, "503 from service-order"});
        const auto out = p.poll.run();
        CPPUNIT_ASSERT_EQUAL(std::string("error"), out.outcome);
        CPPUNIT_ASSERT(out.error.find("503 from service-order") != std::string::npos);
        CPPUNIT_ASSERT_EQUAL(Poco::Message::PRIO_ERROR, out.priority);
        CPPUNIT_ASSERT_EQUAL(std::string("c1"), p.store.storedCursor("orders"));
        CPPUNIT_ASSERT_EQUAL(1, p.log.failures());
        CPPUNIT_ASSERT_EQUAL(1, p.lines.count("tick failed"));
        CPPUNIT_ASSERT_EQUAL(std::string("ok"), p.poll.run().outcome);
        CPPUNIT_ASSERT_EQUAL(0, p.log.failures());
        CPPUNIT_ASSERT((Ids{"", "c1", "c1"}) == p.source.askedFrom());
    }

    void aStoreErrorIsAnError()
    {
        Poll p;
        p.store.fail("acquire", "connection refused");
        const auto out = p.poll.run();
        CPPUNIT_ASSERT_EQUAL(std::string("error"), out.outcome);
        CPPUNIT_ASSERT(out.error.find("connection refused") != std::string::npos);
        CPPUNIT_ASSERT(p.source.askedFrom().empty());
        p.store.fail("ingest", "server closed the connection");
        p.source.then({Ids{"1"}, "c1"});
        CPPUNIT_ASSERT_EQUAL(std::string("error"), p.poll.run().outcome);
        CPPUNIT_ASSERT(p.store.inbox().empty());
        // The ingest's outcome is unknown: the cursor is read again.
        CPPUNIT_ASSERT_EQUAL(std::string("ok"), p.poll.run().outcome);
        CPPUNIT_ASSERT_EQUAL(2, p.store.calls("cursor"));
    }

    void aStopDuringAStreamKeepsTheStoredPartsAndTheCursor()
    {
        Poll p;
        ScriptedSource::Answer answer{Ids{"3"}, "c1", false, "", Ids{"1", "2"}};
        answer.during = [&p] { p.stopping = true; };
        p.source.then(answer);
        const auto out = p.poll.run();
        CPPUNIT_ASSERT_EQUAL(std::string("ok"), out.outcome);
        CPPUNIT_ASSERT((Ids{"1", "2"}) == p.store.inbox());
        CPPUNIT_ASSERT_EQUAL(std::string(), p.store.storedCursor("orders"));
        CPPUNIT_ASSERT_EQUAL(1, p.lines.count("the daemon is stopping"));
    }

    void thePipelineIsWokenOnlyWhenRowsWereStored()
    {
        Poll p;
        p.poll.run();
        CPPUNIT_ASSERT_EQUAL(0, p.wakes);
        p.source.then({Ids{"1"}, "c1", false, "", Ids{"2"}});
        p.poll.run();
        CPPUNIT_ASSERT_EQUAL(2, p.wakes); // the part, then the batch
        p.source.then({Ids{"1"}, "c1"});  // nothing new
        p.poll.run();
        CPPUNIT_ASSERT_EQUAL(2, p.wakes);
    }

    void theKeeperSeesTheLeaseOnlyWhileThePollRuns()
    {
        Poll p;
        std::optional<Lease> during;
        ScriptedSource::Answer answer{Ids{"1"}, "c1"};
        answer.during = [&p, &during] { during = p.lease.polling(); };
        p.source.then(answer);
        CPPUNIT_ASSERT(!p.lease.polling());
        p.poll.run();
        CPPUNIT_ASSERT(during.has_value());
        CPPUNIT_ASSERT_EQUAL(std::string("this:1"), during->holder);
        CPPUNIT_ASSERT(!p.lease.polling());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SourcePollTest);
