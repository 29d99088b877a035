#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <ostream>
#include <string>
#include <vector>

namespace courierd::metrics
{

/// A value that only goes up (Prometheus counter). Lock-free; any thread.
class Counter
{
public:
    void inc(double by = 1) { _value.fetch_add(by, std::memory_order_relaxed); }
    /// For a count kept elsewhere that only goes up (the kernel's CPU time).
    void set(double value) { _value.store(value, std::memory_order_relaxed); }
    double value() const { return _value.load(std::memory_order_relaxed); }

private:
    std::atomic<double> _value{0};
};

/// A value that goes up and down (Prometheus gauge). Lock-free; any thread.
class Gauge
{
public:
    void set(double value) { _value.store(value, std::memory_order_relaxed); }
    void add(double by) { _value.fetch_add(by, std::memory_order_relaxed); }
    double value() const { return _value.load(std::memory_order_relaxed); }

private:
    std::atomic<double> _value{0};
};

/// Observations counted in buckets by upper bound (Prometheus histogram). Lock-free; any thread.
/// A scrape may see an observation in the count before the sum: Prometheus allows that.
class Histogram
{
public:
    explicit Histogram(std::vector<double> bounds);
    void observe(double value);

    const std::vector<double>& bounds() const { return _bounds; }
    /// Observations ≤ bounds()[i], cumulative, then the count of all of them (`+Inf`).
    std::vector<double> cumulative() const;
    double sum() const { return _sum.load(std::memory_order_relaxed); }

private:
    std::vector<double> _bounds;
    std::unique_ptr<std::atomic<double>[]> _counts; // per bucket, the last one +Inf
    std::atomic<double> _sum{0};
};

enum class Type
{
    Counter,
    Gauge,
    Histogram,
};

/// One metric name with its labels' names, and a series per set of label values. Series are
/// made on first use and kept until removed, so a component holds on to the reference it gets
/// (references stay valid). Thread-safe.
template <typename Metric> class Family
{
public:
    Family(std::vector<std::string> labelNames, std::vector<double> bounds = {})
        : _labelNames(std::move(labelNames))
        , _bounds(std::move(bounds))
    {
    }

    /// The series with these label values (as many as the family has label names).
    Metric& with(const std::vector<std::string>& values = {})
    {
        std::lock_guard lock(_mutex);
        auto& series = _series[values];
        if (!series)
        {
            if constexpr (std::is_same_v<Metric, Histogram>)
                series = std::make_unique<Metric>(_bounds);
            else
                series = std::make_unique<Metric>();
        }
        return *series;
    }

    /// Forgets every series whose first label value is `first` (a source a reload removed).
    /// References to them must no longer be used.
    void removeFirst(const std::string& first)
    {
        std::lock_guard lock(_mutex);
        std::erase_if(_series, [&](const auto& item)
                      { return !item.first.empty() && item.first.front() == first; });
    }

    /// Calls `visit(values, metric)` for every series, in label order, under the family's lock.
    template <typename Visit> void each(Visit&& visit) const
    {
        std::lock_guard lock(_mutex);
        for (const auto& [values, metric] : _series)
            visit(values, *metric);
    }

    const std::vector<std::string>& labelNames() const { return _labelNames; }

private:
    std::vector<std::string> _labelNames;
    std::vector<double> _bounds;
    mutable std::mutex _mutex;
    std::map<std::vector<std::string>, std::unique_ptr<Metric>> _series;
};

/// Every metric courierd exposes (Fluent Bit's cmetrics, in small): each component registers
/// its own families at construction and updates them as it works; GET /metrics only writes
/// the registry in the Prometheus text format 0.0.4. Values kept elsewhere (the process's
/// memory, a pool's sessions) are read by collectors that run just before each write.
/// Registering a name twice returns the family registered first (two instances of a component
/// share it); with another type or other labels it throws Poco::InvalidArgumentException.
/// Thread-safe.
class Registry
{
public:
    Family<Counter>& counter(const std::string& name, const std::string& help,
                             std::vector<std::string> labels = {});
    Family<Gauge>& gauge(const std::string& name, const std::string& help,
                         std::vector<std::string> labels = {});
    Family<Histogram>& histogram(const std::string& name, const std::string& help,
                                 std::vector<std::string> labels, std::vector<double> bounds);

    /// Runs `collect` before every write until the returned handle is destroyed (a component
    /// that ends before the registry holds the handle).
    class Collector
    {
    public:
        Collector() = default;
        Collector(Collector&& other) noexcept;
        Collector& operator=(Collector&& other) noexcept;
        ~Collector();

    private:
        friend class Registry;
        Collector(Registry* registry, long id)
            : _registry(registry)
            , _id(id)
        {
        }
        Registry* _registry = nullptr;
        long _id = 0;
    };
    [[nodiscard]] Collector collect(std::function<void()> collect);

    /// Runs the collectors, then writes every family in name order (text format 0.0.4).
    void write(std::ostream& out);

    /// Runs the collectors, so that values kept elsewhere are current (as before a write).
    void runCollectors();

    /// The family registered as `name` with that type; nullptr when there is none (yet).
    Family<Counter>* findCounter(const std::string& name);
    Family<Gauge>* findGauge(const std::string& name);
    Family<Histogram>* findHistogram(const std::string& name);

    /// A registry nobody scrapes: for components made without one (tests, tools).
    static Registry& unused();

private:
    struct Entry
    {
        Type type;
        std::string help;
        std::vector<std::string> labels;
        std::shared_ptr<void> family;
    };
    template <typename Metric>
    Family<Metric>& add(const std::string& name, const std::string& help, Type type,
                        std::vector<std::string> labels, std::vector<double> bounds);
    template <typename Metric> Family<Metric>* find(const std::string& name, Type type);
    void forget(long id);

    std::mutex _mutex;
    std::map<std::string, Entry> _families;
    std::mutex _collectMutex; // held while collectors run and while one is added or removed
    std::map<long, std::function<void()>> _collectors;
    long _nextId = 1;
};

/// Buckets for durations from 5 ms to 60 s.
std::vector<double> durationBuckets();

} // namespace courierd::metrics
