#include "pipeline/AssignmentPipeline.h"

#include "courierd/Rfc3339.h"
#include "courierd/Utf8.h"
#include "pipeline/Sql.h"

#include <Poco/Data/Transaction.h>
#include <Poco/Nullable.h>

#include <algorithm>

namespace courierd
{

using namespace sql::pipeline;

using namespace Poco::Data::Keywords;
using namespace std::chrono_literals;

namespace
{

constexpr auto STARVED_FIRST = 250ms;
constexpr auto STARVED_LIMIT = 5s;
constexpr auto STORE_DOWN_WAIT = 1s;
constexpr auto LOCKED_RECHECK = 50ms;
constexpr auto LEAST_HOLD = 15s;

} // namespace

AssignmentPipeline::AssignmentPipeline(Database& database, CourierAssigner& assigner,
                                       PipelineConfig config, Poco::Logger& logger,
                                       metrics::Registry& metrics)
    : _database(database)
    , _assigner(assigner)
    , _config(config)
    , _logger(logger)
    , _outcomes(metrics.counter("courierd_assignments_total",
                                "Orders the assignment workers settled, by outcome: assigned, "
                                "already_assigned, no_courier (left pending), error",
                                {"outcome"}))
    , _latency(metrics
                   .histogram("courierd_assignment_latency_seconds",
                              "From an order's created_at to its courier's assignment", {},
                              {0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600})
                   .with())
{
    // Every outcome from the start, so that an alert on errors sees 0 rather than nothing.
    for (const char* outcome : {"assigned", "already_assigned", "no_courier", "error"})
        _outcomes.with({outcome});
}

AssignmentPipeline::~AssignmentPipeline()
{
    stop();
}

void AssignmentPipeline::start()
{
    for (int i = 0; i < config().workers; ++i)
        startWorker();
}

void AssignmentPipeline::startWorker()
{
    auto worker = std::make_unique<Worker>();
    Worker& me = *worker;
    _workers.push_back(std::move(worker));
    me.thread = std::thread([this, &me] { work(me); });
}

void AssignmentPipeline::holdForRechecks(Holds holds)
{
    std::lock_guard lock(_configMutex);
    _holds = std::move(holds);
}

Duration AssignmentPipeline::recheckHold(Duration after)
{
    return std::max<Duration>(after, LEAST_HOLD);
}

AssignmentPipeline::HoldArrays AssignmentPipeline::holdArrays() const
{
    Holds holds;
    {
        std::lock_guard lock(_configMutex);
        holds = _holds;
    }
    std::vector<std::string> names, afters, longest;
    if (holds)
        for (const auto& hold : holds())
        {
            names.push_back(hold.source);
            afters.push_back(std::to_string(hold.after.count()));
            longest.push_back(std::to_string(recheckHold(hold.after).count()));
        }
    return {textArray(names), textArray(afters), textArray(longest)};
}

PipelineConfig AssignmentPipeline::config() const
{
    std::lock_guard lock(_configMutex);
    return _config;
}

void AssignmentPipeline::reconfigure(const PipelineConfig& config)
{
    {
        std::lock_guard lock(_configMutex);
        _config = config;
    }
    while (static_cast<int>(_workers.size()) < config.workers)
        startWorker();
    std::vector<std::unique_ptr<Worker>> retired;
    {
        std::lock_guard lock(_mutex);
        while (static_cast<int>(_workers.size()) > config.workers)
        {
            _workers.back()->retire = true;
            retired.push_back(std::move(_workers.back()));
            _workers.pop_back();
        }
        ++_generation; // wakes the retired out of their waits
        _changed.notify_all();
    }
    for (auto& worker : retired)
        worker->thread.join();
}

std::string AssignmentPipeline::stalled(Duration limit) const
{
    const Poco::Int64 now = Poco::Timestamp().epochMicroseconds();
    for (std::size_t i = 0; i < _workers.size(); ++i)
    {
        const Poco::Int64 since = _workers[i]->busySince;
        if (since != 0 && now - since > limit.count() * 1000)
            return "assignment worker " + std::to_string(i + 1) + " has been at one step for " +
                   std::to_string((now - since) / 1000000) + " s";
    }
    return {};
}

void AssignmentPipeline::wake()
{
    std::lock_guard lock(_mutex);
    ++_generation;
    _changed.notify_all();
}

void AssignmentPipeline::stop()
{
    {
        std::lock_guard lock(_mutex);
        _stopping = true;
        _changed.notify_all();
    }
    for (auto& worker : _workers)
        if (worker->thread.joinable())
            worker->thread.join();
    _workers.clear();
}

void AssignmentPipeline::waitFor(std::chrono::milliseconds limit, unsigned long seen)
{
    std::unique_lock lock(_mutex);
    _changed.wait_for(lock, limit, [&] { return _stopping || _generation != seen; });
}

void AssignmentPipeline::work(Worker& me)
{
    auto starvedWait = std::chrono::milliseconds(STARVED_FIRST);
    int isolate = 0;
    std::atomic<Poco::Int64>& busySince = me.busySince;
    for (;;)
    {
        unsigned long seen = 0;
        {
            std::lock_guard lock(_mutex);
            if (_stopping || me.retire)
                return;
            seen = _generation;
        }
        try
        {
            busySince = Poco::Timestamp().epochMicroseconds();
            switch (step(isolate))
            {
            case Step::Done:
                starvedWait = STARVED_FIRST;
                busySince = 0;
                break;
            case Step::Idle:
            {
                const auto wait = untilNextDue();
                busySince = 0;
                waitFor(wait, seen);
                break;
            }
            case Step::Starved:
                busySince = 0;
                waitFor(starvedWait, seen);
                starvedWait = std::min<std::chrono::milliseconds>(starvedWait * 2, STARVED_LIMIT);
                break;
            }
        }
        catch (const Poco::Exception& e)
        {
            busySince = 0;
            _logger.error("assignment worker: %s", _database.explain(e.displayText()));
            waitFor(STORE_DOWN_WAIT, seen);
        }
        catch (const std::exception& e)
        {
            busySince = 0;
            _logger.error("assignment worker: %s", std::string(e.what()));
            waitFor(STORE_DOWN_WAIT, seen);
        }
    }
}

AssignmentPipeline::Step AssignmentPipeline::step(int& isolate)
{
    // After a failed batch, this worker takes rows one at a time until it has retried as many
    // as the batch held: an error caused by one row then counts against that row alone.
    const bool isolating = isolate > 0;
    Poco::Int64 limit = isolating ? 1 : config().batchSize;
    if (isolating)
        --isolate;

    auto session = _database.session();
    Poco::Data::Transaction transaction(session);
    // Every statement here finds its rows through an index. Statistics taken before a backlog
    // arrived (a fresh install, autovacuum not yet round) can make the planner scan whole
    // tables instead, once per set: measured, a scan of every courier and every delivery for
    // each 500 orders. This transaction's plans stay on the indexes whatever the statistics.
    session << INDEXES_ONLY, now;
    std::vector<std::string> sources;
    std::vector<std::string> records;
    std::vector<std::string> rows;
    std::vector<Poco::Int64> created;
    HoldArrays held = holdArrays();
    session << CLAIM, use(limit), use(held.names), use(held.afters), use(held.holds), into(sources),
        into(records), into(rows), into(created), now;
    if (records.empty())
        return Step::Idle;
    std::vector<OrderRef> orders;
    orders.reserve(records.size());
    for (std::size_t i = 0; i < records.size(); ++i)
        orders.push_back(OrderRef{records[i], sources[i]});

    std::vector<AssignOutcome> outcomes;
    try
    {
        outcomes = _assigner.assign(session, orders);
    }
    catch (const Poco::Exception& e)
    {
        transaction.rollback();
        if (orders.size() == 1)
            recordFailure(orders.front(), e.displayText());
        else
        {
            isolate = static_cast<int>(orders.size());
            _logger.warning("assigning %z orders at once failed (%s); retrying them one by one",
                            orders.size(), _database.explain(e.displayText()));
        }
        return Step::Done;
    }

    // Rows whose order has a courier now are marked; the others wait, stamped passed over the
    // first time (a recheck may be due for them before they are assigned).
    std::vector<std::string> done, waiting; // ctids
    for (std::size_t i = 0; i < orders.size(); ++i)
        (outcomes[i].kind != AssignOutcome::Kind::NoCourierAvailable ? done : waiting)
            .push_back(rows[i]);
    if (!waiting.empty())
    {
        std::string waitingArray = textArray(waiting);
        session << MARK_PASSED_OVER, use(waitingArray), now;
    }
    if (done.empty())
    {
        transaction.commit();
        ++_waits;
        _outcomes.with({"no_courier"}).inc(static_cast<double>(orders.size()));
        return Step::Starved;
    }
    std::string doneArray = textArray(done);
    session << MARK_ASSIGNED, use(doneArray), now;
    transaction.commit();
    _assigned += static_cast<long>(done.size());
    report(orders, outcomes, created);
    if (done.size() < orders.size())
    {
        ++_waits;
        return Step::Starved;
    }
    return Step::Done;
}

void AssignmentPipeline::report(const std::vector<OrderRef>& orders,
                                const std::vector<AssignOutcome>& outcomes,
                                const std::vector<Poco::Int64>& created)
{
    const Poco::Int64 committed = Poco::Timestamp().epochMicroseconds();
    std::size_t fresh = 0;
    std::size_t already = 0;
    std::size_t first = orders.size(); // the first order assigned now
    for (std::size_t i = 0; i < orders.size(); ++i)
    {
        const AssignOutcome& outcome = outcomes[i];
        if (outcome.kind == AssignOutcome::Kind::NoCourierAvailable)
            continue;
        const bool now = outcome.kind == AssignOutcome::Kind::Assigned;
        if (now && first == orders.size())
            first = i;
        if (now)
            _latency.observe(static_cast<double>(std::max<Poco::Int64>(committed - created[i], 0)) /
                             1e6);
        ++(now ? fresh : already);
        if (_logger.debug())
            _logger.debug("order %s (source %s) %s courier %Ld until %s",
                          clipped(orders[i].orderId), orders[i].source,
                          std::string(now ? "assigned to" : "already had"), outcome.courierId,
                          formatRfc3339(outcome.deadline));
    }
    const std::size_t waiting = orders.size() - fresh - already;
    _outcomes.with({"assigned"}).inc(static_cast<double>(fresh));
    _outcomes.with({"already_assigned"}).inc(static_cast<double>(already));
    _outcomes.with({"no_courier"}).inc(static_cast<double>(waiting));
    if (first < orders.size())
        _logger.information("%z order(s) assigned to couriers, %z already had one, %z waiting; "
                            "first: order %s (source %s) to courier %Ld until %s",
                            fresh, already, waiting, clipped(orders[first].orderId),
                            orders[first].source, outcomes[first].courierId,
                            formatRfc3339(outcomes[first].deadline));
    else
        _logger.information("%z order(s) already had a courier, %z waiting", already, waiting);
}

void AssignmentPipeline::recordFailure(const OrderRef& order, const std::string& error)
{
    std::string from = order.source;
    std::string record = order.orderId;
    std::string why = _database.redact(error);
    int maxAttempts = config().maxAttempts;
    std::vector<std::string> states;
    auto session = _database.session();
    session << MARK_FAILED, use(from), use(record), use(why), use(maxAttempts), into(states), now;
    _outcomes.with({"error"}).inc();
    if (!states.empty() && states.front() == "failed")
    {
        ++_failed;
        _logger.error("order %s (source %s) failed for good: %s", clipped(record), from,
                      clipped(why, 1000));
    }
    else
        _logger.warning("order %s (source %s): %s; will retry", clipped(record), from,
                        clipped(why, 1000));
}

std::chrono::milliseconds AssignmentPipeline::untilNextDue()
{
    Poco::Nullable<Poco::Int64> ms;
    HoldArrays held = holdArrays();
    auto session = _database.session();
    session << NEXT_DUE, use(held.names), use(held.afters), use(held.holds), into(ms), now;
    // Rows other instances ingest wake nobody here: never sleep longer than idle_poll.
    const auto limit = std::max<std::chrono::milliseconds>(config().idlePoll, LOCKED_RECHECK);
    if (ms.isNull())
        return limit;
    // A row due now that another worker holds: that worker is on it; look again shortly.
    return std::clamp<std::chrono::milliseconds>(std::chrono::milliseconds(ms.value() + 1),
                                                 LOCKED_RECHECK, limit);
}

} // namespace courierd
