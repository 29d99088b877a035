#pragma once

#include "metrics/Registry.h"
#include "sources/PollStore.h"

#include <string>

namespace courierd
{

/// The courierd_source_* metrics of this instance's sources (per instance: each instance counts
/// its own ticks): polls by outcome, their duration, new inbox rows by state, the last success,
/// whether this instance holds the lease, whether an operator paused the source; the rechecks of
/// running deliveries and the deliveries they ended. Thread-safe.
class SourceMetrics
{
public:
    explicit SourceMetrics(metrics::Registry& metrics);

    /// A tick of `source` ended with `outcome` (ok, error, standby) after `seconds`, having
    /// stored `total`; `leaseHeld` after it. Only ok and error ticks count rows and durations.
    void ticked(const std::string& source, const std::string& outcome, const IngestResult& total,
                double seconds, bool leaseHeld);

    /// A beat found `source` paused when it was due: counted once an interval, as a poll.
    void pausedTick(const std::string& source);

    /// Whether an operator has paused `source` (read with the controls).
    void paused(const std::string& source, bool paused);

    /// `orders` asked about again, with `outcome` (a fate's name, or `error`).
    void rechecked(const std::string& source, const std::string& outcome, std::size_t orders);

    /// `deliveries` ended at the source, for `reason`.
    void deliveriesEnded(const std::string& source, const std::string& reason,
                         std::size_t deliveries);

    /// `source` is no longer run here (a reload removed it): its series go.
    void forget(const std::string& source);

private:
    metrics::Family<metrics::Counter>& _polls;
    metrics::Family<metrics::Histogram>& _pollSeconds;
    metrics::Family<metrics::Counter>& _records;
    metrics::Family<metrics::Gauge>& _lastSuccess;
    metrics::Family<metrics::Gauge>& _leaseHeld;
    metrics::Family<metrics::Gauge>& _paused;
    metrics::Family<metrics::Counter>& _rechecks;
    metrics::Family<metrics::Counter>& _deliveriesEnded;
};

} // namespace courierd
