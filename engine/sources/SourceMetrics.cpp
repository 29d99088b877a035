#include "sources/SourceMetrics.h"

#include <Poco/Timestamp.h>

namespace courierd
{

SourceMetrics::SourceMetrics(metrics::Registry& metrics)
    : _polls(metrics.counter("courierd_source_polls_total",
                             "Ticks of each source by outcome: ok, error, standby (another "
                             "instance holds the lease), paused",
                             {"source", "outcome"}))
    , _pollSeconds(metrics.histogram("courierd_source_poll_duration_seconds",
                                     "How long each poll of a source took (lease, fetch, ingest)",
                                     {"source"}, metrics::durationBuckets()))
    , _records(metrics.counter("courierd_source_records_total",
                               "Inbox rows newly stored from each source by state: pending, "
                               "skipped, rejected",
                               {"source", "state"}))
    , _lastSuccess(metrics.gauge("courierd_source_last_success_timestamp_seconds",
                                 "When this instance last polled each source without error "
                                 "(Unix time)",
                                 {"source"}))
    , _leaseHeld(metrics.gauge("courierd_source_lease_held",
                               "1 while this instance holds the source's lease (it polls it)",
                               {"source"}))
    , _paused(metrics.gauge("courierd_source_paused",
                            "1 while an operator has paused the source (no instance polls it)",
                            {"source"}))
    , _rechecks(metrics.counter("courierd_rechecks_total",
                                "Orders asked about again at their source, by what it said: "
                                "needed, not_needed, canceled, gone, unknown, error",
                                {"source", "outcome"}))
    , _deliveriesEnded(metrics.counter("courierd_deliveries_ended_total",
                                       "Deliveries ended before their deadline because their "
                                       "order was canceled or is gone at the source",
                                       {"source", "reason"}))
{
}

void SourceMetrics::rechecked(const std::string& source, const std::string& outcome,
                              std::size_t orders)
{
    _rechecks.with({source, outcome}).inc(static_cast<double>(orders));
}

void SourceMetrics::deliveriesEnded(const std::string& source, const std::string& reason,
                                    std::size_t deliveries)
{
    _deliveriesEnded.with({source, reason}).inc(static_cast<double>(deliveries));
}

void SourceMetrics::ticked(const std::string& source, const std::string& outcome,
                           const IngestResult& total, double seconds, bool leaseHeld)
{
    _polls.with({source, outcome}).inc();
    _leaseHeld.with({source}).set(leaseHeld ? 1 : 0);
    if (outcome != "ok" && outcome != "error")
        return;
    _pollSeconds.with({source}).observe(seconds);
    _records.with({source, "pending"}).inc(total.records - total.skipped);
    _records.with({source, "skipped"}).inc(total.skipped);
    _records.with({source, "rejected"}).inc(total.rejects);
    if (outcome == "ok")
        _lastSuccess.with({source}).set(static_cast<double>(Poco::Timestamp().epochMicroseconds()) /
                                        1e6);
}

void SourceMetrics::pausedTick(const std::string& source)
{
    _polls.with({source, "paused"}).inc();
}

void SourceMetrics::paused(const std::string& source, bool paused)
{
    _paused.with({source}).set(paused ? 1 : 0);
}

void SourceMetrics::forget(const std::string& source)
{
    for (auto* family : {&_polls, &_records, &_rechecks, &_deliveriesEnded})
        family->removeFirst(source);
    for (auto* family : {&_lastSuccess, &_leaseHeld, &_paused})
        family->removeFirst(source);
    _pollSeconds.removeFirst(source);
}

} // namespace courierd
