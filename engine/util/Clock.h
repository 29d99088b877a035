#pragma once

#include <Poco/Timestamp.h>

namespace courierd
{

/// Where a component reads the time, so that its tests move time instead of sleeping through
/// it. The system clock is the default; tests pass a clock of their own
/// (tests/support/FakeClock.h). Implementations are thread-safe.
class Clock
{
public:
    virtual ~Clock() = default;
    virtual Poco::Timestamp now() const = 0;

    /// Poco::Timestamp(): the wall clock.
    static const Clock& system();
};

} // namespace courierd
