#pragma once

#include "courierd/Batch.h"
#include "courierd/ConfigKey.h"
#include "courierd/SourceContext.h"

#include <string>
#include <vector>

namespace courierd
{

/// A source of orders: the class a plugin exports (see COURIERD_PLUGIN in Plugin.h). The host
/// creates one instance per `[source.NAME]` section with the default constructor, so
/// configuration arrives through initialize(), never the constructor. The engine owns the
/// timer and calls the instance; a plugin never starts threads or timers and never touches
/// the database.
///
/// Lifecycle: settings() → initialize() → fetch() any number of times → shutdown() →
/// destruction (before the library is unloaded). The engine never calls one instance from two
/// threads at once.
class Source
{
public:
    virtual ~Source() = default;

    /// The keys this plugin reads from its `[source.NAME]` section, beyond the engine's own
    /// (`plugin`, `interval`). The host checks the section against this table before
    /// initialize(): an unknown key or a bad value stops start-up naming file, key and value.
    /// May be called before initialize(); must not throw.
    virtual std::vector<ConfigKey> settings() const = 0;

    /// Reads the configuration through `context`, which outlives this object's use of it.
    /// Called once, on the main thread, before the first fetch. Throws ConfigException for a
    /// value that is well-formed but unusable; start-up then stops with its message. Start the
    /// message with `key = 'value'` (the key as declared): the host prefixes where the value
    /// came from (file, environment variable).
    virtual void initialize(SourceContext& context) = 0;

    /// Fetches what the source has after `cursor` (empty on the very first fetch; afterwards
    /// the cursor of the last Batch the engine stored). Called on the source's timer thread.
    /// Throws SourceException (or any Poco::Exception) when the fetch failed as a whole; the
    /// engine then keeps the old cursor and tries again on the next tick.
    virtual Batch fetch(const std::string& cursor) = 0;

    /// Called once after the last fetch, on the main thread; release connections here.
    virtual void shutdown() {}
};

} // namespace courierd
