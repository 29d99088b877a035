#pragma once

#include <Poco/Timespan.h>
#include <Poco/Timestamp.h>

#include <map>
#include <string>

namespace courierd
{

/// A cursor on a `created_at`-like timestamp for sources whose timestamps are not unique,
/// whose answers are unordered, whose time filter is inclusive, and whose records can become
/// visible late (a few seconds behind newer ones). It asks for everything from
/// `watermark - lookback` on, and remembers the ids it has already passed on within that window
/// so that re-reading the window yields only what is new. Records older than the window are
/// passed on as new (the engine's inbox deduplicates them); nothing is ever skipped.
///
/// A value type; not thread-safe (a plugin uses it inside one fetch()).
class TimestampWatermark
{
public:
    /// `lookback`: how far behind the newest timestamp seen to keep re-reading.
    /// `startFrom`: where the very first fetch starts.
    TimestampWatermark(Poco::Timespan lookback, Poco::Timestamp startFrom);

    /// Restores the state saved by cursor(); an empty cursor means "start". Throws
    /// Poco::SyntaxException for a cursor this class did not write.
    void restore(const std::string& cursor);

    /// The inclusive lower bound to ask the source for: the watermark minus the look-back,
    /// never before startFrom.
    Poco::Timestamp from() const;

    /// The newest timestamp passed on so far (startFrom before any).
    Poco::Timestamp watermark() const { return _watermark; }

    /// True if the record `id` created at `createdAt` has not been passed on within the
    /// window (it is then remembered as passed on); false for a repeat. An id that is not UTF-8
    /// text or holds a NUL (which the engine stores `rejected`) is always passed on, never
    /// remembered and never moves the watermark: a cursor must stay JSON that restore() reads and
    /// PostgreSQL can hold.
    bool admit(const std::string& id, Poco::Timestamp createdAt);

    /// The state to hand back to restore() on the next fetch: the watermark and the ids still
    /// inside the window. Only store it together with every record admitted since restore().
    /// Forgets the ids that have fallen behind the window, so that an instance kept from one
    /// fetch to the next (instead of restored) stays as small as the window.
    std::string cursor();

    /// How many ids the window holds.
    std::size_t remembered() const { return _seen.size(); }

private:
    void prune();

    Poco::Timespan _lookback;
    Poco::Timestamp _startFrom;
    Poco::Timestamp _watermark;
    std::map<std::string, Poco::Timestamp::TimeVal> _seen; // id → created_at, microseconds
};

} // namespace courierd
