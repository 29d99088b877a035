#pragma once

#include "courierd/SourceContext.h"

#include <Poco/Logger.h>

#include <atomic>
#include <map>
#include <string>

namespace courierd::test
{

/// A SourceContext whose settings are a plain map, for driving a plugin directly in a test.
class MapSourceContext : public SourceContext
{
public:
    MapSourceContext(std::string name, std::map<std::string, std::string> values)
        : _name(std::move(name))
        , _values(std::move(values))
    {
    }

    const std::string& sourceName() const override { return _name; }
    std::string getString(const std::string& key) const override;
    std::int64_t getInt(const std::string& key) const override;
    Duration getDuration(const std::string& key) const override;
    Poco::Logger& logger() const override { return Poco::Logger::get("test.source." + _name); }
    /// The real time, unless setNow() fixed it.
    Poco::Timestamp now() const override
    {
        const Poco::Int64 fixed = _now;
        return fixed ? Poco::Timestamp(fixed) : Poco::Timestamp();
    }
    void setNow(Poco::Timestamp now) { _now = now.epochMicroseconds(); }
    bool stopRequested() const override { return _stop; }

    void requestStop() { _stop = true; }

private:
    std::string _name;
    std::map<std::string, std::string> _values;
    std::atomic<bool> _stop{false};
    std::atomic<Poco::Int64> _now{0};
};

} // namespace courierd::test
