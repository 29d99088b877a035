#pragma once

#include "sources/Replay.h"

#include <Poco/Types.h>

#include <mutex>
#include <optional>

namespace courierd
{

/// What operators asked of one source, as the ControlWatcher read it last, and what its timer
/// has obeyed of it: paused or running; a trigger ("poll now"), obeyed once at the next beat;
/// a resume, which polls at once; the source's running replay. A trigger from before the first
/// read (before this start) is done; a trigger while paused is dropped. Thread-safe: the
/// watcher writes it, the source's beat takes from it.
class OperatorAsks
{
public:
    /// What one source's row says: paused, its last trigger (epoch µs, 0 for none) and its
    /// running replay.
    struct Asked
    {
        bool paused = false;
        Poco::Int64 trigger = 0;
        std::optional<Replay> replay;
    };

    /// What a beat obeys.
    struct Now
    {
        bool paused = false;
        bool triggered = false; ///< Poll now, once.
        bool resumed = false;   ///< Resumed since the last beat: poll now, once.
    };

    /// The watcher read `asked`. True when it pauses or resumes the source (for the log).
    bool read(const Asked& asked);

    /// At a beat: what to obey now. A trigger and a resume are taken once.
    Now take();

    bool paused() const;
    /// The running replay, as read last.
    std::optional<Replay> replay() const;
    /// The replay ended here (or was found ended): none until the watcher reads one again.
    void replayEnded();

private:
    mutable std::mutex _mutex;
    bool _read = false;
    bool _paused = false;
    Poco::Int64 _trigger = 0;
    Poco::Int64 _triggerSeen = 0; // the trigger obeyed (or dropped, while paused) last
    bool _resumed = false;
    std::optional<Replay> _replay;
};

} // namespace courierd
