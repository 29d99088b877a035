#include "sources/SourceScheduler.h"

#include "HttpCall.h"
#include "LogCapture.h"
#include "StoreFixture.h"
#include "Wait.h"
#include "sources/Ingestor.h"
#include "util/Exceptions.h"

#include <Poco/Thread.h>
#include <cppunit/extensions/HelperMacros.h>

#include <algorithm>
#include <atomic>
#include <iostream>
#include <mutex>
#include <sstream>
#include <utility>

using namespace courierd;
using namespace std::chrono_literals;
using courierd::test::LogCapture;
using courierd::test::StoreFixture;
using courierd::test::waitFor;

namespace
{

// A source that takes its time and counts how many of its fetches run at once.
class InstrumentedSource : public Source
{
public:
    explicit InstrumentedSource(long delayMs, bool failing = false)
        : failing(failing)
        , _delayMs(delayMs)
    {
    }
    std::vector<ConfigKey> settings() const override { return {}; }
    void initialize(SourceContext&) override {}
    Batch fetch(const std::string& cursor) override
    {
        const int now = ++inside;
        for (int seen = maxInside; now > seen && !maxInside.compare_exchange_weak(seen, now);)
            ;
        Poco::Thread::sleep(_delayMs);
        --inside;
        cursors.push_back(cursor);
        {
            std::lock_guard lock(mutex);
            at.emplace_back();
        }
        const int n = ++fetches;
        if (failing)
            throw SourceException("the source is down");
        Batch batch;
        batch.records.push_back(
            {"r" + std::to_string(n), Poco::Timestamp(), "{}", Record::Verdict::Assign, ""});
        batch.cursor = std::to_string(n);
        return batch;
    }

    std::atomic<int> inside{0};
    std::atomic<int> maxInside{0};
    std::atomic<int> fetches{0};
    std::vector<std::string> cursors; // written by the one tick thread, read after stop()
    std::atomic<bool> failing;
    std::mutex mutex;                // guards at
    std::vector<Poco::Timestamp> at; // when each fetch ran

    // Milliseconds from fetch i to fetch i + 1.
    long gap(std::size_t i)
    {
        std::lock_guard lock(mutex);
        return static_cast<long>((at.at(i + 1) - at.at(i)) / 1000);
    }

private:
    const long _delayMs;
};

// A source that streams: two parts of three records each, then the last record with the
// cursor; or, when `breaking`, a failure after the parts. Each part checks what is stored.
class StreamingSource : public Source
{
public:
    StreamingSource(const courierd::test::TestDatabase& db, bool breaking)
        : _db(db)
        , _breaking(breaking)
    {
    }
    std::vector<ConfigKey> settings() const override { return {}; }
    void initialize(SourceContext&) override {}
    Batch fetch(const std::string&) override
    {
        throw SourceException("the engine called fetch(), not stream()");
    }
    Batch stream(const std::string& cursor, RecordSink& sink) override
    {
        for (int part = 0; part < 2; ++part)
        {
            std::vector<Record> records;
            std::vector<Reject> rejects;
            for (int k = 0; k < 3; ++k)
                records.push_back({"p" + std::to_string(part) + "-" + std::to_string(k),
                                   Poco::Timestamp(), "{}", Record::Verdict::Assign, ""});
            sink.write(records, rejects);
            // Stored at once, each part in its own transaction, the cursor not moved.
            storedAfterPart.push_back(_db.scalar("SELECT count(*) FROM inbox"));
            cursorsAfterPart.push_back(_db.text("SELECT cursor FROM source_cursors"));
        }
        ++streams;
        if (_breaking)
            throw SourceException("the answer broke off");
        Batch rest;
        rest.records.push_back({"last", Poco::Timestamp(), "{}", Record::Verdict::Assign, ""});
        rest.cursor = cursor + "+";
        return rest;
    }

    std::vector<Poco::Int64> storedAfterPart;
    std::vector<std::string> cursorsAfterPart;
    std::atomic<int> streams{0};

private:
    const courierd::test::TestDatabase& _db;
    bool _breaking;
};

// One source "orders" whose plugin is replaced by `source`, every `interval`.
struct Scheduled
{
    // `maxBackoff` 0: failing polls wait the interval, as if there were no backoff.
    Scheduled(StoreFixture& store, Source& source, Duration interval, const std::string& holder,
              Duration leaseTtl = 30s, Duration maxBackoff = 0ms,
              SourceControls* controls = nullptr)
        : settings(Settings::read("", {}, {{"source.orders.plugin", "fixture-good"}}))
        , catalog(settings, COURIERD_FIXTURE_PLUGIN_DIR, stopping)
        , ingestor(store.database, holder, leaseTtl)
    {
        catalog.entries().at(0)->source = &source;
        catalog.entries().at(0)->interval = interval;
        catalog.entries().at(0)->maxBackoff = std::max(maxBackoff, interval);
        scheduler = std::make_unique<SourceScheduler>(
            catalog, ingestor, [this] { ++wakes; }, stopping, registry, controls);
    }

    metrics::Registry registry;

    std::atomic<bool> stopping{false};
    Settings settings;
    SourceCatalog catalog;
    Ingestor ingestor;
    std::atomic<int> wakes{0};
    std::unique_ptr<SourceScheduler> scheduler;
};

} // namespace

class SourceSchedulerTest : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(SourceSchedulerTest);
    CPPUNIT_TEST(firstTickRunsAtStart);
    CPPUNIT_TEST(slowTicksNeverOverlapAndCarryTheCursor);
    CPPUNIT_TEST(standbyWhileAnotherInstanceHoldsTheLease);
    CPPUNIT_TEST(aFailureThatGoesOnIsLoggedOnceAndItsEndToo);
    CPPUNIT_TEST(aFailedFetchKeepsTheCursorAndIsReported);
    CPPUNIT_TEST(streamedPartsAreStoredBeforeTheCursorMoves);
    CPPUNIT_TEST(aStreamBrokenMidwayKeepsItsPartsAndTheCursor);
    CPPUNIT_TEST(aTickLongerThanTheLeaseKeepsItAndStoresItsCursor);
    CPPUNIT_TEST(failingPollsBackOffUpToMaxBackoffAndASuccessResets);
    CPPUNIT_TEST(aPausedSourceIsNotPolledAndATriggerPollsAtOnce);
    CPPUNIT_TEST_SUITE_END();

public:
    // interval x 2^n between failing polls, never more than max_backoff; a success goes back
    // to the interval. Gaps are checked from below only (a loaded machine is slower, never
    // faster), the cap through the status.
    void failingPollsBackOffUpToMaxBackoffAndASuccessResets()
    {
        StoreFixture store("scheduler");
        InstrumentedSource source(0, true);
        Scheduled scheduled(store, source, 20ms, "me", 30s, 300ms);
        scheduled.scheduler->start();
        CPPUNIT_ASSERT(waitFor([&] { return source.fetches.load() >= 6; }));
        // After failure i + 1 the next poll waits 40, 80, 160, 300 ms from the tick's start;
        // fetches start a lease query later than their tick, so allow 20 ms (the interval).
        for (std::size_t i = 1; i < 4; ++i)
            CPPUNIT_ASSERT_MESSAGE(std::to_string(i) + ": " + std::to_string(source.gap(i)),
                                   source.gap(i) >= std::min(20L << (i + 1), 300L) - 20);
        const auto failing = scheduled.scheduler->status().at(0);
        CPPUNIT_ASSERT_EQUAL(std::string("backing_off"), failing.state);
        CPPUNIT_ASSERT(failing.failures >= 5);
        CPPUNIT_ASSERT(failing.nextPollAt && failing.lastTickAt);
        CPPUNIT_ASSERT(*failing.nextPollAt - *failing.lastTickAt <= 300'000);

        source.failing = false;
        CPPUNIT_ASSERT(waitFor(
            [&] { return scheduled.scheduler->status().at(0).lastOutcome == std::string("ok"); }));
        const int after = source.fetches.load();
        // At the interval again: 30 polls that backing off (300 ms each) would take 9 s.
        CPPUNIT_ASSERT(waitFor([&] { return source.fetches.load() >= after + 30; }, 8s));
        scheduled.scheduler->stop();
        const auto ok = scheduled.scheduler->status().at(0);
        CPPUNIT_ASSERT_EQUAL(std::string("running"), ok.state);
        CPPUNIT_ASSERT_EQUAL(0, ok.failures);
        CPPUNIT_ASSERT(!ok.nextPollAt);
    }

    // The controls in the store, as every instance reads them: paused before the start, not
    // polled at all; a trigger while paused changes nothing; resumed and triggered, it polls
    // within CONTROL_POLL + BEAT whatever its interval (an hour here).
    void aPausedSourceIsNotPolledAndATriggerPollsAtOnce()
    {
        StoreFixture store("scheduler");
        SourceControls controls(store.database);
        controls.pause("orders");
        InstrumentedSource source(0);
        Scheduled scheduled(store, source, 1h, "me", 30s, 0ms, &controls);
        const auto sample = [&](const std::string& series)
        {
            std::ostringstream out;
            scheduled.registry.write(out);
            return courierd::test::sampleOf(out.str(), series);
        };
        scheduled.scheduler->start();
        CPPUNIT_ASSERT(waitFor(
            [&] {
                return sample(
                           "courierd_source_polls_total{source=\"orders\",outcome=\"paused\"}") ==
                       1;
            }));
        CPPUNIT_ASSERT_EQUAL(1.0, sample("courierd_source_paused{source=\"orders\"}"));
        CPPUNIT_ASSERT_EQUAL(std::string("paused"), scheduled.scheduler->status().at(0).state);
        // A trigger while paused is dropped; resumed, it polls at once, not an hour later.
        controls.trigger("orders");
        scheduled.scheduler->readControls();
        controls.resume("orders");
        scheduled.scheduler->readControls();
        CPPUNIT_ASSERT(waitFor([&] { return source.fetches.load() == 1; }));
        CPPUNIT_ASSERT_EQUAL(std::string("running"), scheduled.scheduler->status().at(0).state);
        const Poco::Timestamp asked;
        controls.trigger("orders"); // read by the scheduler's own timer
        CPPUNIT_ASSERT(waitFor([&] { return source.fetches.load() == 2; }));
        std::cout << "\ntrigger to poll: " << asked.elapsed() / 1000 << " ms" << std::endl;
        controls.pause("orders");
        controls.trigger("orders");
        scheduled.scheduler->readControls();
        CPPUNIT_ASSERT_EQUAL(std::string("paused"), scheduled.scheduler->status().at(0).state);
        scheduled.scheduler->stop();
        CPPUNIT_ASSERT_EQUAL(2, source.fetches.load());
    }

    void firstTickRunsAtStart()
    {
        StoreFixture store("scheduler");
        InstrumentedSource source(0);
        Scheduled scheduled(store, source, std::chrono::hours(1), "me");
        scheduled.scheduler->start();
        CPPUNIT_ASSERT(waitFor([&] { return source.fetches.load() == 1; }));
        scheduled.scheduler->stop();
        CPPUNIT_ASSERT_EQUAL(1, source.fetches.load());
        CPPUNIT_ASSERT(scheduled.wakes.load() >= 1);
        CPPUNIT_ASSERT_EQUAL(std::string("ok"), scheduled.scheduler->status().at(0).lastOutcome);
    }

    void slowTicksNeverOverlapAndCarryTheCursor()
    {
        StoreFixture store("scheduler");
        InstrumentedSource source(150);
        Scheduled scheduled(store, source, 20ms, "me");
        scheduled.scheduler->start();
        CPPUNIT_ASSERT(waitFor([&] { return source.fetches.load() >= 4; }));
        scheduled.scheduler->stop();
        CPPUNIT_ASSERT_EQUAL(1, source.maxInside.load());
        const int fetches = source.fetches.load();
        CPPUNIT_ASSERT_EQUAL(std::string(""), source.cursors.at(0));
        for (int i = 1; i < fetches; ++i)
            CPPUNIT_ASSERT_EQUAL(std::to_string(i), source.cursors.at(i));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(fetches), store.db.scalar("SELECT count(*) FROM inbox"));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(fetches),
                             store.db.scalar("SELECT cursor::bigint FROM source_cursors"));
        // Stopping gave the lease up.
        CPPUNIT_ASSERT_EQUAL(
            Poco::Int64(1),
            store.db.scalar("SELECT count(*) FROM source_leases WHERE expires_at <= now()"));
    }

    void standbyWhileAnotherInstanceHoldsTheLease()
    {
        StoreFixture store("scheduler");
        Ingestor other(store.database, "other", 30s);
        other.acquire("orders");
        InstrumentedSource source(0);
        LogCapture log;
        Scheduled scheduled(store, source, 20ms, "me");
        scheduled.scheduler->start();
        CPPUNIT_ASSERT(waitFor([&] { return scheduled.scheduler->status().at(0).ticks >= 5; }));
        CPPUNIT_ASSERT_EQUAL(0, source.fetches.load());
        const auto status = scheduled.scheduler->status().at(0);
        CPPUNIT_ASSERT_EQUAL(std::string("standby"), status.lastOutcome);
        CPPUNIT_ASSERT(!status.leaseHeld);
        // Said once, at information level, naming the holder; and once when this one takes over.
        CPPUNIT_ASSERT_EQUAL(1, log.count("source orders: standby: instance other holds its "
                                          "lease (until "));
        store.db.execute("UPDATE source_leases SET expires_at = now() - interval '1s'");
        CPPUNIT_ASSERT(waitFor([&] { return source.fetches.load() > 0; }));
        scheduled.scheduler->stop();
        CPPUNIT_ASSERT_EQUAL(1, log.count("source orders: this instance polls it now (was other)"));
        CPPUNIT_ASSERT_EQUAL(1, log.count("standby"));
    }

    void aFailureThatGoesOnIsLoggedOnceAndItsEndToo()
    {
        StoreFixture store("scheduler");
        InstrumentedSource source(0, true);
        LogCapture log;
        Scheduled scheduled(store, source, 20ms, "me");
        scheduled.scheduler->start();
        CPPUNIT_ASSERT(waitFor([&] { return source.fetches.load() >= 10; }));
        CPPUNIT_ASSERT_EQUAL(1, log.count("source orders: tick failed: "));
        CPPUNIT_ASSERT_EQUAL(1, log.count("the source is down"));
        source.failing = false;
        CPPUNIT_ASSERT(
            waitFor([&] { return log.count("source orders: polled again after") == 1; }));
        scheduled.scheduler->stop();
        CPPUNIT_ASSERT_EQUAL(1, log.count("the source is down"));
        CPPUNIT_ASSERT_EQUAL(std::string("ok"), scheduled.scheduler->status().at(0).lastOutcome);
    }

    void aFailedFetchKeepsTheCursorAndIsReported()
    {
        StoreFixture store("scheduler");
        InstrumentedSource source(0, true);
        Scheduled scheduled(store, source, 20ms, "me");
        scheduled.scheduler->start();
        CPPUNIT_ASSERT(waitFor([&] { return source.fetches.load() >= 2; }));
        scheduled.scheduler->stop();
        const auto status = scheduled.scheduler->status().at(0);
        CPPUNIT_ASSERT_EQUAL(std::string("error"), status.lastOutcome);
        CPPUNIT_ASSERT(status.lastError.find("the source is down") != std::string::npos);
        CPPUNIT_ASSERT_EQUAL(std::string(""), source.cursors.back());
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(0),
                             store.db.scalar("SELECT count(*) FROM source_cursors"));
    }

    void streamedPartsAreStoredBeforeTheCursorMoves()
    {
        StoreFixture store("scheduler");
        StreamingSource source(store.db, false);
        Scheduled scheduled(store, source, 1h, "me");
        scheduled.scheduler->start();
        CPPUNIT_ASSERT(waitFor([&] { return scheduled.scheduler->status().at(0).ticks >= 1; }));
        scheduled.scheduler->stop();
        CPPUNIT_ASSERT((source.storedAfterPart == std::vector<Poco::Int64>{3, 6}));
        CPPUNIT_ASSERT((source.cursorsAfterPart == std::vector<std::string>{"", ""}));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(7), store.db.scalar("SELECT count(*) FROM inbox"));
        CPPUNIT_ASSERT_EQUAL(std::string("+"), store.db.text("SELECT cursor FROM source_cursors"));
        const auto status = scheduled.scheduler->status().at(0);
        CPPUNIT_ASSERT_EQUAL(std::string("ok"), status.lastOutcome);
        CPPUNIT_ASSERT_EQUAL(7L, static_cast<long>(status.records));
        // The workers were woken by each part, and by the rest.
        CPPUNIT_ASSERT_EQUAL(3, scheduled.wakes.load());
    }

    void aStreamBrokenMidwayKeepsItsPartsAndTheCursor()
    {
        StoreFixture store("scheduler");
        StreamingSource source(store.db, true);
        Scheduled scheduled(store, source, 20ms, "me");
        scheduled.scheduler->start();
        CPPUNIT_ASSERT(waitFor([&] { return source.streams.load() >= 2; }));
        scheduled.scheduler->stop();
        // The parts are stored once, however often they come again; the cursor never moved.
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(6), store.db.scalar("SELECT count(*) FROM inbox"));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(0),
                             store.db.scalar("SELECT count(*) FROM source_cursors"));
        const auto status = scheduled.scheduler->status().at(0);
        CPPUNIT_ASSERT_EQUAL(std::string("error"), status.lastOutcome);
        CPPUNIT_ASSERT(status.lastError.find("broke off") != std::string::npos);
    }

    // Found by hostile testing: the lease was taken once per tick, so a tick longer than
    // daemon.lease_ttl could never store its cursor ("lease term 1 is no longer current").
    void aTickLongerThanTheLeaseKeepsItAndStoresItsCursor()
    {
        StoreFixture store("scheduler");
        InstrumentedSource source(3000); // three times the TTL
        Scheduled scheduled(store, source, std::chrono::hours(1), "me", 1s);
        Ingestor other(store.database, "other", 1s);
        scheduled.scheduler->start();
        CPPUNIT_ASSERT(waitFor([&] { return source.inside.load() == 1; }));
        Poco::Thread::sleep(2000); // past the TTL: another instance would take an unrenewed lease
        CPPUNIT_ASSERT(!other.acquire("orders").has_value());
        CPPUNIT_ASSERT(waitFor([&] { return scheduled.scheduler->status().at(0).ticks == 1; }));
        scheduled.scheduler->stop();
        const auto status = scheduled.scheduler->status().at(0);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(status.lastError, std::string("ok"), status.lastOutcome);
        CPPUNIT_ASSERT_EQUAL(std::string("1"), store.db.text("SELECT cursor FROM source_cursors"));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(1), store.db.scalar("SELECT count(*) FROM inbox"));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SourceSchedulerTest);
