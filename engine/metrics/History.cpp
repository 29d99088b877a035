#include "metrics/History.h"

#include <Poco/Logger.h>

namespace courierd::metrics
{

namespace
{

constexpr const char* ASSIGNED = "courierd_assignments_total";
constexpr const char* LATENCY = "courierd_assignment_latency_seconds";
constexpr const char* LAG = "courierd_source_lag_seconds";
constexpr Poco::Timestamp::TimeDiff MINUTE = 60 * 1000000; // microseconds

} // namespace

History::History(Registry& registry, Duration step, std::size_t keep)
    : _registry(registry)
    , _step(step)
    , _keep(keep)
{
}

History::~History()
{
    stop();
}

void History::start()
{
    begin(Poco::Timestamp());
    _timer = std::make_unique<Poco::Timer>(_step.count(), _step.count());
    _timer->start(Poco::TimerCallback<History>(*this, &History::onTimer));
}

void History::begin(Poco::Timestamp now)
{
    Reading reading = read(now);
    std::lock_guard lock(_mutex);
    _readings = {std::move(reading)};
}

void History::stop()
{
    if (_timer)
        _timer->stop();
    _timer.reset();
}

void History::onTimer(Poco::Timer&)
{
    try
    {
        sample(Poco::Timestamp());
    }
    catch (const std::exception& e)
    {
        Poco::Logger::get("courierd.metrics").warning("history: %s", std::string(e.what()));
    }
}

History::Reading History::read(Poco::Timestamp now)
{
    Reading reading;
    reading.at = now;
    if (auto* assigned = _registry.findCounter(ASSIGNED))
        assigned->each(
            [&](const std::vector<std::string>& labels, const Counter& counter)
            {
                if (labels.size() == 1 && labels.front() == "assigned")
                    reading.assigned = counter.value();
            });
    if (auto* latency = _registry.findHistogram(LATENCY))
        latency->each([&](const std::vector<std::string>&, const Histogram& histogram)
                      { reading.latency = histogram.cumulative(); });
    return reading;
}

void History::sample(Poco::Timestamp now)
{
    _registry.runCollectors(); // the lag gauges are set from the store's last read
    Point point;
    point.at = now;
    if (auto* lag = _registry.findGauge(LAG))
        lag->each(
            [&](const std::vector<std::string>& labels, const Gauge& gauge)
            {
                if (labels.size() == 1)
                    point.lagSeconds[labels.front()] = gauge.value();
            });
    const Reading reading = read(now);
    std::vector<double> bounds;
    if (auto* latency = _registry.findHistogram(LATENCY))
        latency->each([&](const std::vector<std::string>&, const Histogram& histogram)
                      { bounds = histogram.bounds(); });

    std::lock_guard lock(_mutex);
    // The oldest reading still within a minute of now (the baseline at first).
    while (_readings.size() > 1 && now - _readings[1].at >= MINUTE)
        _readings.pop_front();
    if (!_readings.empty() && now > _readings.front().at)
    {
        const Reading& before = _readings.front();
        const double minutes = static_cast<double>(now - before.at) / MINUTE;
        point.assignedPerMinute = (reading.assigned - before.assigned) / minutes;
        if (reading.latency.size() == bounds.size() + 1)
        {
            std::vector<double> delta = reading.latency;
            if (before.latency.size() == delta.size())
                for (std::size_t i = 0; i < delta.size(); ++i)
                    delta[i] -= before.latency[i];
            point.latencyP50Seconds = quantile(0.5, bounds, delta);
            point.latencyP99Seconds = quantile(0.99, bounds, delta);
        }
    }
    _readings.push_back(reading);
    _points.push_back(std::move(point));
    while (_points.size() > _keep)
        _points.pop_front();
}

std::vector<History::Point> History::points() const
{
    std::lock_guard lock(_mutex);
    return {_points.begin(), _points.end()};
}

std::optional<double> History::quantile(double q, const std::vector<double>& bounds,
                                        const std::vector<double>& cumulative)
{
    if (cumulative.size() != bounds.size() + 1 || cumulative.back() <= 0)
        return std::nullopt;
    const double rank = q * cumulative.back();
    for (std::size_t i = 0; i < bounds.size(); ++i)
        if (cumulative[i] >= rank)
        {
            const double lower = i == 0 ? 0 : bounds[i - 1];
            const double below = i == 0 ? 0 : cumulative[i - 1];
            const double inBucket = cumulative[i] - below;
            return inBucket <= 0 ? bounds[i]
                                 : lower + (bounds[i] - lower) * (rank - below) / inBucket;
        }
    return bounds.empty() ? std::nullopt : std::optional<double>(bounds.back());
}

} // namespace courierd::metrics
