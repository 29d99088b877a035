#pragma once

#include "courierd/Export.h"

#include <Poco/Timespan.h>
#include <Poco/Timestamp.h>

#include <cstddef>
#include <memory>
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
/// The cursor holds the watermark only (about 110 bytes whatever the look-back and the order
/// rate); the ids of the window stay in this object. Keep one instance from fetch to fetch
/// and restore() each cursor the engine hands back: the cursor this instance wrote last keeps
/// its window, any other (a failed store handed the previous one back, another instance
/// polled, an operator set it) starts from its watermark with an empty window, and the
/// window's records are passed on once more — the inbox recognises those it holds.
///
/// A value type (copies are independent); not thread-safe (a plugin uses it inside one
/// fetch()). Its state is private (a pointer to it): the SDK may change it without a new ABI
/// version.
class COURIERD_SDK_API TimestampWatermark
{
public:
    /// `lookback`: how far behind the newest timestamp seen to keep re-reading.
    /// `startFrom`: where the very first fetch starts.
    TimestampWatermark(Poco::Timespan lookback, Poco::Timestamp startFrom);
    ~TimestampWatermark();
    TimestampWatermark(const TimestampWatermark& other);
    TimestampWatermark& operator=(const TimestampWatermark& other);
    TimestampWatermark(TimestampWatermark&&) noexcept;
    TimestampWatermark& operator=(TimestampWatermark&&) noexcept;

    /// Restores the state saved by cursor(); an empty cursor means "start". The cursor this
    /// instance returned last, with nothing admitted since, keeps the window; cursors of
    /// formats 1 and 2 (which carried the window's ids) restore their ids too. Throws
    /// Poco::SyntaxException for a cursor this class did not write.
    void restore(const std::string& cursor);

    /// The inclusive lower bound to ask the source for: the watermark minus the look-back,
    /// never before startFrom.
    Poco::Timestamp from() const;

    /// The newest timestamp passed on so far (startFrom before any).
    Poco::Timestamp watermark() const;

    /// True if the record `id` created at `createdAt` has not been passed on within the
    /// window (it is then remembered as passed on); false for a repeat. An id that is not UTF-8
    /// text or holds a NUL (which the engine stores `rejected`) is always passed on, never
    /// remembered and never moves the watermark: a cursor must stay JSON that restore() reads and
    /// PostgreSQL can hold.
    bool admit(const std::string& id, Poco::Timestamp createdAt);

    /// The state to hand back to restore() on the next fetch: the watermark, and a tag that
    /// changes whenever an id was admitted (so that only the cursor of this exact window keeps
    /// it). Only store it together with every record admitted since restore(). Forgets the ids
    /// that have fallen behind the window, so that the instance stays as small as the window.
    std::string cursor();

    /// A cursor from which the window starts at `time` (from() is `time`, or startFrom if
    /// later): the watermark a look-back after it, nothing remembered. For Source::cursorAt().
    std::string cursorAt(Poco::Timestamp time) const;

    /// How many ids the window holds.
    std::size_t remembered() const;

private:
    void prune();

    struct State;
    std::unique_ptr<State> _s;
};

} // namespace courierd
