#pragma once

#include <Poco/AutoPtr.h>
#include <Poco/Channel.h>
#include <Poco/Logger.h>
#include <Poco/Message.h>

#include <algorithm>
#include <mutex>
#include <string>
#include <vector>

namespace courierd::test
{

/// What a logger logs at information level and above, while this lives (on the stack); the
/// logger's channel and level are put back after. Thread-safe.
class LogCapture : public Poco::Channel
{
public:
    explicit LogCapture(const std::string& logger = "courierd.scheduler")
        : _logger(Poco::Logger::get(logger))
        , _channel(_logger.getChannel())
        , _level(_logger.getLevel())
    {
        _logger.setChannel(Poco::AutoPtr<Poco::Channel>(this, true)); // on the stack: shared
        _logger.setLevel(Poco::Message::PRIO_INFORMATION);
    }
    ~LogCapture() override
    {
        _logger.setChannel(_channel);
        _logger.setLevel(_level);
        // A logger first made while this captured, below it (`test.x.y` under `test.x`),
        // inherited this channel: it gets the one put back too, or it would hold this object
        // after it is gone and free it at exit (found: RecheckerTest aborted at exit, `free():
        // invalid pointer` in ~Logger, once the stack's layout changed).
        std::vector<std::string> names;
        Poco::Logger::names(names);
        for (const auto& name : names)
            if (Poco::Logger* other = Poco::Logger::has(name);
                other && other->getChannel().get() == this)
                other->setChannel(_channel);
    }
    LogCapture(const LogCapture&) = delete;
    LogCapture& operator=(const LogCapture&) = delete;

    void log(const Poco::Message& message) override
    {
        std::lock_guard lock(_mutex);
        _lines.push_back(message.getText());
        _priorities.push_back(message.getPriority());
    }

    Poco::Logger& logger() const { return _logger; }

    /// Every line so far.
    std::vector<std::string> lines() const
    {
        std::lock_guard lock(_mutex);
        return _lines;
    }
    std::vector<Poco::Message::Priority> priorities() const
    {
        std::lock_guard lock(_mutex);
        return _priorities;
    }
    /// How many lines so far contain `text`.
    int count(const std::string& text) const
    {
        std::lock_guard lock(_mutex);
        return static_cast<int>(std::count_if(_lines.begin(), _lines.end(),
                                              [&](const std::string& line)
                                              { return line.find(text) != std::string::npos; }));
    }

private:
    Poco::Logger& _logger;
    Poco::AutoPtr<Poco::Channel> _channel;
    int _level;
    mutable std::mutex _mutex;
    std::vector<std::string> _lines;
    std::vector<Poco::Message::Priority> _priorities;
};

} // namespace courierd::test
