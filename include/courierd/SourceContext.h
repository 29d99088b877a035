#pragma once

#include "courierd/Duration.h"

#include <Poco/Logger.h>
#include <Poco/Timestamp.h>

#include <cstdint>
#include <string>

namespace courierd
{

/// A plugin's only window on the host, handed to Source::initialize(). It stays valid, and
/// owned by the host, until after Source::shutdown(). Every method may be called from any
/// thread.
class SourceContext
{
public:
    virtual ~SourceContext() = default;

    /// The source's name: NAME in `[source.NAME]`.
    virtual const std::string& sourceName() const = 0;

    /// The value of one of the keys the plugin declared in Source::settings(), or of the
    /// engine's own keys of the section (`plugin`, `interval`), from the source's section (or
    /// its default, or the environment). The host has already checked it
    /// against the declared type and limits. Throws Poco::NotFoundException for an undeclared
    /// key (a bug in the plugin).
    virtual std::string getString(const std::string& key) const = 0;
    virtual std::int64_t getInt(const std::string& key) const = 0;
    virtual Duration getDuration(const std::string& key) const = 0;

    /// A logger named `courierd.source.NAME`.
    virtual Poco::Logger& logger() const = 0;

    /// The current time. Plugins read time only through this, so that tests can control it.
    virtual Poco::Timestamp now() const = 0;

    /// True once the daemon is shutting down: a long fetch should return what it has.
    virtual bool stopRequested() const = 0;
};

} // namespace courierd
