#pragma once

#include "courierd/ConfigValues.h"
#include "courierd/Duration.h"
#include "courierd/Export.h"

#include <Poco/Logger.h>
#include <Poco/Timestamp.h>

#include <cstdint>
#include <string>

namespace courierd
{

/// A plugin's only window on the host, handed to Source::initialize(). It stays valid, and
/// owned by the host, until after Source::shutdown(). Every method may be called from any
/// thread.
///
/// Its values (ConfigValues' getters and describe()) are those of the keys the plugin declared
/// in Source::settings(), and of the engine's own keys of the section (`plugin`, `interval`,
/// `max_clock_skew`, `max_backoff`), by their names within the section (`timeout`, not
/// `source.NAME.timeout`): from the source's section, the environment or `--set`, or the
/// default. The host has already checked each against its declared type and limits; a
/// ConfigMap reads them all into the plugin's struct at once.
class COURIERD_SDK_API SourceContext : public ConfigValues
{
public:
    ~SourceContext() override = default;

    /// The source's name: NAME in `[source.NAME]`.
    virtual const std::string& sourceName() const = 0;

    /// A logger named `courierd.source.NAME`.
    virtual Poco::Logger& logger() const = 0;

    /// The current time. Plugins read time only through this, so that tests can control it.
    virtual Poco::Timestamp now() const = 0;

    /// True once the daemon is shutting down: a long fetch should return what it has.
    virtual bool stopRequested() const = 0;
};

} // namespace courierd
