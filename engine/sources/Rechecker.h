#pragma once

#include "courierd/Source.h"
#include "sources/RecheckRows.h"
#include "sources/SourceMetrics.h"
#include "util/Clock.h"

#include <Poco/Logger.h>

#include <cstddef>
#include <functional>
#include <string>

namespace courierd
{

/// Asks one source again what became of orders the engine holds (Source::recheck()), in two
/// parts that share the source's timer thread between polls:
///
/// - **Waiting orders.** Every second, at most `batch` of the source's pending orders that were
///   passed over for lack of a courier and fetched, or last rechecked, more than `after` ago
///   (the assignment pipeline holds those back until they are asked about, or for at most
///   AssignmentPipeline::recheckHold()). Needed: stamped, assigned as before (the pipeline is
///   woken). Not needed, canceled or gone: they end `skipped` (`status delivering at recheck`,
///   `canceled at source: …`, `gone at source`) and are never assigned. Unknown, or a recheck
///   that fails: stamped, and assigned as before at their next attempt; the failure is said
///   once.
/// - **Running deliveries.** Every `interval`, at most `batch` of them, the longest-unchecked
///   first; those whose order the source calls canceled or gone end, and their couriers are
///   available at once. A canceled order's courier therefore comes back within
///   ceil(running deliveries / batch) x interval plus a beat.
///
/// Run by the instance holding the source's lease, and not while an operator has paused the
/// source (the scheduler sees to both). The answer is outside input: an answer for an order
/// not asked, a second one for an order, or none at all changes nothing but the counts and one
/// log line. Not thread-safe: one source's beat.
class Rechecker
{
public:
    struct Timing
    {
        Duration interval{0};  ///< Between two batches of running deliveries; 0: never.
        std::size_t batch = 0; ///< Most orders asked about at once.
        Duration after{0};     ///< Waiting orders older than this are asked about; 0: never.
    };

    /// Off, both parts, with a plugin whose rechecks() says false. `wake` tells the assignment
    /// pipeline that waiting orders may be assigned now.
    Rechecker(std::string name, Source& source, Timing timing, RecheckRows& rows,
              SourceMetrics& metrics, std::function<void()> wake, Poco::Logger& logger,
              const Clock& clock = Clock::system());

    /// Asks about the waiting orders or the running deliveries whose time has come; never
    /// throws. True when a part's time had come.
    bool step();

    /// Whether it asks about running deliveries at all.
    bool enabled() const { return _running.enabled; }

    /// The source's `recheck_after` while waiting orders are asked about, else 0.
    Duration after() const { return _waiting.enabled ? _timing.after : Duration{0}; }

    /// How often waiting orders are looked for (a range of an index of the waiting alone).
    static constexpr Duration WAITING_EVERY{1000};

private:
    // When a part next runs, and whether its last batch failed (said once until one succeeds).
    struct Part
    {
        bool enabled = false;
        Poco::Timestamp next;
        bool failing = false;
        bool unsure = false; // the last batch held answers the source could not give: said
    };

    // Runs `batch` for `part` when due; says a failure once. True when it ran.
    bool run(Part& part, Duration every, void (Rechecker::*batch)());
    // One batch each.
    void recheckWaiting();
    void recheckRunning();
    // Asks the source about `queries`: one verdict per asked order, the first answer for it,
    // counted by fate (a failure counted `error` and rethrown).
    // Answers the plugin could not give (Fate::Unknown) are said once, until a batch has none.
    std::vector<RecheckAnswer> ask(const std::vector<RecheckQuery>& queries, Part& part);

    std::string _name;
    Source& _source;
    Timing _timing;
    RecheckRows& _rows;
    SourceMetrics& _metrics;
    std::function<void()> _wake;
    Poco::Logger& _logger;
    const Clock& _clock;
    Part _waiting;
    Part _running;
};

} // namespace courierd
