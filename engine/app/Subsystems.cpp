#include "app/Subsystems.h"

#include <Poco/Exception.h>

#include <exception>
#include <utility>

namespace courierd
{

Subsystems::Subsystems(Poco::Logger& logger)
    : _logger(logger)
{
}

Subsystems::~Subsystems()
{
    stop();
}

void Subsystems::add(Part part)
{
    _parts.push_back(std::move(part));
}

void Subsystems::start()
{
    try
    {
        for (; _started < _parts.size(); ++_started)
            if (_parts[_started].start)
                _parts[_started].start();
    }
    catch (...)
    {
        stop();
        throw;
    }
}

void Subsystems::stop()
{
    while (_started > 0)
    {
        const Part& part = _parts[--_started];
        if (!part.stop)
            continue;
        try
        {
            part.stop();
        }
        catch (const Poco::Exception& e)
        {
            _logger.error("stopping %s: %s", part.name, e.displayText());
        }
        catch (const std::exception& e)
        {
            _logger.error("stopping %s: %s", part.name, std::string(e.what()));
        }
    }
}

void Subsystems::reconfigure(const EngineConfig& engine)
{
    for (const auto& part : _parts)
        if (part.reconfigure)
            part.reconfigure(engine);
}

std::vector<std::string> Subsystems::names() const
{
    std::vector<std::string> out;
    for (const auto& part : _parts)
        out.push_back(part.name);
    return out;
}

} // namespace courierd
