#include "app/EscapingChannel.h"

#include "courierd/Utf8.h"

#include <Poco/Logger.h>
#include <Poco/Message.h>

#include <map>
#include <vector>

namespace courierd
{

namespace
{

// Whether `text` would be written other than as it is.
bool needsEscaping(const std::string& text)
{
    if (text.size() > EscapingChannel::MAX_BYTES || firstUnstorableByte(text))
        return true;
    for (std::size_t at = 0; at < text.size(); ++at)
    {
        const auto byte = static_cast<unsigned char>(text[at]);
        if (byte < 0x20 || byte == 0x7F ||
            (byte == 0xC2 && at + 1 < text.size() &&
             static_cast<unsigned char>(text[at + 1]) < 0xA0))
            return true;
    }
    return false;
}

} // namespace

EscapingChannel::EscapingChannel(Poco::AutoPtr<Poco::Channel> next)
    : _next(std::move(next))
{
}

void EscapingChannel::log(const Poco::Message& message)
{
    if (!needsEscaping(message.getText()))
    {
        _next->log(message);
        return;
    }
    Poco::Message escaped(message);
    escaped.setText(clipped(message.getText(), MAX_BYTES));
    _next->log(escaped);
}

void EscapingChannel::open()
{
    _next->open();
}

void EscapingChannel::close()
{
    _next->close();
}

void EscapingChannel::setProperty(const std::string& name, const std::string& value)
{
    _next->setProperty(name, value);
}

std::string EscapingChannel::getProperty(const std::string& name) const
{
    return _next->getProperty(name);
}

void EscapingChannel::guardAll()
{
    std::vector<std::string> names;
    Poco::Logger::names(names);
    names.emplace_back(); // the root logger
    std::map<const Poco::Channel*, Poco::AutoPtr<Poco::Channel>> guards;
    for (const auto& name : names)
    {
        Poco::Logger& logger = Poco::Logger::get(name);
        Poco::Channel::Ptr channel = logger.getChannel();
        if (!channel || dynamic_cast<const EscapingChannel*>(channel.get()))
            continue;
        auto& guard = guards[channel.get()];
        if (!guard)
            guard = new EscapingChannel(channel);
        logger.setChannel(guard);
    }
}

} // namespace courierd
