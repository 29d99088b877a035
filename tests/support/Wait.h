#pragma once

#include <Poco/Thread.h>
#include <Poco/Timestamp.h>

#include <chrono>

namespace courierd::test
{

/// Polls `condition` every few milliseconds until it holds or `limit` passes; returns whether
/// it held. For waiting on an observable event (a row appears, a line is logged) with a bound.
template <typename Condition>
bool waitFor(Condition condition, std::chrono::milliseconds limit = std::chrono::seconds(20))
{
    const Poco::Timestamp started;
    for (;;)
    {
        if (condition())
            return true;
        if (started.elapsed() > limit.count() * 1000)
            return false;
        Poco::Thread::sleep(5);
    }
}

} // namespace courierd::test
