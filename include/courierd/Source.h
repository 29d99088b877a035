#pragma once

#include "courierd/Batch.h"
#include "courierd/ConfigKey.h"
#include "courierd/Exceptions.h"
#include "courierd/Export.h"
#include "courierd/Recheck.h"
#include "courierd/RecordSink.h"
#include "courierd/SourceContext.h"

#include <Poco/Timestamp.h>

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
/// Lifecycle: settings() → initialize() → stream() (or fetch()) any number of times →
/// shutdown() → destruction (before the library is unloaded). The engine never calls one
/// instance from two threads at once.
///
/// A plugin whose answers are small implements fetch() only. A plugin whose answers can be
/// large (a backlog after an outage, a source without pagination) also overrides stream(), so
/// that the engine stores records while the answer is still being read, and memory stays
/// bounded however large the answer.
class COURIERD_SDK_API Source
{
public:
    virtual ~Source() = default;

    /// The keys this plugin reads from its `[source.NAME]` section, beyond the engine's own
    /// (`plugin`, `interval`, `max_clock_skew`, `max_backoff`): usually ConfigMap::keys() of
    /// the plugin's settings struct. The host checks the section against this table before
    /// initialize(): an unknown key or a bad value stops start-up naming file, key and value.
    /// May be called before initialize(); must not throw.
    virtual std::vector<ConfigKey> settings() const = 0;

    /// Reads the configuration through `context`, which outlives this object's use of it.
    /// Called once, on the main thread, before the first fetch. Every value is already parsed
    /// and checked against settings(). Throws ConfigException for a value that is well-formed
    /// but unusable; start-up then stops with its message, prefixed with the source's name.
    /// Start the message with context.describe(key), which says where the value came from
    /// (file, environment variable) and what it is.
    virtual void initialize(SourceContext& context) = 0;

    /// Fetches what the source has after `cursor` (empty on the very first fetch; afterwards
    /// the cursor of the last Batch the engine stored). Called on the source's timer thread.
    /// Throws SourceException (or any Poco::Exception) when the fetch failed as a whole; the
    /// engine then keeps the old cursor and tries again on the next tick.
    virtual Batch fetch(const std::string& cursor) = 0;

    /// What the engine calls on each tick: fetch(), streamed. Hand records and rejects to
    /// `sink` in parts of a bounded size as they are read; return a Batch holding the rest and
    /// the new cursor. The engine stores each part in a transaction of its own, and the
    /// returned Batch, with the cursor, last: the cursor still never passes a record that is
    /// not stored. If this throws, the parts already written stay stored (the inbox ignores
    /// them when they come again) and the cursor does not move. Called on the source's timer
    /// thread. The default calls fetch() and writes nothing to `sink`.
    virtual Batch stream(const std::string& cursor, RecordSink& sink)
    {
        (void)sink;
        return fetch(cursor);
    }

    /// A cursor from which fetch() returns the records created at `time` or later: an
    /// operator moving the cursor to a time (`PUT /api/v1/sources/NAME/cursor` with
    /// `{"from"}`), and replays of a time range. Must not touch the network: it may be called
    /// from any thread, while a fetch runs. Throws UnsupportedException, saying why, when this
    /// source has no time to start from (the default).
    virtual std::string cursorAt(const Poco::Timestamp& time)
    {
        (void)time;
        throw UnsupportedException("this plugin cannot start its cursor at a time");
    }

    /// Whether recheck() answers. The default says no, and the engine then never calls it.
    virtual bool rechecks() const { return false; }

    /// What became of `orders` at the source since they were read: for each, one of the Fates
    /// (Needed, NotNeeded, Canceled, Gone, Unknown), judged by the rule the plugin applies at a
    /// first read. The engine asks before it assigns an order that waited for a courier, and
    /// about the orders of running deliveries; it skips an order that is no longer needed and
    /// ends the delivery of one canceled or gone. `orders` holds at most the source's
    /// `recheck_batch` orders, distinct ids, and stays the engine's: keep nothing of it.
    /// Answer with as few requests as the source allows (one listing covering every order
    /// rather than one request each); memory should stay bounded by `orders`, not by what the
    /// source answers. An asked order without an answer counts as Unknown; an answer for an id
    /// not asked, or a second one for an id, is ignored (the engine logs it). Called on the
    /// source's timer thread between polls, never while fetch() or stream() runs (and never
    /// unless rechecks() says true). Throws SourceException when the source could not be asked
    /// at all (the engine changes nothing, counts an error for each order, and tries again
    /// later); StoppingException, as fetch(), while the daemon stops.
    virtual std::vector<RecheckAnswer> recheck(const std::vector<RecheckQuery>& orders)
    {
        (void)orders;
        throw UnsupportedException("this plugin cannot recheck orders");
    }

    /// Called once after the last fetch, on the main thread; release connections here.
    virtual void shutdown() {}
};

} // namespace courierd
