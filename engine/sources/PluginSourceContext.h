#pragma once

#include "config/Settings.h"
#include "courierd/SourceContext.h"

#include <atomic>
#include <string>

namespace courierd
{

/// The engine's SourceContext: one source's keys (`source.NAME.*`) of the validated Settings,
/// a logger `courierd.source.NAME`, the wall clock and the daemon's stop flag. Thread-safe.
class PluginSourceContext : public SourceContext
{
public:
    /// `settings` and `stopFlag` must outlive the context.
    PluginSourceContext(std::string sourceName, const Settings& settings,
                        const std::atomic<bool>& stopFlag);

    const std::string& sourceName() const override { return _name; }
    std::string getString(const std::string& key) const override;
    std::int64_t getInt(const std::string& key) const override;
    Duration getDuration(const std::string& key) const override;
    bool getBool(const std::string& key) const override;
    Poco::Timestamp getTime(const std::string& key) const override;
    std::vector<std::string> getList(const std::string& key) const override;
    std::string getSecret(const std::string& key) const override;
    std::string describe(const std::string& key) const override;
    std::vector<std::string> keysOf(const std::string& family) const override;
    Poco::Logger& logger() const override { return _logger; }
    /// The wall clock.
    Poco::Timestamp now() const override { return Poco::Timestamp(); }
    bool stopRequested() const override { return _stop.load() || _removed.load(); }

    /// Stops this source alone (a reload removed or replaced it): stopRequested() says true.
    void requestStop() { _removed = true; }

private:
    std::string key(const std::string& name) const { return "source." + _name + "." + name; }

    std::string _name;
    const Settings& _settings;
    const std::atomic<bool>& _stop;
    std::atomic<bool> _removed{false};
    Poco::Logger& _logger;
};

} // namespace courierd
