#include "metrics/Registry.h"

#include <Poco/Exception.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <utility>

namespace courierd::metrics
{

Histogram::Histogram(std::vector<double> bounds)
    : _bounds(std::move(bounds))
    , _counts(new std::atomic<double>[_bounds.size() + 1])
{
    std::sort(_bounds.begin(), _bounds.end());
    for (std::size_t i = 0; i <= _bounds.size(); ++i)
        _counts[i].store(0);
}

void Histogram::observe(double value)
{
    const auto bucket = static_cast<std::size_t>(
        std::lower_bound(_bounds.begin(), _bounds.end(), value) - _bounds.begin());
    _counts[bucket].fetch_add(1, std::memory_order_relaxed);
    _sum.fetch_add(value, std::memory_order_relaxed);
}

std::vector<double> Histogram::cumulative() const
{
    std::vector<double> out(_bounds.size() + 1);
    double total = 0;
    for (std::size_t i = 0; i <= _bounds.size(); ++i)
        out[i] = total += _counts[i].load(std::memory_order_relaxed);
    return out;
}

template <typename Metric>
Family<Metric>& Registry::add(const std::string& name, const std::string& help, Type type,
                              std::vector<std::string> labels, std::vector<double> bounds)
{
    std::lock_guard lock(_mutex);
    if (const auto it = _families.find(name); it != _families.end())
    {
        if (it->second.type != type || it->second.labels != labels)
            throw Poco::InvalidArgumentException("metric " + name +
                                                 " registered twice, differently");
        return *static_cast<Family<Metric>*>(it->second.family.get());
    }
    auto family = std::make_shared<Family<Metric>>(labels, std::move(bounds));
    _families.emplace(name, Entry{type, help, std::move(labels), family});
    return *family;
}

template <typename Metric> Family<Metric>* Registry::find(const std::string& name, Type type)
{
    std::lock_guard lock(_mutex);
    const auto it = _families.find(name);
    if (it == _families.end() || it->second.type != type)
        return nullptr;
    return static_cast<Family<Metric>*>(it->second.family.get());
}

Family<Counter>* Registry::findCounter(const std::string& name)
{
    return find<Counter>(name, Type::Counter);
}

Family<Gauge>* Registry::findGauge(const std::string& name)
{
    return find<Gauge>(name, Type::Gauge);
}

Family<Histogram>* Registry::findHistogram(const std::string& name)
{
    return find<Histogram>(name, Type::Histogram);
}

void Registry::runCollectors()
{
    std::lock_guard lock(_collectMutex);
    for (const auto& [id, collect] : _collectors)
        collect();
}

Family<Counter>& Registry::counter(const std::string& name, const std::string& help,
                                   std::vector<std::string> labels)
{
    return add<Counter>(name, help, Type::Counter, std::move(labels), {});
}

Family<Gauge>& Registry::gauge(const std::string& name, const std::string& help,
                               std::vector<std::string> labels)
{
    return add<Gauge>(name, help, Type::Gauge, std::move(labels), {});
}

Family<Histogram>& Registry::histogram(const std::string& name, const std::string& help,
                                       std::vector<std::string> labels, std::vector<double> bounds)
{
    return add<Histogram>(name, help, Type::Histogram, std::move(labels), std::move(bounds));
}

Registry::Collector::Collector(Collector&& other) noexcept
    : _registry(std::exchange(other._registry, nullptr))
    , _id(other._id)
{
}

Registry::Collector& Registry::Collector::operator=(Collector&& other) noexcept
{
    if (this != &other)
    {
        if (_registry)
            _registry->forget(_id);
        _registry = std::exchange(other._registry, nullptr);
        _id = other._id;
    }
    return *this;
}

Registry::Collector::~Collector()
{
    if (_registry)
        _registry->forget(_id);
}

Registry::Collector Registry::collect(std::function<void()> collect)
{
    std::lock_guard lock(_collectMutex);
    const long id = _nextId++;
    _collectors.emplace(id, std::move(collect));
    return Collector(this, id);
}

void Registry::forget(long id)
{
    std::lock_guard lock(_collectMutex);
    _collectors.erase(id);
}

namespace
{

// A sample value as the text format writes it: integers without exponent or point, others
// shortest round-trip, and +Inf, -Inf, NaN.
std::string number(double value)
{
    if (std::isnan(value))
        return "NaN";
    if (std::isinf(value))
        return value > 0 ? "+Inf" : "-Inf";
    char buffer[64];
    const auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
    return error == std::errc() ? std::string(buffer, end) : "NaN";
}

// Escapes `text` for HELP (backslash, newline) or, with `quote`, for a label value (also ").
std::string escaped(const std::string& text, bool quote)
{
    std::string out;
    out.reserve(text.size());
    for (const char c : text)
    {
        if (c == '\\')
            out += "\\\\";
        else if (c == '\n')
            out += "\\n";
        else if (c == '"' && quote)
            out += "\\\"";
        else
            out += c;
    }
    return out;
}

std::string labels(const std::vector<std::string>& names, const std::vector<std::string>& values,
                   const std::string& extraName = {}, const std::string& extraValue = {})
{
    std::string out;
    for (std::size_t i = 0; i < names.size() && i < values.size(); ++i)
        out += (out.empty() ? "" : ",") + names[i] + "=\"" + escaped(values[i], true) + "\"";
    if (!extraName.empty())
        out += (out.empty() ? "" : ",") + extraName + "=\"" + extraValue + "\"";
    return out.empty() ? out : "{" + out + "}";
}

const char* typeName(Type type)
{
    switch (type)
    {
    case Type::Counter:
        return "counter";
    case Type::Gauge:
        return "gauge";
    case Type::Histogram:
        return "histogram";
    }
    return "untyped";
}

} // namespace

void Registry::write(std::ostream& out)
{
    runCollectors();
    std::map<std::string, Entry> families;
    {
        std::lock_guard lock(_mutex);
        families = _families;
    }
    for (const auto& [name, entry] : families)
    {
        out << "# HELP " << name << " " << escaped(entry.help, false) << "\n# TYPE " << name << " "
            << typeName(entry.type) << "\n";
        const auto& names = entry.labels;
        switch (entry.type)
        {
        case Type::Counter:
            static_cast<Family<Counter>*>(entry.family.get())
                ->each(
                    [&](const auto& values, const Counter& metric) {
                        out << name << labels(names, values) << " " << number(metric.value())
                            << "\n";
                    });
            break;
        case Type::Gauge:
            static_cast<Family<Gauge>*>(entry.family.get())
                ->each(
                    [&](const auto& values, const Gauge& metric) {
                        out << name << labels(names, values) << " " << number(metric.value())
                            << "\n";
                    });
            break;
        case Type::Histogram:
            static_cast<Family<Histogram>*>(entry.family.get())
                ->each(
                    [&](const auto& values, const Histogram& metric)
                    {
                        const auto counts = metric.cumulative();
                        for (std::size_t i = 0; i < counts.size(); ++i)
                        {
                            const std::string le =
                                i < metric.bounds().size() ? number(metric.bounds()[i]) : "+Inf";
                            out << name << "_bucket" << labels(names, values, "le", le) << " "
                                << number(counts[i]) << "\n";
                        }
                        out << name << "_sum" << labels(names, values) << " "
                            << number(metric.sum()) << "\n"
                            << name << "_count" << labels(names, values) << " "
                            << number(counts.back()) << "\n";
                    });
            break;
        }
    }
}

Registry& Registry::unused()
{
    static Registry registry;
    return registry;
}

std::vector<double> durationBuckets()
{
    return {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
}

} // namespace courierd::metrics
