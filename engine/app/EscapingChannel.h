#pragma once

#include <Poco/AutoPtr.h>
#include <Poco/Channel.h>

namespace courierd
{

/// A log channel in front of another that writes every message as one line: control
/// characters in its text (a newline, CR, ESC, C1 controls) are escaped as clipped() does and
/// the text is bounded to MAX_BYTES, so that no value from outside that reaches a log line,
/// wherever it is logged, can forge a line of its own or steer the terminal showing it. The
/// components escape what they log already (clipped()); this is the net under them.
/// Thread-safe as its channel is.
class EscapingChannel : public Poco::Channel
{
public:
    static constexpr std::size_t MAX_BYTES = 16384;

    explicit EscapingChannel(Poco::AutoPtr<Poco::Channel> next);

    void log(const Poco::Message& message) override;
    void open() override;
    void close() override;
    void setProperty(const std::string& name, const std::string& value) override;
    std::string getProperty(const std::string& name) const override;

    /// Puts an EscapingChannel in front of the channel of every logger that has one (one per
    /// channel, shared as the channel is), as configured by POCO's LoggingConfigurator. Loggers
    /// made later inherit their parent's. Main thread, before other threads log.
    static void guardAll();

private:
    Poco::AutoPtr<Poco::Channel> _next;
};

} // namespace courierd
