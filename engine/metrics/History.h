#pragma once

#include "courierd/Duration.h"
#include "metrics/Registry.h"

#include <Poco/Timer.h>
#include <Poco/Timestamp.h>

#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace courierd::metrics
{

/// A short history of what the console charts, kept in memory by this instance and read from
/// the metrics it already keeps: every `step` (15 s), each source's freshness lag
/// (`courierd_source_lag_seconds`), and over the minute before, the orders assigned per minute
/// (`courierd_assignments_total{outcome="assigned"}`) and the order-to-courier latency's p50
/// and p99 (`courierd_assignment_latency_seconds`, interpolated in its buckets as Prometheus'
/// `histogram_quantile()` does). The last `keep` points (60: 15 minutes); nothing survives a
/// restart. Thread-safe.
class History
{
public:
    struct Point
    {
        Poco::Timestamp at;
        std::map<std::string, double> lagSeconds; ///< Sources whose lag is known.
        /// Over the minute before `at` (or since the start, when that is shorter).
        std::optional<double> assignedPerMinute;
        std::optional<double> latencyP50Seconds, latencyP99Seconds; ///< None assigned: none.
    };

    static constexpr Duration DEFAULT_STEP{15000};
    static constexpr std::size_t DEFAULT_KEEP = 60;

    explicit History(Registry& registry, Duration step = DEFAULT_STEP,
                     std::size_t keep = DEFAULT_KEEP);
    ~History();

    History(const History&) = delete;
    History& operator=(const History&) = delete;

    /// begin() now, then sample() every step on a timer.
    void start();
    void stop();

    /// Reads the metrics at `now` as the baseline of the first point's rates.
    void begin(Poco::Timestamp now);

    /// One step at `now` (the timer's; tests call it with their clock).
    void sample(Poco::Timestamp now);

    /// The points, oldest first.
    std::vector<Point> points() const;

    Duration step() const { return _step; }
    std::size_t keep() const { return _keep; }

    /// The `q` quantile (0 < q < 1) of the observations counted in `cumulative` (per upper
    /// bound in `bounds`, then +Inf), interpolated linearly within its bucket; nullopt when it
    /// counts none. One in the +Inf bucket is the highest finite bound.
    static std::optional<double> quantile(double q, const std::vector<double>& bounds,
                                          const std::vector<double>& cumulative);

private:
    struct Reading
    {
        Poco::Timestamp at;
        double assigned = 0;
        std::vector<double> latency; ///< Cumulative, as Histogram::cumulative().
    };

    Reading read(Poco::Timestamp now);
    void onTimer(Poco::Timer&);

    Registry& _registry;
    const Duration _step;
    const std::size_t _keep;
    mutable std::mutex _mutex;
    std::deque<Reading> _readings; ///< The minute before the last sample, and it.
    std::deque<Point> _points;
    std::unique_ptr<Poco::Timer> _timer;
};

} // namespace courierd::metrics
